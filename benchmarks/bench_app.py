"""How long the app takes to become usable, next to a bare Voilà notebook (``make bench``).

Two servers run side by side with the same template and flags (``hjemmekit.serve``):
A serves ``workbook/app.ipynb``; B serves a notebook holding one labelled slider. Chromium
opens each in a fresh context (cold browser cache, like a first visit), alternating A/B,
and measures in the page from navigation start to the first usable input: A's "Næste"
button, B's slider, visible and enabled with the loading indicator gone. Between runs both
servers are left to settle (pre-heated kernel refilled, CPU idle), so one server's refill
never lands in the other's measurement. Prints both medians and the ratio A/B (target
<= 1.25). Not a test: figures depend on the machine.

    .venv/bin/python benchmarks/bench_app.py [--runs 7] [--no-preheat] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crowd import CHROMIUM_ARGS, READY_APP, READY_BARE  # the same page, the same predicates

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TARGET_RATIO = 1.25
BARE_SOURCE = """import ipywidgets as W

W.IntSlider(value=2, min=0, max=5, description="Hjemmedage")
"""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def write_bare_notebook(directory: Path) -> Path:
    """A notebook with one labelled slider."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(BARE_SOURCE)]
    path = directory / "bare.ipynb"
    nbformat.write(nb, path)
    return path


@dataclass
class Served:
    """One server under test."""

    name: str
    url: str
    proc: subprocess.Popen[bytes]
    ready_js: str
    times_ms: list[float] = field(default_factory=list)


def start(
    name: str, notebook: str | Path | None, store: Path, preheat: bool, ready_js: str
) -> Served:
    """Start ``hjemmekit.serve.serve`` in a subprocess (own process group) and wait for it."""
    port = free_port()
    code = (
        "import sys; from hjemmekit.serve import serve; "
        f"sys.exit(serve({str(store)!r}, {port}, notebook={str(notebook) if notebook else None!r}"
        f", preheat={preheat!r}))"
    )
    log = store.parent / "stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=store.parent,
        )
    served = Served(name=name, url=f"http://{HOST}:{port}/", proc=proc, ready_js=ready_js)
    probe = f"http://{HOST}:{port}/voila/templates/hjemmekit/static/index.css"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = log.read_text(encoding="utf-8", errors="replace")
            raise SystemExit(f"{name}: server exited with {proc.returncode}\n{err}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:  # noqa: S310 - local
                if resp.status == 200:
                    return served
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    stop(served)
    raise SystemExit(f"{name}: server did not answer within 60 s")


def stop(served: Served) -> None:
    """Stop a server (TERM: it shuts its kernels down), then KILL whatever is left."""
    if served.proc.poll() is not None:
        return
    table = _proc_table()
    kernels = [(pid, table[pid][2]) for pid in _tree(served.proc.pid, table)]
    pgid = os.getpgid(served.proc.pid)
    os.killpg(pgid, signal.SIGTERM)
    try:
        served.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        served.proc.wait(timeout=5)
    now = _proc_table()
    for pid, started in kernels:  # same pid and start time: still our kernel
        if pid in now and now[pid][2] == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _proc_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks used so far, start time), from /proc (Linux)."""
    table: dict[int, tuple[int, int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # stat fields 4 (ppid), 14 + 15 (utime, stime), 22 (starttime)
        table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), fields[19])
    return table


def _tree(root: int, table: dict[int, tuple[int, int, str]]) -> list[int]:
    """The descendants of ``root``: kernels run in sessions of their own, so the server's
    process group would miss them."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def tree_cpu_ticks(roots: set[int]) -> int:
    """CPU ticks used by the given processes and all their descendants."""
    table = _proc_table()
    pids = set(roots)
    for root in roots:
        pids.update(_tree(root, table))
    return sum(table[pid][1] for pid in pids if pid in table)


def settle(servers: list[Served], quiet_s: float = 1.0, timeout_s: float = 60.0) -> None:
    """Wait until the servers and their kernels stay idle for ``quiet_s``."""
    roots = {s.proc.pid for s in servers if s.proc.poll() is None}
    deadline = time.monotonic() + timeout_s
    time.sleep(0.5)
    last = tree_cpu_ticks(roots)
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = tree_cpu_ticks(roots)
        if now - last <= 3:  # at most ~30 ms of CPU in the last second
            return
        last = now


def measure(browser: Any, served: Served) -> float:
    """Milliseconds from navigation start to the first usable input, in a fresh context."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.url, wait_until="commit", timeout=120_000)
        page.wait_for_function(served.ready_js, timeout=120_000, polling="raf")
        return float(page.evaluate("() => performance.now()"))
    finally:
        page.close(run_before_unload=True)  # Voilà shuts the page's kernel down
        context.close()


def import_profile(top: int = 10) -> list[tuple[str, float]]:
    """The slowest imports (cumulative ms) under ``hjemmekit.widgets.app`` in a fresh Python:
    the module, what it imports directly, and every ``hjemmekit`` module; flags heavy ones
    (pandas, matplotlib, ...) wherever they are pulled in."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import hjemmekit.widgets.app"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    ).stderr
    heavy = ("pandas", "matplotlib", "numpy", "scipy", "statsmodels", "docx", "openpyxl")
    rows: list[tuple[str, float]] = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, raw = line[len("import time:") :].split("|", 2)
        name = raw.strip()
        depth = (len(raw) - len(raw.lstrip()) - 1) // 2
        if depth <= 1 or name.startswith("hjemmekit") or name in heavy:
            rows.append((name, int(cumulative) / 1000))
    rows.sort(key=lambda r: r[1], reverse=True)
    return rows[:top]


def main(argv: list[str] | None = None) -> int:
    """Run the side-by-side benchmark and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per page (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per page (default 1)")
    parser.add_argument("--no-preheat", action="store_true", help="serve without preheated kernels")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--app-notebook", metavar="FILE", help="serve this notebook as the app (compare variants)"
    )
    parser.add_argument("--path", default="", help="URL path and query, e.g. '?step=2'")
    args = parser.parse_args(argv)

    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium not found: install it with `apt-get install -y chromium` (Debian)")
        return 1
    from playwright.sync_api import sync_playwright

    preheat = not args.no_preheat
    with tempfile.TemporaryDirectory(prefix="hjemmekit-bench-") as tmp:
        tmpdir = Path(tmp)
        bare = write_bare_notebook(tmpdir)
        (tmpdir / "a").mkdir()
        (tmpdir / "b").mkdir()
        servers = [
            start(
                "app",
                Path(args.app_notebook).resolve() if args.app_notebook else None,
                tmpdir / "a" / "store",
                preheat,
                READY_APP,
            ),
            start("bare", bare, tmpdir / "b" / "store", preheat, READY_BARE),
        ]
        for served in servers:
            served.url += args.path.lstrip("/")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    for _ in range(args.warmup):
                        for served in servers:
                            settle(servers)
                            measure(browser, served)
                    for i in range(args.runs):
                        order = servers if i % 2 == 0 else servers[::-1]
                        for served in order:
                            settle(servers)
                            served.times_ms.append(measure(browser, served))
                finally:
                    browser.close()
        finally:
            for served in servers:
                stop(served)

    app, bare_s = servers
    med_app = statistics.median(app.times_ms)
    med_bare = statistics.median(bare_s.times_ms)
    ratio = med_app / med_bare
    mode = "preheated kernels (pool 1)" if preheat else "no preheating"
    print(f"hjemmekit app vs bare Voilà notebook, {args.runs} runs each, {mode}")
    for s in servers:
        runs = " ".join(f"{t:.0f}" for t in s.times_ms)
        print(f"  {s.name:5} median {statistics.median(s.times_ms):7.0f} ms   runs: {runs}")
    verdict = "ok" if ratio <= TARGET_RATIO else f"ABOVE target {TARGET_RATIO}"
    print(f"  ratio app/bare: {ratio:.2f}  ({verdict})")
    imports = import_profile()
    print("  slowest imports of hjemmekit.widgets.app (cumulative ms, fresh interpreter):")
    for name, ms in imports:
        print(f"    {ms:7.1f}  {name}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {
                    "preheat": preheat,
                    "runs": args.runs,
                    "app_ms": app.times_ms,
                    "bare_ms": bare_s.times_ms,
                    "median_app_ms": med_app,
                    "median_bare_ms": med_bare,
                    "ratio": ratio,
                    "target_ratio": TARGET_RATIO,
                    "imports_ms": imports,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
