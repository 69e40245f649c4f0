"""A bare Django project, the benchmark's yardstick: one page that renders a 50-row
table from one query on the portal's database, and nothing else (no sessions, no
sign-in, no context processors). bench/pages.py serves it under gunicorn next to the
portal and reports each portal page's server CPU as a ratio to this page's."""
