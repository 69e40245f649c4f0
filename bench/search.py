"""Benchmark: patient search (patients/search.py) at 10,000 patients.

    make bench-search   (or: DATABASE_URL=... ALLOW_DEVELOPMENT_KEY=1 \
                             .venv/bin/python -u bench/search.py)

Creates (and afterwards drops) its own PostgreSQL database, `bench_search_dit_portal`,
next to the one DATABASE_URL names, and fills it with bulk inserts: 10,000 patients
with names from a mix of common and rare words, valid NHS numbers (the 999 test
range), dates of birth over 80 years and unique email addresses, 40 therapists with
250 patients each. For each kind of search it prints the median time of the search
function (the query and building the results, no page) for a clinic admin and for
one therapist, and the query plan (EXPLAIN ANALYZE), saying which index it used.
Not part of `make test`.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dispatch import bench_database_url, drop_database, recreate_database  # noqa: E402

NAME = "bench_search_dit_portal"
PATIENTS = 10_000  # --patients to try another size
THERAPISTS = 40
FIRST = [
    "Oliver", "Amelia", "George", "Isla", "Noah", "Ava", "Muhammad", "Mia", "Leo",
    "Ivy", "Arthur", "Lily", "Oscar", "Freya", "Harry", "Grace", "Zanele", "Siobhán",
    "Ηλέκτρα", "Дмитрий", "Aarav", "Chiamaka", "Wojciech", "Ngozi", "Tomás",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
    "Green", "Hall", "Khan", "Okafor", "Nowak", "Ó Súilleabháin", "Παπαδόπουλος",
    "Иванов", "Mbeki", "Featherstonehaugh",
]  # fmt: skip
# What a user types, by kind; the NHS number and date are filled from the data.
TERMS = [
    ("Name, common (smi)", "smi"),
    ("Name, long word (feathers)", "feathers"),
    ("Name, two words (oli kha)", "oli kha"),
    ("Name, rare (quenn)", "quenn"),
    ("Name, non-Latin (ηλέκ)", "ηλέκ"),
    ("Email, part (@bench.)", "patient-7421@bench."),
    ("NHS number, spaced", None),
    ("Date of birth (as 1 Feb 1980)", None),
]
# "Index Scan using x", "Index Only Scan using x", "Bitmap Index Scan on x".
INDEX_USED = re.compile(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)")
# The join from a patient to their own user row, not what finds them.
JOIN_INDEX = "patients_patient_user_id_key"


def populate(rng, count):
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from dit_portal.accounts.models import User
    from patients import nhs_number
    from patients.models import Patient

    no_password = make_password(None)
    therapists = User.objects.bulk_create(
        User(
            email=f"therapist-{n}@bench.example.test",
            full_name=f"Therapist {n}",
            role=User.Role.THERAPIST,
            password=no_password,
        )
        for n in range(THERAPISTS)
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"patient-{n}@bench.example.test",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role=User.Role.PATIENT,
                password=no_password,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    numbers = set()
    while len(numbers) < count:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_number.check_digit(first_nine)
        if check is not None:
            numbers.add(first_nine + str(check))
    born = datetime.date(1940, 1, 1)
    Patient.objects.bulk_create(
        (
            Patient(
                user=user,
                nhs_number=number,
                date_of_birth=born + datetime.timedelta(days=rng.randrange(80 * 365)),
                therapist=therapists[n % THERAPISTS],
            )
            for n, (user, number) in enumerate(zip(users, sorted(numbers), strict=True))
        ),
        batch_size=2000,
    )
    # A rare surname, as most real ones are: three people in the whole clinic.
    rare = [users[n].pk for n in (11, count // 3, count - 7)]
    User.objects.filter(pk__in=rare).update(full_name="Maeve Quennell")
    with connection.cursor() as cursor:
        # VACUUM, as autovacuum would soon: it also moves the rows just inserted
        # from the GIN indexes' pending list into the index proper. Without it the
        # trigram indexes are slow to read and the planner rightly scans the table.
        cursor.execute("VACUUM ANALYZE")
    return therapists[0]


def median_ms(function, runs):
    function()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--plans", action="store_true", help="print whole plans")
    parser.add_argument("--patients", type=int, default=PATIENTS)
    args = parser.parse_args()

    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    recreate_database(admin_url, NAME)
    os.environ["DATABASE_URL"] = bench_database_url(admin_url, NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")

    import django

    django.setup()
    from django.core.management import call_command

    from dit_portal.accounts.models import User
    from patients import search
    from patients.models import Patient

    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(15)  # noqa: S311 - made-up people, not secrets
        started = time.perf_counter()
        therapist = populate(rng, args.patients)
        admin = User.objects.create(
            email="admin@bench.example.test",
            full_name="Bench Admin",
            role=User.Role.CLINIC_ADMIN,
        )
        print(
            f"{Patient.objects.count():,} patients, {THERAPISTS} therapists "
            f"(PostgreSQL {NAME}), inserted in {time.perf_counter() - started:.1f} s; "
            f"median of {args.runs} searches each.\n"
        )
        sample = Patient.objects.order_by("pk")[args.patients // 2]
        nhs = sample.nhs_number
        filled = {
            "NHS number, spaced": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
            "Date of birth (as 1 Feb 1980)": f"{sample.date_of_birth:%-d %b %Y}",
        }
        terms = [(label, term or filled[label]) for label, term in TERMS]
        print(
            f"{'search':<30} {'admin':>10} {'found':>6} {'therapist':>10} {'found':>6}  index used"
        )
        for label, term in terms:
            results = search.search(admin, term)
            mine = search.search(therapist, term)
            admin_ms = median_ms(
                lambda term=term: search.search(admin, term), args.runs
            )
            own_ms = median_ms(
                lambda term=term: search.search(therapist, term), args.runs
            )
            query = search.parse(term)
            plan = (
                search.matching(Patient.objects.visible_to(admin), query)
                .order_by("user__full_name", "pk")[: search.MAX_RESULTS + 1]
                .explain(analyze=True)
            )
            used = sorted(set(INDEX_USED.findall(plan)) - {JOIN_INDEX})
            used = used or ["none: sequential scan"]
            print(
                f"{label:<30} {admin_ms:7.1f} ms {len(results.patients):>5}"
                f"{'+' if results.more else ' '} {own_ms:7.1f} ms {len(mine.patients):>5}"
                f"{'+' if mine.more else ' '}  {', '.join(used)}"
            )
            if args.plans:
                print("    " + plan.replace("\n", "\n    "))
        print("\n+ : more than 50 matched; the page shows the first 50.")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(admin_url, NAME)


if __name__ == "__main__":
    main()
