"""Many leaders at once, next to stock Voilà (``make bench``).

Two servers run side by side in one run:

- **hjemmekit**: ``hjemmekit serve`` as a user gets it (pre-heated kernel, the app);
- **stock**: ``voila bare.ipynb`` with Voilà's defaults, serving a notebook with one
  labelled slider (the 'bare' notebook of ``bench_app.py``).

For 1, 8 and 16 concurrent new visitors (fresh Chromium contexts that navigate together),
each server in turn (alternating which goes first), it records each visitor's time from
navigation start to the first usable input and prints p50 and p95. Then the memory of an
open session: with 4 pages open on each server, the growth of the kernels' resident memory
(RSS, and PSS which splits shared pages fairly) per page, over the server idle.

For each round it also records the CPU time per visitor: of the **server side** (the Voilà
server process plus its kernels, those stopped during the round included; from before the
round until it has settled again after the pages closed, so the kernels' start, the page,
the shutdown and the pool's refill) and of the **browser** (the Chromium that ran the
round's pages, with its contexts). On one machine both share the cores: the split says how
much of a slow round is the server and how much the co-located browsers.

Targets (issue 10): all 16 usable within 15 s on 2 cores; p95 at most 1.25x stock Voilà's;
at most 150 MB per session. Prints the load average before and after: figures from a
loaded machine are only comparable side by side.

``--compare-with SRC`` adds a third server, **hjemmekit-A0**: ``hjemmekit serve`` with
``hjemmekit`` imported from ``SRC/hjemmekit`` (e.g. ``git archive main | tar -x -C SRC``),
so a change and the code before it are measured in the same run.

    .venv/bin/python benchmarks/bench_hosting.py [--visitors 1 8 16] [--json FILE]
        [--compare-with SRC] [--ports 8900-8999]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crowd  # noqa: E402
from bench_app import free_port, settle, stop, write_bare_notebook  # noqa: E402

HOST = "127.0.0.1"
TARGET_ALL_USABLE_S = 15.0
TARGET_P95_RATIO = 1.25
TARGET_SESSION_MB = 150.0
MEMORY_PAGES = 4


@dataclass
class Contender:
    """One server under test."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    ready_js: str
    rounds: dict[int, crowd.Round] = field(default_factory=dict)
    server_cpu_s: dict[int, crowd.ServerCpu] = field(default_factory=dict)
    """Per round: the server side's CPU seconds per visitor (server process, kernels)."""
    browser_cpu_s: dict[int, float] = field(default_factory=dict)
    """Per round: the browser's CPU seconds per visitor."""
    session_mb: dict[str, float] = field(default_factory=dict)


def _wait(proc: subprocess.Popen[bytes], probe: str, log: Path, name: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name}: exited with {proc.returncode}\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 - local
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name}: did not answer within 90 s")


def port_in(ports: range | None) -> int:
    """A free port on HOST: any (``ports`` None), else the first free one of ``ports``."""
    if ports is None:
        return free_port()
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
        return port
    raise SystemExit(f"no free port in {ports.start}-{ports.stop - 1}")


def start(
    name: str,
    cmd: list[str],
    cwd: Path,
    probe_path: str,
    ready_js: str,
    *,
    ports: range | None = None,
    env: dict[str, str] | None = None,
) -> Contender:
    """Start a server (own session) on a free port and wait until ``probe_path`` answers."""
    port = port_in(ports)
    cmd = [part.replace("{port}", str(port)) for part in cmd]
    log = cwd / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=cwd, start_new_session=True, env=env,
        )
    url = f"http://{HOST}:{port}/"
    _wait(proc, url.rstrip("/") + probe_path, log, name)
    return Contender(name=name, url=url, proc=proc, ready_js=ready_js)


def session_memory(contender: Contender, chromium: str) -> dict[str, float]:
    """MB per open page: kernels' RSS and PSS with MEMORY_PAGES pages open, minus idle."""

    def totals() -> tuple[float, float]:
        pids = crowd.kernels(contender.proc.pid)
        return (
            sum(pids.values()),
            sum(crowd.pss_mb(pid) or 0.0 for pid in pids),
        )

    settle([contender])  # type: ignore[list-item]
    idle_rss, idle_pss = totals()

    def measure_open() -> tuple[float, float, int]:
        settle([contender])  # type: ignore[list-item]  # the refilled pool kernel too
        rss, pss = totals()
        return rss, pss, len(crowd.kernels(contender.proc.pid))

    round_ = crowd.run_round(
        chromium, contender.url, MEMORY_PAGES, contender.ready_js, while_open=measure_open
    )
    rss, pss, count = round_.while_open
    return {
        "rss_per_session_mb": (rss - idle_rss) / MEMORY_PAGES,
        "pss_per_session_mb": (pss - idle_pss) / MEMORY_PAGES,
        "kernels_idle_mb": idle_rss,
        "kernels_open": count,
    }


def measured_round(
    contender: Contender, contenders: list[Contender], chromium: str, visitors: int,
    timeout_s: float,
) -> None:
    """One round of ``visitors`` on ``contender``, with its server side's and the
    browser's CPU time per visitor."""
    settle(contenders)  # type: ignore[arg-type]
    cpu_before = crowd.server_cpu(contender.proc.pid)
    browser_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    contender.rounds[visitors] = crowd.run_round(
        chromium, contender.url, visitors, contender.ready_js, timeout_ms=int(timeout_s * 1000)
    )
    # The browser has exited and been reaped (its CPU is in RUSAGE_CHILDREN); the servers
    # are children too but still run, so only the browser is in the difference.
    browser_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    settle(contenders)  # type: ignore[arg-type]  # kernels stopped, pool refilled
    used = crowd.server_cpu(contender.proc.pid) - cpu_before
    contender.server_cpu_s[visitors] = crowd.ServerCpu(
        used.server / visitors, used.kernels / visitors
    )
    contender.browser_cpu_s[visitors] = (
        browser_after.ru_utime + browser_after.ru_stime
        - browser_before.ru_utime - browser_before.ru_stime
    ) / visitors


def fmt(ms: float | None) -> str:
    return "hung" if ms is None else f"{ms / 1000:5.1f} s"


def main(argv: list[str] | None = None) -> int:
    """Run the side-by-side rounds and the memory measurement; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--timeout", type=float, default=180.0, help="s before a page is hung")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--compare-with", metavar="SRC",
                        help="also serve hjemmekit imported from SRC/hjemmekit (hjemmekit-A0)")
    parser.add_argument("--ports", metavar="LO-HI",
                        help="take the servers' ports from this range (default: any free)")
    args = parser.parse_args(argv)
    ports = None
    if args.ports:
        lo, _, hi = args.ports.partition("-")
        ports = range(int(lo), int(hi or lo) + 1)
    src = Path(args.compare_with).resolve() if args.compare_with else None
    if src is not None and not (src / "hjemmekit" / "__init__.py").is_file():
        print(f"bench_hosting: {src} holds no hjemmekit/ package", file=sys.stderr)
        return 1

    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium not found: install it with `apt-get install -y chromium` (Debian)")
        return 1
    bin_dir = Path(sys.executable).parent
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hjemmekit-bench-hosting-") as tmp:
        tmpdir = Path(tmp)
        bare = write_bare_notebook(tmpdir)
        contenders = [
            start(
                "hjemmekit",
                [str(bin_dir / "hjemmekit"), "serve", "--store", str(tmpdir / "store"),
                 "--port", "{port}"],
                tmpdir,
                "/voila/templates/hjemmekit/static/index.css",
                crowd.READY_APP,
                ports=ports,
            ),
            start(
                "stock",
                [str(bin_dir / "voila"), str(bare), "--port={port}", "--no-browser",
                 f"--Voila.ip={HOST}"],
                tmpdir,
                "/voila/templates/lab/static/index.css",
                crowd.READY_BARE,
                ports=ports,
            ),
        ]
        if src is not None:  # the code before a change, served the same way
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]))
            contenders.insert(1, start(
                "hjemmekit-A0",
                [str(bin_dir / "python"), str(bin_dir / "hjemmekit"), "serve",
                 "--store", str(tmpdir / "store-a0"), "--port", "{port}"],
                tmpdir,
                "/voila/templates/hjemmekit/static/index.css",
                crowd.READY_APP,
                ports=ports,
                env=env,
            ))
        try:
            for i, n in enumerate(args.visitors):
                order = contenders if i % 2 == 0 else contenders[::-1]
                for c in order:
                    measured_round(c, contenders, chromium, n, args.timeout)
            for c in contenders:
                c.session_mb = session_memory(c, chromium)
        finally:
            for c in contenders:
                stop(c)  # type: ignore[arg-type]
    load_after = os.getloadavg()

    print(
        f"Concurrent new visitors, time until usable ({os.cpu_count()} cores; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after)"
    )
    print(
        f"  {'visitors':>8}  {'':12}  {'p50':>7}  {'p95':>7}  {'slowest':>7}  hung   "
        "CPU s per visitor: server side (Voilà + kernels)  browser"
    )
    figures: dict[str, object] = {"load_before": load_before, "load_after": load_after}
    hj, stock = contenders[0], contenders[-1]
    for n in args.visitors:
        for c in contenders:
            r = c.rounds[n]
            slowest = None if r.stuck else (max(r.usable) if r.usable else None)
            cpu = c.server_cpu_s[n]
            print(
                f"  {n:>8}  {c.name:12}  {fmt(r.percentile(50))}  {fmt(r.percentile(95))}  "
                f"{fmt(slowest)}  {r.stuck:4}   {cpu.total:5.2f} ({cpu.server:4.2f} + "
                f"{cpu.kernels:4.2f})  {c.browser_cpu_s[n]:5.2f}"
            )
            figures[f"{c.name}_{n}"] = {
                "times_ms": r.times_ms, "p50_ms": r.percentile(50), "p95_ms": r.percentile(95),
                "hung": r.stuck,
                "server_cpu_s_per_visitor": cpu.total,
                "voila_cpu_s_per_visitor": cpu.server,
                "kernels_cpu_s_per_visitor": cpu.kernels,
                "browser_cpu_s_per_visitor": c.browser_cpu_s[n],
            }
        for c in contenders[:-1]:
            a, b = c.rounds[n].percentile(95), stock.rounds[n].percentile(95)
            if a is not None and b:
                verdict = "ok" if a / b <= TARGET_P95_RATIO else f"ABOVE {TARGET_P95_RATIO}"
                print(f"  {'':8}  p95 ratio {c.name}/stock: {a / b:.2f} ({verdict})")
    biggest = max(args.visitors)
    r = hj.rounds[biggest]
    all_in = not r.stuck and max(r.usable) / 1000 <= TARGET_ALL_USABLE_S
    print(
        f"  all {biggest} usable within {TARGET_ALL_USABLE_S:.0f} s: "
        f"{'yes' if all_in else 'NO'} (slowest {fmt(None if r.stuck else max(r.usable))})"
    )
    print(f"Memory per open session ({MEMORY_PAGES} pages open, kernels over idle)")
    for c in contenders:
        m = c.session_mb
        print(
            f"  {c.name:12}  RSS {m['rss_per_session_mb']:6.1f} MB   "
            f"PSS {m['pss_per_session_mb']:6.1f} MB   (target <= {TARGET_SESSION_MB:.0f} MB)"
        )
        figures[f"{c.name}_memory"] = m
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
