"""A Redis server of the test's own (the redis-server binary, a free port, a temp
folder), that the test can stop and start again on the same port: an outage the
machine's shared Redis must never suffer."""

import signal
import socket
import subprocess
from pathlib import Path

import redis

from .worker import wait_for


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        # No snapshot and no append-only file: what was queued is lost with the
        # process, the worst a broker outage can do.
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.folder), "--save", "", "--appendonly", "no"),
                *("--logfile", str(self.folder / "redis.log")),
            ]
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        assert wait_for(lambda: self._answers(client), timeout=10), "Redis not up"
        client.close()

    def stop(self, how=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(timeout=10)

    @staticmethod
    def _answers(client):
        try:
            return client.ping()
        except redis.ConnectionError:
            return False
