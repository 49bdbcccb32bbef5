"""Many new visitors at once: N fresh Chromium contexts open a page at the same moment.

Shared by the load test (``tests/browser/test_load.py``) and the benchmark
(``benchmarks/bench_hosting.py``). Each visitor gets its own browser context (cold cache,
no cookies, like a leader opening the link for the first time); all navigate together and
each records the milliseconds from its navigation start to the page's first usable input
(a JS predicate), or None when that did not happen within the timeout.

Also here: the kernels of a server (its descendant processes) with their resident memory,
read from /proc (Linux).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: JS predicates: the first usable input of each page.
READY_APP = """() => {
  if (document.getElementById('loading')) return false;
  const b = Array.from(document.querySelectorAll('button'))
    .find((e) => ['Næste', 'Next'].includes(e.textContent.trim()));
  if (!b || b.disabled) return false;
  const r = b.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}"""
READY_BARE = """() => {
  if (document.getElementById('loading')) return false;
  const s = document.querySelector('[role="slider"]');
  if (!s) return false;
  const r = s.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}"""


@dataclass
class Round:
    """One round of concurrent visitors: each one's time to usable (ms) or None."""

    visitors: int
    times_ms: list[float | None] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    while_open: Any = None

    @property
    def usable(self) -> list[float]:
        """The times of the visitors whose page became usable."""
        return sorted(t for t in self.times_ms if t is not None)

    @property
    def stuck(self) -> int:
        """Visitors whose page never became usable within the timeout."""
        return sum(1 for t in self.times_ms if t is None)

    def percentile(self, q: float) -> float | None:
        """The q-th percentile (0-100, nearest rank) of the times; a stuck page counts as
        slower than every usable one (so p95 of a round with a stuck page is None)."""
        times = [t if t is not None else float("inf") for t in self.times_ms]
        if not times:
            return None
        times.sort()
        rank = max(1, int(-(-q * len(times) // 100)))  # ceil(q/100 * n)
        value = times[rank - 1]
        return None if value == float("inf") else value


async def _visit(
    browser: Any, url: str, ready_js: str, timeout_ms: int, start: asyncio.Event, keep: list
) -> tuple[float | None, str]:
    context = await browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    keep.append((context, page))
    await start.wait()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_function(ready_js, timeout=timeout_ms, polling=100)
        return float(await page.evaluate("() => performance.now()")), ""
    except Exception as e:  # noqa: BLE001 - a timeout or a closed page: this visitor is stuck
        return None, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


async def _round(
    chromium: str,
    url: str,
    visitors: int,
    ready_js: str,
    timeout_ms: int,
    close: str,
    while_open: Callable[[], Any] | None,
) -> Round:
    from playwright.async_api import async_playwright

    result = Round(visitors=visitors)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        keep: list[tuple[Any, Any]] = []
        try:
            start = asyncio.Event()
            tasks = [
                asyncio.create_task(_visit(browser, url, ready_js, timeout_ms, start, keep))
                for _ in range(visitors)
            ]
            while len(keep) < visitors:  # every context and page exists: go together
                await asyncio.sleep(0.05)
            start.set()
            for time_ms, error in await asyncio.gather(*tasks):
                result.times_ms.append(time_ms)
                if error:
                    result.errors.append(error)
            if while_open is not None:
                result.while_open = await asyncio.to_thread(while_open)
            for context, page in keep:
                # Voilà's frontend asks for the shutdown in its beforeunload handler
                await page.close(run_before_unload=close == "unload")
                await context.close()
        finally:
            await browser.close()
    return result


def run_round(
    chromium: str,
    url: str,
    visitors: int,
    ready_js: str = READY_APP,
    timeout_ms: int = 60_000,
    close: str = "unload",
    while_open: Callable[[], Any] | None = None,
) -> Round:
    """``visitors`` fresh contexts open ``url`` together; each one's time to usable.

    ``close``: "unload" closes the tabs (Voilà's frontend then asks the server to shut the
    kernel down); "vanish" closes them without it, as when a laptop is shut or a browser
    crashes (the kernels are left for the idle culler). ``while_open`` is called
    (in a thread) once every page is usable or given up, before they close; its result is
    kept as ``Round.while_open``.
    """
    if close not in {"unload", "vanish"}:
        raise ValueError(f"close must be 'unload' or 'vanish', not {close!r}")
    return asyncio.run(_round(chromium, url, visitors, ready_js, timeout_ms, close, while_open))


# --- kernels of a server -------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[19]


def descendants(pid: int) -> list[int]:
    """All descendant pids of ``pid`` (kernels run in sessions of their own)."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (info := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = info[0]
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        todo += kids
    return found


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process in MB (VmRSS), None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pss_mb(pid: int) -> float | None:
    """Proportional set size in MB (shared pages split among their users), None if gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def kernels(server_pid: int) -> dict[int, float]:
    """The server's kernel processes (``ipykernel_launcher``) and their RSS in MB."""
    found: dict[int, float] = {}
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel" in cmd and (mb := rss_mb(pid)) is not None:
            found[pid] = mb
    return found


def wait_for_kernels(server_pid: int, at_most: int, timeout_s: float) -> dict[int, float]:
    """Wait until the server has at most ``at_most`` kernels; return those left."""
    deadline = time.monotonic() + timeout_s
    left = kernels(server_pid)
    while len(left) > at_most and time.monotonic() < deadline:
        time.sleep(1)
        left = kernels(server_pid)
    return left


def _cpu_ticks(pid: int) -> tuple[int, int] | None:
    """(own user+system ticks, ticks of its reaped children) of one process, None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields[0] is stat field 3 (state)
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


@dataclass(frozen=True)
class ServerCpu:
    """CPU seconds used so far by a server and its kernels (a snapshot; subtract two).

    ``server``: the server process itself. ``kernels``: its live descendants plus the
    descendants it has already reaped (stopped kernels), so a kernel that ends between two
    snapshots is still counted."""

    server: float
    kernels: float

    @property
    def total(self) -> float:
        return self.server + self.kernels

    def __sub__(self, other: ServerCpu) -> ServerCpu:
        return ServerCpu(self.server - other.server, self.kernels - other.kernels)


def server_cpu(server_pid: int) -> ServerCpu:
    """Snapshot of the CPU seconds of ``server_pid`` and all its kernels, live or stopped."""
    hz = os.sysconf("SC_CLK_TCK")
    own = _cpu_ticks(server_pid) or (0, 0)
    kernel_ticks = own[1] + sum((_cpu_ticks(pid) or (0, 0))[0] for pid in descendants(server_pid))
    return ServerCpu(server=own[0] / hz, kernels=kernel_ticks / hz)
