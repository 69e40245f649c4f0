"""A Redis and a PostgreSQL of a test's own, on free ports with their data in a
temporary folder, so outage tests can stop and restart them without touching the
servers every other test uses."""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, up=True, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            answered = True
        except OSError:
            answered = False
        if answered == up:
            return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} still {'closed' if up else 'open'}")


class OwnRedis:
    """A redis-server on a free port, with no snapshot or append-only file (what was
    queued is lost with the process: the worst an outage can do); it can be stopped
    and started again on the same port."""

    def __init__(self, folder, start=True):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        if start:
            self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(shutil.which("redis-server"), "--port", str(self.port)),
                *("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
                *("--dir", str(self.folder), "--logfile", str(self.folder / "log")),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self, how=signal.SIGKILL):
        """SIGKILL (the default) is an outage with no goodbye to its clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)

    kill = stop


class OwnPostgres:
    """initdb, pg_ctl start / restart / stop. PostgreSQL refuses to run as root, so
    as root the server runs as the postgres user, in a folder of its own under the
    system's temporary folder (pytest's are private to root); stop() removes it."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.bin = Path(bins[-1]) if bins else Path(shutil.which("pg_ctl")).parent
        self.folder = Path(tempfile.mkdtemp(prefix="dit-postgres-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust")
        self.start()

    def _run(self, tool, *args):
        subprocess.run(  # noqa: S603
            [*self.as_user, self.bin / tool, *map(str, args)],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _ctl(self, action, *args):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", action, "-D", self.data, "-w", "-l", self.folder / "log",
            "-o", options, *args,
        )  # fmt: skip

    def start(self):
        self._ctl("start")

    def restart(self):
        """A fast restart: every client connection is cut, as in a failover."""
        self._ctl("restart", "-m", "fast")

    def stop(self):
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
