"""Vern under load through the production app server (issue 15).

Builds the guide benchmark's synthetic directory (20,000 services over all 357
municipalities, ``guide_search.Builder``) plus one adopted plan per
municipality in a fresh PostgreSQL database, starts gunicorn the way
docs/operations.md recommends (``gunicorn -c python:vern.gunicorn vern.wsgi``,
4 sync workers, ``DEBUG=false``, Redis as the cache), and drives it over real
HTTP on 127.0.0.1 with concurrent clients:

1. cold start: time until the server accepts connections, then the first
   guide search a fresh worker answers;
2. the public mix for ``--seconds`` (35 % ``/sok/``, 20 % service pages, 15 %
   ``/kommune/<nr>/``, 10 % API search, 8 % ``/``, 7 % public plan page, 5 %
   ``/handlingsplaner/``);
3. the bare page alone (``/trygg-pa-nett/``, a template with no queries), the
   baseline of the same run;
4. the mix again while a service entry is edited once a second through the
   app's own ``service_update`` (what an editor's save does).
   Phases 2-4 take turns in ``--slices`` slices (default 6 of 10 s each), so that
   the machine's speed drifting during the run weighs on all three alike;
5. with the server stopped, what each kind costs on its own: ``--in-process``
   requests per kind through Django's test client in this process (first
   visits, the cache emptied), and the mix's weighted cost in bare pages.

    uv run python bench/load.py                     # the full run (about 10 minutes)
    uv run python bench/load.py --services 2000 --seconds 20   # a quick look
    uv run python bench/load.py --cache-down        # the same while Redis is down

It prints, per phase, requests per second, p50/p95/p99 latency, errors and the
workers' memory (RSS, and PSS, which splits pages the workers share), and ends
with the lines other tools read:

    load db=postgresql clients=50 rps=<x> bare_rps=<y> ratio=<x/y> p95_ms=<z> errors=<n>
    load_edits db=postgresql clients=50 rps=<x> bare_rps=<y> ratio=<x/y> p95_ms=<z> errors=<n>

A benchmark, not a test: it never fails on a slow figure. Only 127.0.0.1 is
contacted; every phase is bounded by ``--seconds``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import guide_search

ROOT = guide_search.ROOT
REDIS_URL = "redis://127.0.0.1:6379/7"
# --cache-down: where no Redis listens (a connection there is refused at once), as during
# an outage; the cache then keeps nothing and every page is made (core/redis_cache.py).
DOWN_URL = "redis://127.0.0.1:1/0"
BARE_PATH = "/trygg-pa-nett/"
REASON = "load benchmark"
MIX = [
    ("search", 35),
    ("service", 20),
    ("municipality", 15),
    ("api_search", 10),
    ("front", 8),
    ("plan", 7),
    ("plans_overview", 5),
]


# --- set-up -------------------------------------------------------------------


def build(services: int, seed: int) -> None:
    """The synthetic directory and one adopted plan per municipality."""
    built = time.perf_counter()
    guide_search.Builder(seed).add(services)
    print(f"directory: {services} services in {time.perf_counter() - built:.0f} s", flush=True)
    built = time.perf_counter()
    plans = adopt_plans()
    print(f"plans: {plans} adopted plans in {time.perf_counter() - built:.0f} s", flush=True)


def bench_user():
    from vern.core.models import User

    user, _ = User.objects.get_or_create(
        email="load-bench@example.test", defaults={"full_name": "Lastprøve"}
    )
    return user


def adopt_plans() -> int:
    """An adopted plan with every catalogue measure for each municipality, as the
    plan services make them (so each has its frozen version and audit entries)."""
    from datetime import date

    from vern.core.models import Municipality
    from vern.plans import services
    from vern.plans.models import Measure, Plan

    actor = bench_user()
    catalogue = list(Measure.objects.filter(municipality=None).order_by("code"))
    year = date.today().year
    made = 0
    for municipality in Municipality.objects.filter(is_demo=False).order_by("number"):
        if Plan.objects.for_system(reason=REASON).filter(municipality=municipality).exists():
            continue
        plan = services.plan_create(
            municipality=municipality,
            actor=actor,
            title=f"Handlingsplan mot vold i nære relasjoner {year}–{year + 3}",
            start_year=year,
            end_year=year + 3,
            measures=catalogue,
        )
        services.plan_set_status(
            plan=plan,
            actor=actor,
            status=Plan.Status.ADOPTED,
            adopted_on=date(year, 1, 15),
            case_reference=f"{year}/{municipality.number}",
        )
        made += 1
    return made


@dataclass
class Targets:
    """What the clients ask for, chosen once from the database."""

    numbers: list[str]
    plan_numbers: list[str]
    services: list[str]
    queries: list[str]


def targets(seed: int) -> Targets:
    from vern.core.models import Municipality
    from vern.directory.models import Service
    from vern.plans.models import Plan

    rng = random.Random(seed)  # noqa: S311 (seeded test data)
    numbers = list(Municipality.objects.filter(is_demo=False).values_list("number", flat=True))
    plan_numbers = list(
        Plan.objects.for_system(reason=REASON)
        .filter(status=Plan.Status.ADOPTED)
        .values_list("municipality__number", flat=True)
    )
    ids = [
        str(pk)
        for pk in Service.objects.filter(status=Service.Status.ACTIVE).values_list("pk", flat=True)
    ]
    queries = [q.text for q in guide_search.make_queries(400, seed) if q.text]
    return Targets(
        numbers=numbers,
        plan_numbers=plan_numbers,
        services=rng.sample(ids, min(2000, len(ids))),
        queries=queries,
    )


def mix_path(kind: str, t: Targets, rng: random.Random) -> str:
    if kind == "search":
        return "/sok/?" + urlencode({"q": rng.choice(t.queries), "kommune": rng.choice(t.numbers)})
    if kind == "service":
        return f"/tjeneste/{rng.choice(t.services)}/"
    if kind == "municipality":
        return f"/kommune/{rng.choice(t.numbers)}/"
    if kind == "api_search":
        return "/api/hsds/services?" + urlencode({"search": rng.choice(t.queries)})
    if kind == "front":
        return "/"
    if kind == "plan":
        return f"/handlingsplaner/{rng.choice(t.plan_numbers)}/"
    return "/handlingsplaner/"


# --- the server ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as docs/operations.md runs it, in its own process group."""

    def __init__(self, workers: int):
        self.port = free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.warm_line = ""

    def start(self) -> float:
        """Start and return the seconds until every worker is up."""
        self.started = time.perf_counter()
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:vern.gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "vern.wsgi",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            start_new_session=True,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._echo, daemon=True).start()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}")
            # The master listens before it has warmed the guide and forked: ready
            # means every worker is there.
            if len(self.worker_pids()) >= self.workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return time.perf_counter() - self.started
                except OSError:
                    pass
            time.sleep(0.05)
        raise SystemExit("gunicorn did not start in 180 s")

    def _echo(self) -> None:
        """Pass gunicorn's log on, keeping the master's warm-up line (its memory figures)."""
        assert self.process is not None and self.process.stderr is not None
        for line in self.process.stderr:
            sys.stderr.write(line)
            if "guide warmed in" in line:
                self.warm_line = line.strip()

    def warm_memory(self) -> str:
        """The master's memory before and after it built the guide's values, which
        every worker starts with (copy-on-write)."""
        found = re.search(
            r"memory (\d+) MB, (\d+) MB after a plain page and the cache, (\d+) MB after the guide",
            self.warm_line,
        )
        if not found:
            return "guide warm-up: no memory figures in gunicorn's log"
        before, plain, after = (int(n) for n in found.groups())
        return (
            f"warm-up in the master: rss {before} MB, {plain} MB after a plain page and the cache, "
            f"{after} MB after the guide (guide_rss_mb={after - plain:+d})"
        )

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in kB, from /proc."""
    values = {"Rss:": 0, "Pss:": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if parts and parts[0] in values:
                    values[parts[0]] = int(parts[1])
    except OSError:
        pass
    return values["Rss:"], values["Pss:"]


def workers_memory(server: Server) -> str:
    figures = [memory_kb(pid) for pid in server.worker_pids()]
    if not figures:
        return "workers: none found"
    rss = [r / 1024 for r, _ in figures]
    pss = [p / 1024 for _, p in figures]
    return (
        f"workers={len(figures)} rss_mb={min(rss):.0f}–{max(rss):.0f} "
        f"pss_mb={min(pss):.0f}–{max(pss):.0f}"
    )


# --- the clients --------------------------------------------------------------


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, float, int]:
    """One GET over a new connection (sync workers close it after each answer):
    status, seconds, bytes. Status 0 means the connection failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    except OSError:
        return 0, time.perf_counter() - started, 0
    finally:
        connection.close()


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def add(self, other: Result) -> None:
        """Count another slice of the same phase in this one."""
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors += other.errors
        self.error_samples += other.error_samples[: 5 - len(self.error_samples)]
        for kind, values in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(values)

    def pct(self, p: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies if values is None else values)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def drive(port: int, pick, *, clients: int, seconds: float, seed: int, during=None) -> Result:
    """``clients`` threads ask ``pick(rng)`` -> (kind, path) until ``seconds`` pass."""
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    result = Result(seconds=seconds)

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)  # noqa: S311
        while time.monotonic() < stop_at:
            kind, path = pick(rng)
            status, elapsed, _ = get(port, path)
            with lock:
                if status == 200:
                    result.latencies.append(elapsed)
                    result.by_kind.setdefault(kind, []).append(elapsed)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{status} {path}")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    if during is not None:
        during(stop_at)
    for thread in threads:
        thread.join(timeout=seconds + 60)
    result.seconds = time.monotonic() - started
    return result


def report(label: str, result: Result) -> None:
    print(
        f"{label}: {result.rps:.1f} req/s, p50 {result.pct(50):.0f} ms, "
        f"p95 {result.pct(95):.0f} ms, p99 {result.pct(99):.0f} ms, "
        f"{len(result.latencies)} ok, {result.errors} errors",
        flush=True,
    )
    for sample in result.error_samples:
        print(f"  error: {sample}")
    for kind, values in sorted(result.by_kind.items()):
        if kind == "bare":
            continue
        print(
            f"  {kind:15} n={len(values):5} p50 {result.pct(50, values):6.0f} ms "
            f"p95 {result.pct(95, values):6.0f} ms"
        )


def editor(seed: int):
    """A function that edits one service a second until the phase ends, through
    ``service_update`` like an editor's save; returns the edits made."""
    from vern.directory.models import Service
    from vern.directory.services import service_update

    actor = bench_user()
    rng = random.Random(seed)  # noqa: S311
    ids = list(
        Service.objects.filter(status=Service.Status.ACTIVE, is_national=False).values_list(
            "pk", flat=True
        )[:5000]
    )
    edits: list[float] = []

    def run(stop_at: float) -> None:
        while time.monotonic() < stop_at:
            tick = time.monotonic()
            service = Service.objects.get(pk=rng.choice(ids))
            n = len(edits) + 1
            service.how_it_works = f"{service.how_it_works.split(' (endret')[0]} (endret {n})"
            started = time.perf_counter()
            service_update(service=service, actor=actor)
            edits.append(time.perf_counter() - started)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))

    run.edits = edits  # type: ignore[attr-defined]
    return run


# --- the run ------------------------------------------------------------------


def in_process_costs(t: Targets, requests: int) -> None:
    """What each kind of the mix costs on its own: ``requests`` distinct-as-drawn
    addresses per kind through Django's test client in this process (the whole
    middleware, the same database and cache, no HTTP), after the load phases."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    for path in ("/sok/?q=vold", "/api/hsds/services?search=vold", "/", BARE_PATH):
        client.get(path)  # this process's index and postings, as a worker's warm-up
    cache.clear()  # first visits: no page kept by the phases above
    print(f"in-process cost per kind ({requests} requests each, after the phases above):")
    costs = {}
    for kind in [k for k, _ in MIX] + ["bare"]:
        rng = random.Random(7)  # noqa: S311
        paths = [BARE_PATH if kind == "bare" else mix_path(kind, t, rng) for _ in range(requests)]
        times = []
        for path in paths:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                print(f"  {kind}: {response.status_code} {path}")
        costs[kind] = statistics.mean(times)
        print(
            f"  {kind:<15} mean {costs[kind]:6.2f} ms  p50 {statistics.median(times):6.2f} ms",
            flush=True,
        )
    weighted = sum(costs[k] * w for k, w in MIX) / sum(w for _, w in MIX)
    print(f"  the mix, weighted: {weighted:.2f} ms = {weighted / costs['bare']:.1f} bare pages")


def run(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="vern-load-"))
    os.environ["VERN_CACHE_URL"] = DOWN_URL if args.cache_down else REDIS_URL
    # Every client comes from 127.0.0.1, where real visitors come from many
    # addresses: the per-address limits would answer most requests with 429.
    for name in ("VERN_HSDS_RATE", "VERN_HSDS_SEARCH_RATE", "VERN_PDF_RATE"):
        os.environ[name] = "1000000/m"
    guide_search.configure("postgresql", workdir)
    from django.core.cache import cache
    from django.db import connections

    cache.clear()
    build(args.services, args.seed)
    t = targets(args.seed)
    connections.close_all()

    server = Server(args.workers)
    try:
        accept = server.start()
        status, first, _ = get(server.port, "/sok/?" + urlencode({"q": "vold", "kommune": "0301"}))
        print(
            f"cold start: all workers up after {accept * 1000:.0f} ms; first /sok/ of a fresh worker "
            f"{first * 1000:.0f} ms (status {status})",
            flush=True,
        )
        print(server.warm_memory(), flush=True)
        print(f"memory after start: {workers_memory(server)}", flush=True)

        weights = [w for _, w in MIX]
        kinds = [k for k, _ in MIX]

        def pick_mix(rng):
            kind = rng.choices(kinds, weights)[0]
            return kind, mix_path(kind, t, rng)

        # Every worker builds what it builds on first use before the timing starts.
        drive(server.port, pick_mix, clients=args.clients, seconds=5, seed=args.seed + 9)
        print(f"memory after warm-up: {workers_memory(server)}", flush=True)

        # The three phases take turns in --slices slices each, so that the machine
        # slowing down or speeding up during the run (ours are shared and noisy)
        # weighs on the mix and its baseline alike instead of on whichever ran then.
        # The bare page never follows an edit: what an edit costs the next requests
        # falls on the mix.
        mix, bare, mixed_edits = Result(0.0), Result(0.0), Result(0.0)
        edit = editor(args.seed)
        part = args.seconds / args.slices
        for n in range(args.slices):
            mix.add(
                drive(server.port, pick_mix, clients=args.clients, seconds=part, seed=1 + 10 * n)
            )
            bare.add(
                drive(
                    server.port,
                    lambda rng: ("bare", BARE_PATH),
                    clients=args.clients,
                    seconds=part,
                    seed=2 + 10 * n,
                )
            )
            mixed_edits.add(
                drive(
                    server.port,
                    pick_mix,
                    clients=args.clients,
                    seconds=part,
                    seed=3 + 10 * n,
                    during=edit,
                )
            )
        report("mix", mix)
        report("bare page", bare)
        report("mix with one edit a second", mixed_edits)
        if edit.edits:
            print(
                f"  edits: {len(edit.edits)}, median save {statistics.median(edit.edits) * 1000:.0f} ms"
            )
        print(f"memory at the end: {workers_memory(server)}", flush=True)
        server.stop()
        if args.in_process:
            in_process_costs(t, args.in_process)
    finally:
        server.stop()
        guide_search.teardown("postgresql")

    suffix = "_cache_down" if args.cache_down else ""
    for label, result in (("load", mix), ("load_edits", mixed_edits)):
        print(
            f"{label}{suffix} db=postgresql clients={args.clients} rps={result.rps:.1f} "
            f"bare_rps={bare.rps:.1f} ratio={result.rps / bare.rps:.2f} "
            f"p95_ms={result.pct(95):.0f} bare_p95_ms={bare.pct(95):.0f} "
            f"errors={result.errors}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--slices",
        type=int,
        default=6,
        help="the mix, the bare page and the mix with edits take turns in this many slices",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        default=200,
        metavar="N",
        help="then time N requests of each kind in this process (0: skip)",
    )
    parser.add_argument(
        "--cache-down",
        action="store_true",
        help="the server's cache points where no Redis listens, as in an outage "
        "(last lines load_cache_down, load_edits_cache_down)",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
