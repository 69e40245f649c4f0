"""Where a page's time goes: cProfile over `--runs` requests through Django's test
client, in this process, at full size (bench/data.py), signed in as the page's person.

    DATABASE_URL=... REDIS_URL=... ALLOW_DEVELOPMENT_KEY=1 DEBUG=0 \\
        .venv/bin/python -u bench/profile_page.py "Diary (week)" [--sort tottime]

Builds `bench_perf_profile` once and keeps it (`--rebuild` to start again; the data
is dated from the day it was built). Prints the top of the profile. Not part of
`make test`.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dispatch import bench_database_url, drop_database, recreate_database  # noqa: E402
from bench.pages import pages  # noqa: E402

NAME = os.environ.get("BENCH_DATABASE", "bench_perf") + "_profile"
PERSONAS = ROOT / "var" / "bench" / "profile-personas.json"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", help="a page's label (none: list them)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    admin_url = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = bench_database_url(admin_url, NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from bench import data

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.rebuild or not PERSONAS.exists():
        drop_database(admin_url, NAME)
        recreate_database(admin_url, NAME)
        call_command("migrate", verbosity=0)
        PERSONAS.parent.mkdir(parents=True, exist_ok=True)
        PERSONAS.write_text(json.dumps(data.build(personas=True).personas))
    personas = json.loads(PERSONAS.read_text())
    known = {label: (role, path, form) for label, role, path, form in pages(personas)}
    if args.page not in known:
        sys.exit("Pages: " + ", ".join(known))
    role, path, form = known[args.page]
    client = Client()
    client.force_login(get_user_model().objects.get(pk=personas[role]))

    def ask():
        response = client.post(path, form) if form else client.get(path)
        assert response.status_code in (200, 302), response.status_code

    for _ in range(3):
        ask()
    # CPU time, not wall time: waiting for PostgreSQL is not the worker's CPU.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.runs):
        ask()
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
