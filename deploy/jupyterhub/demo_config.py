"""JupyterHub configuration of ``make hub``: a real JupyterHub on one machine, to try the
organisation setup (and the configuration the hub tests start).

    make hub HUB_PORT=8000 HUB_PASSWORD=secret HUB_STORE=hub-store

- Login: JupyterHub's own login form with its ``DummyAuthenticator``: any user name, the
  password ``HUB_PASSWORD``. For a demo only: an organisation uses its own identity
  provider (``deploy/jupyterhub/jupyterhub_config.py``).
- Each user's app is their own server (``SimpleLocalProcessSpawner``: a process of the
  user running ``make hub``; no Unix users needed): ``jupyter-standaloneproxy`` (does the
  hub's OAuth, lets only the server's owner in) in front of ``hjemmekit serve``. A leader
  gets the app and nothing else: no JupyterLab, no terminal, no way to run code.
- The workbooks are in ``HUB_STORE``, owned by the store service (``hjemmekit_service.py``
  next to this file, started by the hub); users' servers reach it with their JupyterHub
  token (``HJEMMEKIT_STORE_URL``) and never touch the folder.
- Groups for the demo: ``HUB_GROUPS`` (default ``ledelse:alice,bob;hr:carol``); a
  ``pre_spawn_hook`` hands a user's groups to their server (``HJEMMEKIT_GROUPS``).
- Everything the hub keeps (database, cookie secret, proxy pid, users' working folders)
  is under ``HUB_DIR`` (default ``.hub/<HUB_PORT>``), and every internal port is a free
  one, so two hubs (a test and a try-out) run side by side.

Environment: ``HUB_PORT`` (default 8000), ``HUB_PASSWORD`` (required), ``HUB_STORE``
(default ``hub-store``), ``HUB_DIR``, ``HUB_GROUPS``, ``HUB_IDLE_TIMEOUT`` (the app's
``--idle-timeout``, default 600), ``HUB_CHP`` (configurable-http-proxy's command; default
``.hub/node_modules/.bin/configurable-http-proxy``).
"""

# ruff: noqa: F821 - ``c`` and ``get_config`` are given by JupyterHub when it loads this file

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from hjemmekit.serve import WS_MAX_MESSAGE_BYTES

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the hub runs from the project's .venv


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse_groups(text: str) -> dict[str, dict[str, list[str]]]:
    """``"ledelse:alice,bob;hr:carol"`` -> JupyterHub's ``load_groups``."""
    groups: dict[str, dict[str, list[str]]] = {}
    for part in text.split(";"):
        name, _, users = part.partition(":")
        if name.strip():
            groups[name.strip()] = {"users": [u.strip() for u in users.split(",") if u.strip()]}
    return groups


c = get_config()  # noqa: F821

port = int(os.environ.get("HUB_PORT", "8000"))
password = os.environ.get("HUB_PASSWORD", "")
if not password:
    sys.exit("make hub: set HUB_PASSWORD (the demo login's password), e.g. HUB_PASSWORD=secret")
store = Path(os.environ.get("HUB_STORE", "hub-store")).resolve()
state = Path(os.environ.get("HUB_DIR") or REPO / ".hub" / str(port)).resolve()
idle_timeout = int(os.environ.get("HUB_IDLE_TIMEOUT", "600"))
chp = os.environ.get("HUB_CHP") or str(
    REPO / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
)
state.mkdir(parents=True, exist_ok=True)
store.mkdir(parents=True, exist_ok=True)
(state / "home").mkdir(exist_ok=True)

# --- the hub itself: its own ports, database and secrets under HUB_DIR --------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _free_port()
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = [chp]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")

# --- demo login ---------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = password
c.Authenticator.allow_all = True
c.JupyterHub.load_groups = parse_groups(os.environ.get("HUB_GROUPS", "ledelse:alice,bob;hr:carol"))

# --- each user's app ----------------------------------------------------------------------
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [
    str(BIN / "jupyter-standaloneproxy"),
    # uploads up to the app's limit (hjemmekit.serve.UPLOAD_LIMIT_MB) pass the proxy too
    f"--websocket-max-message-size={WS_MAX_MESSAGE_BYTES}",
    "--timeout=120",  # seconds for hjemmekit serve to answer (a loaded machine)
    "--",
    str(BIN / "hjemmekit"),
    "serve",
    "--port",
    "{port}",  # filled in by the proxy: the app listens on 127.0.0.1 behind it
    "--idle-timeout",
    str(idle_timeout),
]
c.Spawner.default_url = "/"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# The proxy and the app find their kernel spec (python3) and Voilà in the project's .venv.
c.Spawner.environment = {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def pre_spawn_hook(spawner) -> None:  # noqa: ANN001 - JupyterHub's Spawner
    """Hand the user's JupyterHub groups to their server (shares with a group use them)."""
    spawner.environment["HJEMMEKIT_GROUPS"] = ",".join(sorted(g.name for g in spawner.user.groups))


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- the store service: owns HUB_STORE; users' servers call it with their token ------------
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hjemmekit_service import configure_store_service  # noqa: E402

configure_store_service(c, store=str(store), port=_free_port())
