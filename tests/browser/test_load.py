"""Many leaders at once on one ``hjemmekit serve``: rounds of 8 and 16 new visitors (fresh
browser contexts) opening the app at the same moment. Every page becomes usable (none hangs
with a kernel that never ran the app), and kernels whose page has gone without Voilà's
shutdown call are stopped after ``--idle-timeout``, while an open page's kernel is kept.

Not timed: the time limit only tells a hung page from a slow one on a loaded machine;
``benchmarks/bench_hosting.py`` measures the times.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Server, chromium_executable, start_server, wait_for_app
from servers import stop

sys.path.insert(0, str(REPO / "benchmarks"))
import crowd  # noqa: E402 - shared with the benchmark

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Short, to see culling in the test, but longer than a page's websocket may be away under
#: heavy load (a missed ping closes it; the page reconnects). Kernels whose page is still
#: loading are not culled by it (hjemmekit.culling).
IDLE_TIMEOUT_S = 60
#: A page not usable after this long is hung (the bug: never, whatever the wait).
HUNG_AFTER_MS = 300_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``hjemmekit serve`` with the default pre-heating and a short idle timeout."""
    base: Path = tmp_path_factory.mktemp("hjemmekit-load")
    running = start_server(
        store=base / "store", log_dir=base, extra_args=["--idle-timeout", str(IDLE_TIMEOUT_S)]
    )
    try:
        yield running
    finally:
        stop(running.proc)


def visit(server: Server, visitors: int, close: str) -> crowd.Round:
    """One round in a thread of its own (Playwright's async API next to the sync one)."""
    chromium = chromium_executable()
    result: list[crowd.Round] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            found = crowd.run_round(
                chromium, server.url, visitors, timeout_ms=HUNG_AFTER_MS, close=close
            )
            result.append(found)
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def assert_all_usable(server: Server, round_: crowd.Round) -> None:
    times = ", ".join("hung" if t is None else f"{t / 1000:.1f}" for t in round_.times_ms)
    assert round_.stuck == 0, (
        f"{round_.stuck} of {round_.visitors} pages never became usable (s: {times}): "
        f"{round_.errors[:3]}\nserver:\n{server.stderr()}"
    )
    assert "Timeout waiting for IOPub output" not in server.stderr(tail=100_000)


def test_8_new_visitors_at_once_all_get_the_app(server: Server) -> None:
    """8 at once: all usable; their closed tabs shut their kernels down at once."""
    round_ = visit(server, 8, close="unload")
    assert_all_usable(server, round_)
    left = crowd.wait_for_kernels(server.proc.pid, at_most=1, timeout_s=60)
    assert len(left) <= 1, f"kernels left after the tabs closed: {left}"  # the pre-heated one


def test_16_new_visitors_then_their_kernels_are_culled(
    server: Server, browser: Any
) -> None:
    """16 at once: all usable. Then their pages vanish without the shutdown call (a closed
    laptop): their kernels are stopped after the idle timeout; an open page's is not."""
    context = browser.new_context(locale="da-DK")
    try:
        kept = context.new_page()
        kept.goto(server.url)
        wait_for_app(kept)
        round_ = visit(server, 16, close="vanish")
        assert_all_usable(server, round_)
        assert len(crowd.kernels(server.proc.pid)) >= 16  # the vanished pages' kernels
        # gone: the 16 kernels; kept: the open page's kernel and the pre-heated one
        left = crowd.wait_for_kernels(server.proc.pid, at_most=2, timeout_s=IDLE_TIMEOUT_S + 90)
        assert len(left) <= 2, f"kernels of vanished pages were not stopped: {left}"
        # the open page still works: its kernel answers a click
        kept.get_by_role("button", name="Næste").click()
        kept.get_by_role("heading", name="Overvej mål og redskaber").wait_for()
    finally:
        context.close()
