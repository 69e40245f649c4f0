"""Serving the portal and the bare page under gunicorn, and asking them for pages
while reading the worker's CPU time (bench/pages.py runs this)."""

import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# BENCH_PORT moves the three servers (to run beside another benchmark).
PORTAL_PORT = int(os.environ.get("BENCH_PORT", "8716"))
BARE_PORT, BEFORE_PORT = PORTAL_PORT + 1, PORTAL_PORT + 2
BATCH_SECONDS, BATCH_MIN = 0.6, 10
BARE = "Bare Django page (50 rows)"


# Serving and asking -----------------------------------------------------------------


def serve(module, port, env, cwd=ROOT):
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "gunicorn", module, "--workers", "1",
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=cwd, env=env,
    )  # fmt: skip


def worker_pid(master):
    for _ in range(100):
        path = Path(f"/proc/{master.pid}/task/{master.pid}/children")
        children = path.read_text().split() if path.exists() else []
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def cpu_ns(pid):
    """The process's CPU time so far, in nanoseconds."""
    schedstat = Path(f"/proc/{pid}/schedstat")
    if schedstat.exists():
        return int(schedstat.read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 10**9 // os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Asker:
    """Plain HTTP/1.1 requests, as a browser's would arrive, with the persona's
    session cookie and (for a POST) the CSRF cookie and token of the form page."""

    def __init__(self, port, cookie=""):
        self.port, self.cookie, self.csrf = port, cookie, None

    def ask(self, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        body = None
        if form is not None:
            if self.csrf is None:
                self.csrf = self._csrf(path)
            cookie, token = self.csrf
            headers["Cookie"] += f"; csrftoken={cookie}"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            body = urlencode(form | {"csrfmiddlewaretoken": token})
        conn.request("POST" if form else "GET", path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        if response.status not in (200, 302):
            raise RuntimeError(f"{path}: {response.status}")
        if response.status == 302 and "/accounts/" in response.getheader("Location"):
            raise RuntimeError(f"{path}: sent to {response.getheader('Location')}")
        return response, content

    def _csrf(self, path):
        response, content = self.ask(path)
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", ""))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return cookie.group(1), token.group(1).decode()


def batch(asker, pid, path, form):
    """Requests until BATCH_SECONDS and BATCH_MIN are both passed: (CPU ms per
    request, each request's wall time in ms, the last page's size in bytes)."""
    times, size = [], 0
    cpu_before, started = cpu_ns(pid), time.perf_counter()
    while len(times) < BATCH_MIN or time.perf_counter() - started < BATCH_SECONDS:
        began = time.perf_counter()
        _, content = asker.ask(path, form)
        times.append((time.perf_counter() - began) * 1000)
        size = len(content)
    cpu = (cpu_ns(pid) - cpu_before) / 1e6 / len(times)
    return cpu, times, size


def measure_pages(pages, cookies, rounds, env, before=None, after=ROOT):
    """Every page and the bare page in turn, `rounds` times: per page the medians
    over rounds of CPU per request, and p50 and requests/s over all its requests.
    With `before` (another checkout of the portal) its pages are asked for in the
    same rounds, one after the other, and reported beside today's."""
    bare_env = env | {"DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
    servers = [serve("dit_portal.wsgi", PORTAL_PORT, env, cwd=after),
               serve("bench.bare.wsgi", BARE_PORT, bare_env)]  # fmt: skip
    if before:
        servers.append(serve("dit_portal.wsgi", BEFORE_PORT, env, cwd=before))
    try:
        pids = [worker_pid(s) for s in servers]
        portal_pid, bare_pid = pids[:2]
        plan = [(BARE, "bare", Asker(BARE_PORT), bare_pid,
                 "/bare/", None)]  # fmt: skip
        sides = [("now", PORTAL_PORT, portal_pid)]
        if before:
            sides.append(("before", BEFORE_PORT, pids[2]))
        for label, role, path, form in pages:
            for side, port, pid in sides:
                asker = Asker(port, cookies[role])
                plan.append((label, side, asker, pid, path, form))
        for _, _, asker, _, path, form in plan:  # warm up: imports, templates
            for _ in range(3):
                asker.ask(path, form)
        served = 3 * len(pages)
        results = {(label, side): {"cpu": [], "times": [], "size": 0}
                   for label, side, *_ in plan}  # fmt: skip
        for number in range(rounds):
            for label, side, asker, pid, path, form in plan:
                cpu, times, size = batch(asker, pid, path, form)
                result = results[label, side]
                result["cpu"].append(cpu)
                result["times"] += times
                result["size"] = size
                served += len(times) if pid == portal_pid else 0
            print(f"  round {number + 1} of {rounds} done", flush=True)
        # Memory after 1,000 requests: top up with the pages in turn.
        mixed = [row for row in plan if row[1] == "now"]
        while served < 1000:
            _, _, asker, _, path, form = mixed[served % len(mixed)]
            asker.ask(path, form)
            served += 1
        memory = {"portal_rss_mb": round(rss_mb(portal_pid), 1),
                  "bare_rss_mb": round(rss_mb(bare_pid), 1),
                  "portal_requests": served}  # fmt: skip
        if before:
            memory["before_rss_mb"] = round(rss_mb(pids[2]), 1)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    bare_cpu = statistics.median(results[plan[0][0], "bare"]["cpu"])
    table = {}
    for (label, side), result in results.items():
        cpu = statistics.median(result["cpu"])
        table.setdefault(label, {})[side] = {
            "cpu_ms": round(cpu, 2),
            "ratio": round(cpu / bare_cpu, 2),
            "p50_ms": round(statistics.median(result["times"]), 2),
            "requests_per_s": round(1000 / statistics.mean(result["times"]), 1),
            "kb": round(result["size"] / 1024, 1),
            "cpu_ms_rounds": [round(c, 2) for c in result["cpu"]],
        }
    return table, memory
