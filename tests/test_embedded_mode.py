"""`make run`'s embedded mode (SQLite, filesystem broker, file email) works: migrate,
seed the demo and open every role's main pages in a separate process, as a newcomer
would. The rest of the suite runs on PostgreSQL, so this is what catches a query
SQLite cannot run."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from dit_portal.accounts.models import User
from therapy.models import Course, Session

call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
pages = {
    "admin@demo.invalid": ["/schedule/", "/schedule/waiting-list/", "/patients/",
                           "/clinic/settings/", "/clinic/messages/",
                           "/schedule/resources/",
                           "/schedule/rooms/", "/schedule/hours/",
                           "/schedule/closures/",
                           # The reports' window functions and aggregates on SQLite.
                           "/reports/waiting/", "/reports/waiting/?page=2",
                           "/reports/attendance/", "/reports/outcomes/",
                           "/reports/caseload/", "/reports/waiting.csv",
                           "/reports/extract.csv"],
    "therapist@demo.invalid": ["/caseload/", "/diary/"],
    "patient@demo.invalid": ["/my-therapy/"],
    "patient2@demo.invalid": ["/my-therapy/"],
}
course = Course.objects.filter(status="active").first()
session = Session.objects.filter(status="booked").first()
pages["therapist@demo.invalid"].append(f"/courses/{course.public_id}/timeline/")
pages["therapist@demo.invalid"].append(f"/courses/{course.public_id}/measures/")
intake = course.assignments.get(code="intake")
pages["patient@demo.invalid"].append(f"/my-therapy/questionnaires/{intake.public_id}/")
pages["patient@demo.invalid"].append(
    f"/my-therapy/questionnaires/{intake.public_id}/page/1/"
)
pages["admin@demo.invalid"].append(f"/patients/{course.patient.public_id}/")
status = {}
for email, urls in pages.items():
    client = Client()
    client.force_login(User.objects.get(email=email))
    for url in urls:
        status[f"{email} {url}"] = client.get(url, HTTP_HOST="127.0.0.1").status_code
# The outbox on SQLite and the filesystem broker: dispatch, then send one.
from messaging import outbox
from messaging.models import Message
outbox.dispatch()
pending = Message.objects.filter(status="pending").order_by("due_at").first()
status["outbox send"] = 200 if outbox.send(pending.pk) == "sent" else 500
# The audit trail refuses rewriting on SQLite too (triggers, migration audit/0003).
from django.db import DatabaseError, connection
for statement in ("UPDATE audit_auditevent SET action = 'change'",
                  "DELETE FROM audit_auditevent"):
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
        status[statement] = 500
    except DatabaseError:
        status[statement] = 200
print(json.dumps(status))
"""


def test_embedded_mode_serves_every_role(tmp_path):
    # A fresh checkout has no var/: whatever writes there makes its own folder.
    var = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="dit_portal.settings", DIT_VAR_DIR=str(var))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status = json.loads(result.stdout.strip().splitlines()[-1])
    assert status and all(code == 200 for code in status.values()), status
    assert (var / "dit_portal.sqlite3").exists()
    assert list((var / "broker" / "queue").iterdir()), "nothing was queued under var/"
    assert not (ROOT / "control").exists(), "the filesystem broker wrote outside var/"
