"""How long switching steps takes in the running app (and in the kernel alone).

Serves the app (``hjemmekit.serve``) on a copy of the example ``mellemstor-besluttet``
(its step 5 has data and a complete design, so it evaluates), opens it in Chromium and
clicks the stepper's buttons 1 → 2 → 3 → 4 → 5, several rounds. In the page it measures,
for each click, the milliseconds until the new step's view shows a visible input
("usable"), and the time of the last DOM change before 1.5 s without one ("settled").
Where step 5 has parts, it then clicks them too (Data, Results, Reflection, Design).

``--kernel`` measures the kernel's share alone, without a browser: ``App.go(step)`` in this
process, median over the runs.

    .venv/bin/python benchmarks/bench_steps.py [--runs 5] [--kernel] [--json FILE]

Not a test: the figures depend on the machine and its load; compare runs made side by side.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_app import CHROMIUM_ARGS, READY_APP, settle, start, stop  # noqa: E402

EXAMPLE = "mellemstor-besluttet"
STEPS = ("context", "goals", "suitability", "arrangement", "trial")
PARTS = ("design", "data", "results", "reflection")
QUIET_MS = 1500
"""A page with no DOM change for this long has settled (step 5 evaluates after painting)."""

#: Click the stepper's button of step ``no`` (1-5) and resolve with the times (ms after the
#: click) until the step's view shows a visible input, and of the last DOM change before the
#: page stayed quiet for ``quiet`` ms.
SWITCH_JS = """async ([selector, text, view, quiet]) => {
  const button = [...document.querySelectorAll(selector)]
    .find((b) => b.textContent.replace(/\\s+/g, ' ').includes(text));
  if (!button) throw new Error('no button ' + text);
  let last = performance.now();
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  const t0 = performance.now();
  button.click();
  let usable = null;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (usable === null) {
        const v = document.querySelector(view);
        const input = v && [...v.querySelectorAll('button, input, select, textarea')]
          .find((e) => { const r = e.getBoundingClientRect(); return r.width > 0; });
        if (input) usable = now - t0;
      }
      if (usable !== null && now - last >= quiet) return resolve();
      if (now - t0 > 60000) return resolve();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  obs.disconnect();
  return {usable, settled: last - t0};
}"""


def browser_figures(runs: int, parts: bool) -> dict[str, dict[str, list[float]]]:
    """{"step N" | "part X": {"usable": [...], "settled": [...]}} in ms."""
    from playwright.sync_api import sync_playwright

    from hjemmekit.model import load_workbook
    from hjemmekit.session import example_workbooks
    from hjemmekit.store import WorkbookStore

    out: dict[str, dict[str, list[float]]] = {}

    def note(key: str, fig: dict[str, float]) -> None:
        d = out.setdefault(key, {"usable": [], "settled": []})
        d["usable"].append(round(fig["usable"] or -1, 1))
        d["settled"].append(round(fig["settled"], 1))

    with tempfile.TemporaryDirectory(prefix="hjemmekit-bench-steps-") as tmp:
        store = Path(tmp) / "a" / "store"
        store.mkdir(parents=True)
        wb = load_workbook(example_workbooks()[EXAMPLE].read_text(encoding="utf-8"))
        wid = WorkbookStore(store).copy(wb).id
        served = start("app", None, store, True, READY_APP)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=CHROMIUM_ARGS)
                context = browser.new_context(locale="da-DK",
                                              viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{served.url}?workbook={wid}", timeout=120_000)
                page.wait_for_function(READY_APP, timeout=120_000)
                settle([served])
                for run in range(runs + 1):  # the first round warms up
                    for no in (1, 2, 3, 4, 5):
                        fig = page.evaluate(SWITCH_JS, [".hk-nav button", f"{no}. ",
                                                        f".hk-step-{STEPS[no - 1]}", QUIET_MS])
                        if run:
                            note(f"step {no}", fig)
                    if parts and page.locator(".hk-parts button").count():
                        names = page.locator(".hk-parts button").all_inner_texts()
                        pairs = list(zip(names, PARTS, strict=True))
                        for name, key in [*pairs[1:], pairs[0]]:
                            fig = page.evaluate(SWITCH_JS, [".hk-parts button", name.strip(),
                                                            f".hk-part-{key}", QUIET_MS])
                            if run:
                                note(f"part {name.strip()}", fig)
                    settle([served])
                page.close(run_before_unload=True)
                context.close()
                browser.close()
        finally:
            stop(served)
    return out


def kernel_figures(runs: int) -> dict[str, list[float]]:
    """ms for ``App.go(step)`` in this process (no browser), per step. It runs inside an
    asyncio loop, as in a kernel, so work a view leaves for after painting (step 5's
    evaluation, its charts) runs between the steps and is not counted."""
    import asyncio

    from hjemmekit.notebook import open_example
    from hjemmekit.widgets.app import App

    out: dict[str, list[float]] = {}

    async def walk(app: App) -> None:
        for run in range(runs + 1):
            for no in (2, 3, 4, 5, 1):
                t0 = time.perf_counter()
                app.go(no - 1)
                ms = (time.perf_counter() - t0) * 1000
                if run:
                    out.setdefault(f"step {no}", []).append(round(ms, 1))
                await asyncio.sleep(0.01)

    with tempfile.TemporaryDirectory(prefix="hjemmekit-bench-steps-") as tmp:
        session = open_example(EXAMPLE, Path(tmp) / "store")
        asyncio.run(walk(App(session)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--kernel", action="store_true", help="also time App.go in-process")
    parser.add_argument("--no-parts", action="store_true", help="skip step 5's parts")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if shutil.which("chromium") is None:
        print("Chromium not found: install it with `apt-get install -y chromium` (Debian)")
        return 1
    result: dict[str, Any] = {"runs": args.runs}
    result["browser"] = browser_figures(args.runs, not args.no_parts)
    print(f"step switch in Chromium, median of {args.runs} (ms after the click):")
    for key, d in result["browser"].items():
        print(f"  {key:28} usable {statistics.median(d['usable']):7.0f}   "
              f"settled {statistics.median(d['settled']):7.0f}   "
              f"(usable runs: {' '.join(f'{x:.0f}' for x in d['usable'])})")
    if args.kernel:
        result["kernel"] = kernel_figures(args.runs)
        print("App.go(step) in the kernel alone, median (ms):")
        for key, v in result["kernel"].items():
            print(f"  {key:28} {statistics.median(v):7.1f}   runs: {' '.join(map(str, v))}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
