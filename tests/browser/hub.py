"""A real JupyterHub with ``make hub``'s configuration (``deploy/jupyterhub/demo_config.py``)
for the browser tests: the dummy login, ``SimpleLocalProcessSpawner``, each user's app
behind ``jupyter-standaloneproxy``, a temporary store, free ports."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from servers import HOST, free_port, http_status, stop

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "deploy" / "jupyterhub" / "demo_config.py"
CHP = REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "hemmeligt-test"
START_TIMEOUT_S = 120.0
#: A user's server is started on the first visit: JupyterHub's spawn, then the app's start.
SPAWN_TIMEOUT_MS = 240_000


@dataclass
class Hub:
    """A running JupyterHub."""

    port: int
    store: Path
    state: Path
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://{HOST}:{self.port}"

    def log(self, tail: int = 6000) -> str:
        """The end of the hub's log (its own, the proxy's and the users' servers')."""
        path = self.state / "hub.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return text[-tail:]


def start_hub(base: Path, groups: str, idle_timeout: int = 600) -> Hub:
    """Start ``jupyterhub -f deploy/jupyterhub/demo_config.py`` and wait for its login page."""
    if not CHP.exists():
        pytest.fail(
            f"configurable-http-proxy is missing ({CHP}): run `make hub` or `make browser` "
            "once (it installs it with npm)",
            pytrace=False,
        )
    port = free_port()
    state = base / "hub"
    state.mkdir(parents=True, exist_ok=True)
    store = base / "store"
    env = {
        **os.environ,
        "HUB_PORT": str(port),
        "HUB_PASSWORD": PASSWORD,
        "HUB_STORE": str(store),
        "HUB_DIR": str(state),
        "HUB_GROUPS": groups,
        "HUB_IDLE_TIMEOUT": str(idle_timeout),
        "PYTHONUNBUFFERED": "1",
    }
    jupyterhub = Path(sys.executable).parent / "jupyterhub"
    with open(state / "hub.log", "wb") as log:
        proc = subprocess.Popen(
            [str(jupyterhub), "-f", str(CONFIG)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=state,
            env=env,
            start_new_session=True,
        )
    hub = Hub(port=port, store=store, state=state, proc=proc)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyterhub exited with {proc.returncode}:\n{hub.log()}", pytrace=False)
        if http_status(f"{hub.url}/hub/login") == 200:
            return hub
        time.sleep(0.5)
    stop(proc)
    pytest.fail(f"jupyterhub did not answer within {START_TIMEOUT_S:.0f} s:\n{hub.log()}")


def log_in(browser: Any, hub: Hub, user: str) -> Any:
    """A fresh browser context logged in as ``user`` (JupyterHub's login form); returns
    its page, on the user's app once it is usable (the server is started if needed)."""
    from conftest import wait_for_app

    context = browser.new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}, service_workers="block"
    )
    context.set_default_timeout(SPAWN_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{hub.url}/user/{user}/**", timeout=SPAWN_TIMEOUT_MS)
    wait_for_app(page, timeout_ms=SPAWN_TIMEOUT_MS)
    return page
