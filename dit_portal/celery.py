"""Celery, configured from Django's settings (the CELERY_ namespace)."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")

app = Celery("dit_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["dit_portal"], related_name="tasks")


@task_prerun.connect
def check_database_connections(sender=None, **kwargs):
    """Before each task, what Django does before each request: drop a connection
    that is past CONN_MAX_AGE or has seen an error, and have the next query check
    the one kept (CONN_HEALTH_CHECKS), so a PostgreSQL restart between tasks costs a
    reconnect, not a failed task. Celery's Django fixup would close the connection
    before and after every task (a new one cost ~20 ms a task); with
    CELERY_DB_REUSE_MAX set it closes it only every 500 tasks (it counts twice a
    task), so this check is what keeps a reused connection honest."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # run in the caller's process (and transaction): not ours to close
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
