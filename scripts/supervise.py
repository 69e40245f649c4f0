#!/usr/bin/env python3
"""Run one command, and start it again whenever it exits, until told to stop.

`make run` (scripts/run-dev) runs the Celery worker and beat under this, so a worker
that dies (a crash inside the broker client during a Redis outage has been seen) comes
back by itself, as `restart: unless-stopped` does for them in docker-compose.yml.

    scripts/supervise.py NAME [--backoff-start S] [--backoff-max S] -- COMMAND ...

- A child that exits is started again after a back-off that doubles on each quick
  exit (1, 2, 4 ... 30 seconds) and starts over once a child has run for a minute, so
  a command that cannot start (a typo, a missing database) does not spin the machine.
- Each restart is logged to stderr with the exit code and how long the child ran: no
  arguments or environment, which may hold addresses or secrets.
- SIGINT or SIGTERM (Ctrl-C, `kill`, the end of `make run`) stops the child (SIGTERM,
  then SIGKILL after a grace period) and exits; nothing is restarted after that.

Standard library only: it must run before and without the project's settings.
"""

import argparse
import signal
import subprocess
import sys
import time

STEADY_AFTER = 60.0  # seconds: a child that ran this long had started fine
STOP_GRACE = 20.0  # seconds a child gets to finish its task when stopping


def log(name, text):
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"[{stamp}] supervise {name}: {text}", file=sys.stderr, flush=True)


def describe(code):
    if code < 0:
        try:
            return f"was stopped by {signal.Signals(-code).name}"
        except ValueError:
            return f"was stopped by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    def __init__(self, name, command, backoff_start=1.0, backoff_max=30.0):
        self.name, self.command = name, command
        self.backoff_start, self.backoff_max = backoff_start, backoff_max
        self.child = None
        self.stopping = False

    def stop(self, signum, _frame):
        if not self.stopping:
            log(self.name, f"{signal.Signals(signum).name} received: stopping")
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.terminate()

    def run(self):
        delay = self.backoff_start
        while not self.stopping:
            started = time.monotonic()
            self.child = subprocess.Popen(self.command)  # noqa: S603 - our own command line
            if self.stopping:  # told to stop while it was starting
                self.child.terminate()
            code = self.wait_for_child()
            if self.stopping:
                break
            ran = time.monotonic() - started
            if ran >= STEADY_AFTER:
                delay = self.backoff_start
            log(
                self.name,
                f"{describe(code)} after {ran:.0f}s; starting it again in {delay:g}s",
            )
            self.sleep(delay)
            delay = min(delay * 2, self.backoff_max)
        return 0

    def wait_for_child(self):
        """The child's exit code; once stopping, SIGKILL after the grace period."""
        while True:
            try:
                timeout = STOP_GRACE if self.stopping else None
                return self.child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log(self.name, f"still running after {STOP_GRACE:g}s: killing it")
                self.child.kill()

    def sleep(self, seconds):
        # Short naps, so a stop during the back-off is seen at once.
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, deadline - time.monotonic()))


def parse(argv):
    """Options before `--`, the command after it (which may have options of its own)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="what the logs call the child, e.g. worker")
    parser.add_argument("--backoff-start", type=float, default=1.0)
    parser.add_argument("--backoff-max", type=float, default=30.0)
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the command to run after --")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    args.command = argv[split + 1 :]
    return args


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    supervisor = Supervisor(
        args.name, args.command, args.backoff_start, args.backoff_max
    )
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
