"""``voila notebooks/05_forsoeg_og_evaluering.ipynb`` works offline with the project's template.

Started as a user would from the repository root (``voila.json`` there selects the
``hjemmekit`` template, which ``pip install`` puts into the venv's
``share/jupyter/voila/templates``), opened in Chromium with every request to another host
aborted and recorded: the step view renders (its Results part: "Beregn evaluering"), nothing
left the host, and the page shows no traceback. The server's process group is stopped
afterwards, and any kernel that outlived it is killed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from servers import HOST, free_port, http_status, stop

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/05_forsoeg_og_evaluering.ipynb"
START_TIMEOUT_S = 60.0
#: The notebook loads the example data, evaluates and draws four charts before the page
#: is complete: allow for a slow, shared machine.
RENDER_TIMEOUT_MS = 120_000
#: Voilà's stripped cell error or any stderr output of a cell.
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


@dataclass
class VoilaServer:
    proc: subprocess.Popen[bytes]
    port: int
    log_dir: Path

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stderr(self) -> str:
        path = self.log_dir / "voila-stderr.txt"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.fixture(scope="module")
def voila_05(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """``voila notebooks/05_forsoeg_og_evaluering.ipynb`` from the repository root."""
    log_dir = tmp_path_factory.mktemp("voila-05")
    port = free_port()
    voila = Path(sys.executable).with_name("voila")
    cmd = [str(voila), NOTEBOOK, "--port", str(port), "--no-browser", f"--Voila.ip={HOST}"]
    # The notebook's example workbook copy goes to a temporary folder: keep it in ours.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(log_dir)}
    with (
        open(log_dir / "voila-stdout.txt", "wb") as out,
        open(log_dir / "voila-stderr.txt", "wb") as err,
    ):
        proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
    server = VoilaServer(proc, port, log_dir)
    try:
        # A static file of the hjemmekit template: the server runs and found the template
        # (GET / would start a kernel and run the whole notebook just to probe).
        probe = f"{server.origin}/voila/templates/hjemmekit/static/index.css"
        deadline = time.monotonic() + START_TIMEOUT_S
        while http_status(probe) != 200:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}:\n{server.stderr()[-4000:]}",
                            pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"voila did not answer 200 on {probe}:\n{server.stderr()[-4000:]}",
                            pytrace=False)
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def test_voila_notebook_05_renders_offline(
    browser: Any, voila_05: VoilaServer, ui: Any
) -> None:
    origin = voila_05.origin
    requested: list[str] = []
    offhost: list[str] = []

    def local(url: str) -> bool:
        scheme, _, rest = url.partition("://")
        if not rest:
            return url.split(":", 1)[0] in {"data", "blob", "about"}
        return scheme in {"http", "https", "ws", "wss"} and (
            rest.split("/", 1)[0] == f"{HOST}:{voila_05.port}")

    def record(url: str) -> None:
        requested.append(url)
        if not local(url) and url not in offhost:
            offhost.append(url)

    context = browser.new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(RENDER_TIMEOUT_MS)
    context.on("request", lambda req: record(req.url))
    context.route(re.compile(rf"^(?!{re.escape(origin)}(/|$))[a-z][a-z0-9+.-]*://"),
                  lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    page.on("websocket", lambda ws: record(ws.url))
    try:
        response = page.goto(origin + "/")
        assert response is not None and response.status == 200
        # The project's template (not Voilà's lab template) made the page.
        assert page.title() == "hjemmekit"
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.locator("main#rendered_cells").count() == 1

        results = page.get_by_role("button", name="Resultater", exact=True)
        error = page.locator(ERROR_OUTPUT).first
        results.or_(error).wait_for(state="visible")
        assert not error.is_visible(), f"a cell failed:\n{error.inner_text()}"
        page.wait_for_selector("#loading", state="detached")
        # The step view with its evaluation (auto_evaluate="now" on the loaded data) in its
        # Results part, and the cells after it: the design, the DiD per question, the
        # four charts.
        results.click()
        page.get_by_role("button", name="Beregn evaluering", exact=True).wait_for()
        page.get_by_role("heading", name="Trin 5: Tænk langsigtet", exact=False).wait_for()
        page.get_by_role("status").filter(has_text="Evalueringen er beregnet.").wait_for()
        page.locator("figure.hk-figure img").nth(3).wait_for()
        text = page.locator("main").inner_text()
        assert "Førperiode:" in text and "Forsøgsperiode:" in text
        assert re.search(r"concentration\s+[+-]?\d,\d{3}", text), "no DiD printed (Danish decimals)"
        charts = page.locator(".jp-OutputArea-output img[src^='data:image/png']")
        assert charts.count() >= 4

        assert page.locator(ERROR_OUTPUT).count() == 0
        assert "Traceback" not in text and "most recent call last" not in text
        assert "hjemmekit could not start" not in text
        assert requested, "no requests recorded"
        assert offhost == [], "requests left the host:\n  " + "\n  ".join(offhost)
        fetched = page.evaluate(
            "() => performance.getEntriesByType('resource').map(e => e.name)")
        assert [u for u in fetched if not local(u)] == []
        ui.screenshot(page, "voila-notebook-05")
    finally:
        page.close(run_before_unload=True)
        context.close()
    assert offhost == [], "requests left the host:\n  " + "\n  ".join(offhost)
    assert "Traceback" not in voila_05.stderr()
