"""scripts/supervise.py, which `make run` runs the worker and beat under: a child that
exits is started again, with a back-off and a line in the log; Ctrl-C or SIGTERM stops
the child and the supervisor, leaving nothing running."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from .worker import wait_for

ROOT = Path(__file__).resolve().parent.parent
SUPERVISE = [sys.executable, str(ROOT / "scripts" / "supervise.py")]

# A child that writes its process id to a folder, then exits with `code` after `life`
# seconds (or runs until stopped).
CHILD = """
import os, sys, time
folder, code, life = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
open(os.path.join(folder, str(os.getpid())), "w").close()
time.sleep(life)
sys.exit(code)
"""


def supervise(tmp_path, *, code=0, life=0.0, backoff="0.2"):
    pids = tmp_path / "pids"
    pids.mkdir(exist_ok=True)
    log = open(tmp_path / "supervise.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [*SUPERVISE, "worker", "--backoff-start", backoff, "--backoff-max", "1"]
        + ["--", sys.executable, "-c", CHILD, str(pids), str(code), str(life)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.pids = pids
    process.log = tmp_path / "supervise.log"
    return process


def children(process):
    return sorted(int(path.name) for path in process.pids.iterdir())


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1][0] != "Z"


def test_a_child_that_exits_is_started_again_and_each_restart_is_logged(tmp_path):
    process = supervise(tmp_path, code=3)
    try:
        assert wait_for(lambda: len(children(process)) >= 3, timeout=15)
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    log = process.log.read_text()
    assert "supervise worker: exited with code 3 after 0s; starting it again in" in log
    # The back-off doubles between quick exits: 0.2 s, then 0.4 s, then 0.8 s.
    assert "again in 0.2s" in log
    assert "again in 0.4s" in log


def test_a_killed_child_is_started_again(tmp_path):
    process = supervise(tmp_path, life=600)
    try:
        assert wait_for(lambda: len(children(process)) == 1)
        first = children(process)[0]
        os.kill(first, signal.SIGKILL)
        assert wait_for(lambda: len(children(process)) == 2)
        second = next(pid for pid in children(process) if pid != first)
        assert alive(second)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "was stopped by SIGKILL" in process.log.read_text()


def test_stopping_the_supervisor_stops_its_child_and_starts_nothing_more(tmp_path):
    for stop in (signal.SIGTERM, signal.SIGINT):
        folder = tmp_path / stop.name
        folder.mkdir()
        process = supervise(folder, life=600)
        assert wait_for(lambda process=process: len(children(process)) == 1)
        child = children(process)[0]
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        assert wait_for(lambda child=child: not alive(child), timeout=5)
        assert len(children(process)) == 1
        assert f"{stop.name} received: stopping" in process.log.read_text()
