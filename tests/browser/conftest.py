"""Browser-test layer: a real ``hjemmekit serve`` on 127.0.0.1 driven by Chromium.

Fixtures
--------
``hjemmekit_server`` (session)  the running server: ``.url``, ``.origin``, ``.port``, ``.store``,
                                ``.stderr()``; started with ``--store <tmp> --port <free>``.
``browser`` (session)           Playwright's Chromium (Debian's /usr/bin/chromium).
``request_log``                 every URL the page asked for, and the off-host ones.
``page``                        a fresh page (own context, da-DK, 1280x900); any request to
                                another host than the server is aborted and fails the test
                                at teardown, listing the URLs.
``app_page``                    ``page`` already on the app, rendered (``wait_for_app``).
``ui``                          the helpers below, for tests: ``ui.wait_for_app(page)``,
                                ``ui.axe_violations(page)``, ``ui.assert_no_axe_violations(page)``,
                                ``ui.screenshot(page, "name")`` (the whole app), and for
                                keyboard and autosave: ``ui.focused(page)``,
                                ``ui.tab_to(page, name, tag)``, ``ui.wait_focus(page, name,
                                tag)``, ``ui.status(page)``,
                                ``ui.wait_saved(page, after=rev)``, ``ui.saved_revision(page)``;
                                workbooks: ``ui.create_workbook(server, title=...)`` (in the
                                store, from the test), ``ui.open_workbook(page, server, id,
                                step)``, ``ui.workbook_id(page)``.

A test::

    pytestmark = pytest.mark.browser

    def test_next(app_page, ui):
        app_page.get_by_role("button", name="Næste").click()
        ui.assert_no_axe_violations(app_page)
        ui.screenshot(app_page, "step-2")
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from servers import HOST, free_port, http_status, stop

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
START_TIMEOUT_S = 60.0
APP_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: WCAG 2.0 / 2.1, levels A and AA (what Danish public-sector sites and apps must meet).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Rendered when the app is usable: the stepper's buttons (UI contract, da or en).
READY_BUTTON = re.compile(r"^\s*(Næste|Next)\s*$")
#: Voilà's stripped cell error (show_tracebacks=False) or a kernel error output.
APP_ERROR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def chromium_executable() -> str:
    """Debian's Chromium; fail (never skip) when it is missing."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium not found: install it with `apt-get install -y chromium` (Debian)",
            pytrace=False,
        )
    return path


@dataclass
class Server:
    """A running ``hjemmekit serve`` subprocess."""

    port: int
    store: Path
    proc: subprocess.Popen[bytes]
    log_dir: Path

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The app's URL."""
        return f"{self.origin}/"

    @property
    def netloc(self) -> str:
        """``127.0.0.1:<port>``: the only host pages may talk to."""
        return f"{HOST}:{self.port}"

    def stderr(self, tail: int = 4000) -> str:
        """The end of the server's stderr."""
        path = self.log_dir / "stderr.txt"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return text[-tail:]

    def stdout(self) -> str:
        """The server's stdout (the one line with the URL)."""
        path = self.log_dir / "stdout.txt"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def start_server(
    store: Path, log_dir: Path, extra_args: list[str] | None = None, port: int | None = None
) -> Server:
    """Start ``python -m hjemmekit.cli serve`` and wait until it answers HTTP 200."""
    port = port or free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "hjemmekit.cli",
        "serve",
        "--store",
        str(store),
        "--port",
        str(port),
        *(extra_args or []),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with (
        open(log_dir / "stdout.txt", "wb") as out,
        open(log_dir / "stderr.txt", "wb") as err,
    ):
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=log_dir,
            env=env,
            start_new_session=True,
        )
    server = Server(port=port, store=store, proc=proc, log_dir=log_dir)
    # A static file of the project's template: proves the server runs *and* finds the
    # template, without using up a pre-heated kernel the way GET / would.
    probe = f"{server.origin}/voila/templates/hjemmekit/static/index.css"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"hjemmekit serve exited with {proc.returncode}:\n{server.stderr()}",
                pytrace=False,
            )
        if http_status(probe) == 200:
            return server
        time.sleep(0.2)
    stop(proc)
    pytest.fail(
        f"hjemmekit serve did not answer 200 on {probe} within {START_TIMEOUT_S:.0f} s; "
        f"stderr:\n{server.stderr()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def hjemmekit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ``hjemmekit serve --store <tmp> --port <free port>`` for the whole session."""
    base = tmp_path_factory.mktemp("hjemmekit-serve")
    server = start_server(store=base / "store", log_dir=base)
    try:
        yield server
    finally:
        stop(server.proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium via Playwright (sync API), headless."""
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class RequestLog:
    """What one page asked the network for."""

    netloc: str
    urls: list[str] = field(default_factory=list)
    offhost: list[str] = field(default_factory=list)
    reported: int = 0

    def message(self, urls: list[str]) -> str:
        """The failure message for off-host requests."""
        return f"requests left the server's host ({self.netloc}):\n  " + "\n  ".join(urls)

    def is_local(self, url: str) -> bool:
        """True for the server's own origin and for in-page URLs (data:, blob:, about:)."""
        scheme, _, rest = url.partition("://")
        if not rest:
            return url.split(":", 1)[0] in {"data", "blob", "about"}
        return scheme in {"http", "https", "ws", "wss"} and rest.split("/", 1)[0] == self.netloc

    def record(self, url: str) -> None:
        """Note a request (HTTP or websocket)."""
        self.urls.append(url)
        if not self.is_local(url) and url not in self.offhost:
            self.offhost.append(url)


@pytest.fixture
def request_log(hjemmekit_server: Server) -> RequestLog:
    """The log the ``page`` fixture fills."""
    return RequestLog(netloc=hjemmekit_server.netloc)


@pytest.fixture
def page(browser: Any, hjemmekit_server: Server, request_log: RequestLog) -> Iterator[Any]:
    """A fresh page; fails the test at teardown if it asked any other host for anything."""
    context = browser.new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}, service_workers="block"
    )
    context.set_default_timeout(APP_TIMEOUT_MS)
    context.on("request", lambda req: request_log.record(req.url))
    # Abort everything not on the server's origin, so a stray CDN link fails fast
    # instead of hanging the test (the regex is matched in the browser driver).
    origin = re.escape(hjemmekit_server.origin)
    context.route(
        re.compile(rf"^(?!{origin}(/|$))[a-z][a-z0-9+.-]*://"),
        lambda route: route.abort("blockedbyclient"),
    )
    pg = context.new_page()
    pg.on("websocket", lambda ws: request_log.record(ws.url))
    try:
        yield pg
    finally:
        try:
            pg.close(run_before_unload=True)  # lets Voilà shut the page's kernel down
        finally:
            context.close()
    late = request_log.offhost[request_log.reported :]
    if late:  # made after the test body (or the body failed for another reason first)
        pytest.fail(request_log.message(late), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself (not its teardown) when its page asked another host."""
    result = yield
    log = getattr(item, "funcargs", {}).get("request_log")
    if isinstance(log, RequestLog) and log.offhost:
        log.reported = len(log.offhost)
        pytest.fail(log.message(log.offhost), pytrace=False)
    return result


def wait_for_app(page: Any, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until the app's widgets are rendered and usable (its "Næste"/"Next" button)."""
    ready = page.get_by_role("button", name=READY_BUTTON).first
    error = page.locator(APP_ERROR).first
    ready.or_(error).wait_for(state="visible", timeout=timeout_ms)
    if error.is_visible():
        pytest.fail(f"the app failed to start:\n{error.inner_text()}", pytrace=False)
    page.wait_for_selector("#loading", state="detached", timeout=timeout_ms)


def axe_violations(page: Any, context: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A+AA violations on the page (axe comes from the installed
    axe-playwright-python package and is injected with ``page.evaluate``: no CDN)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, context=context, options=options)
    return list(results.response["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One block per violation: id, impact, help and the target selectors."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v.get("nodes", []):
            lines.append(f"    {node.get('target')}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any, context: str | None = None) -> None:
    """Fail listing every WCAG 2.1 AA violation axe finds."""
    violations = axe_violations(page, context)
    if violations:
        pytest.fail(
            f"axe found {len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


#: Voilà's Lumino shell is as high as the window and the app scrolls inside <main>, so a
#: plain full-page screenshot is one window high. This lets the shell grow to its content
#: for the moment of the screenshot.
UNCLIP_CSS = """
html, body, #main, #jp-main-content-panel, #rendered_cells {
  height: auto !important; overflow: visible !important; contain: none !important; }
#main, #jp-main-content-panel, #rendered_cells { position: static !important; }
"""


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    """Save ``artifacts/screenshots/<name>.png`` and return its path; ``full_page`` takes
    the whole app, not just the part in the window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "screenshot"
    path = SCREENSHOTS / f"{safe}.png"
    if not full_page:
        page.screenshot(path=str(path))
        return path
    style = page.add_style_tag(content=UNCLIP_CSS)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        style.evaluate("(el) => el.remove()")
    return path


# --- keyboard and autosave ---------------------------------------------------------------

#: The focused element: tag, input type and accessible name (its <label>, aria-label or
#: text), whitespace collapsed; tag "body" when nothing has the focus.
FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement)
    return {tag: 'body', type: '', name: ''};
  let name = '';
  if (e.labels && e.labels.length) name = e.labels[0].innerText;
  else if (e.getAttribute('aria-label')) name = e.getAttribute('aria-label');
  else name = e.innerText || '';
  return {tag: e.tagName.toLowerCase(), type: e.type || '',
          name: name.replace(/\\s+/g, ' ').trim()};
}"""


def focused(page: Any) -> dict[str, str]:
    """``{"tag", "type", "name"}`` of the element with the keyboard focus."""
    return dict(page.evaluate(FOCUSED_JS))


def tab_to(
    page: Any,
    name: str | re.Pattern[str],
    tag: str | None = None,
    *,
    limit: int = 150,
    back: bool = False,
) -> dict[str, str]:
    """Press Tab (Shift+Tab with ``back``) until the focused element is called ``name``
    (exact text, or a pattern searched for) and, if given, is a ``tag``; fail after
    ``limit`` presses, listing where the focus went."""
    trail: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        trail.append(f"{now['tag']}:{now['name'][:50]}")
        hit = name.search(now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if hit and (tag is None or now["tag"] == tag):
            return now
    pytest.fail(
        f"Tab never reached {tag or 'an element'} named {name!r} in {limit} presses:\n  "
        + "\n  ".join(trail)
    )


def wait_focus(
    page: Any, name: str | re.Pattern[str], tag: str | None = None, timeout_ms: int = 10_000
) -> dict[str, str]:
    """Wait until the focus is on ``tag`` named ``name`` (after the app moved it)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        now = focused(page)
        hit = name.search(now["name"]) if isinstance(name, re.Pattern) else now["name"] == name
        if hit and (tag is None or now["tag"] == tag):
            return now
        if time.monotonic() > deadline:
            pytest.fail(
                f"the focus did not move to {tag or 'an element'} named {name!r}; it is on {now}"
            )
        page.wait_for_timeout(50)


#: The app's status line (role=status): its state class and the saved revision, if any.
STATUS_JS = """() => {
  const el = document.querySelector('.hk-status [role=status]');
  if (!el) return null;
  const state = (el.className.match(/hk-status-(\\w+)/) || [, ''])[1];
  const m = el.textContent.match(/\\((?:version) (\\d+)\\)/);
  return {state, text: el.textContent, revision: m ? parseInt(m[1], 10) : null};
}"""


def status(page: Any) -> dict[str, Any]:
    """The status line now: ``{"state": saved|pending|conflict|error, "text", "revision"}``."""
    return dict(page.evaluate(STATUS_JS) or {"state": "", "text": "", "revision": None})


def wait_saved(page: Any, after: int = 0, timeout_ms: int = 20_000) -> int:
    """Wait until the status line says saved ("Gemt …"/"Saved …") with a revision newer
    than ``after``; return that revision. Fails at once on a conflict or error."""
    js = (
        "([after]) => { const s = (" + STATUS_JS + ")(); if (!s) return false;"
        " if (s.state === 'conflict' || s.state === 'error') return s;"
        " return s.state === 'saved' && s.revision > after ? s : false; }"
    )
    try:
        handle = page.wait_for_function(js, arg=[after], timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - a Playwright timeout: say what the status said
        pytest.fail(
            f"not saved (newer than revision {after}) within {timeout_ms} ms; "
            f"status: {status(page)}"
        )
    result = handle.json_value()
    if result["state"] != "saved":
        pytest.fail(f"expected a save, the status says: {result['text']}")
    assert re.match(r"^\s*(Gemt|Saved)\b", result["text"]), result["text"]
    return int(result["revision"])


def saved_revision(page: Any, timeout_ms: int = 20_000) -> int:
    """The revision the status line reports once nothing is waiting to be saved."""
    return wait_saved(page, after=0, timeout_ms=timeout_ms)


# --- workbooks ---------------------------------------------------------------------------


def create_workbook(server: Server, **fields: Any) -> str:
    """A new, empty workbook in the server's store (Danish unless ``language`` is given),
    written from the test process; its id."""
    from hjemmekit.store import WorkbookStore

    fields.setdefault("language", "da")
    return str(WorkbookStore(server.store).create(**fields).id)


def open_workbook(page: Any, server: Server, workbook_id: str, step: int | None = None) -> None:
    """Open ``?workbook=ID`` (at step ``step``, 1-5) and wait for the app."""
    query = f"?workbook={workbook_id}" + (f"&step={step}" if step else "")
    page.goto(server.url + query)
    wait_for_app(page)


def workbook_id(page: Any) -> str:
    """The id of the workbook the page shows (from its download link's file name)."""
    name = page.locator("a[download$='.json']").first.get_attribute("download") or ""
    found = re.search(r"-([0-9a-f]{12})\.json$", name)
    assert found, f"no workbook id in the download link {name!r}"
    return found.group(1)


@pytest.fixture(scope="session")
def ui() -> SimpleNamespace:
    """The browser helpers, for tests (conftest modules are not meant to be imported)."""
    return SimpleNamespace(
        wait_for_app=wait_for_app,
        axe_violations=axe_violations,
        assert_no_axe_violations=assert_no_axe_violations,
        format_violations=format_violations,
        screenshot=screenshot,
        AXE_TAGS=AXE_TAGS,
        focused=focused,
        tab_to=tab_to,
        wait_focus=wait_focus,
        status=status,
        wait_saved=wait_saved,
        saved_revision=saved_revision,
        create_workbook=create_workbook,
        open_workbook=open_workbook,
        workbook_id=workbook_id,
        start_server=start_server,
    )


@pytest.fixture
def app_page(page: Any, hjemmekit_server: Server) -> Any:
    """``page`` on the app, with the app rendered."""
    page.goto(hjemmekit_server.url)
    wait_for_app(page)
    return page
