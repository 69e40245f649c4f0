"""The embedded mode's broker and beat's schedule file make their folders when they
first write, so that settings create nothing at import (a read-only image, a test, a
`manage.py check` leave no var/ behind)."""

from pathlib import Path

from celery.beat import PersistentScheduler
from kombu.transport import filesystem

BROKER_FOLDERS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


class FilesystemChannel(filesystem.Channel):
    """kombu's filesystem broker expects its folders to exist (it makes only the
    control folder, and not its parents); make them all as a channel opens."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in BROKER_FOLDERS:
            folder = self.transport_options.get(key)
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel


class BeatScheduler(PersistentScheduler):
    """Celery beat's usual scheduler; it keeps its schedule in a file under var/ unless
    told otherwise (`--schedule`), and shelve cannot create that file's folder."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
