"""JupyterHub configuration for hjemmekit on one server (as The Littlest JupyterHub runs).

An example for an organisation's IT to adapt; every value to set is marked ``SET:``.
The demo of the same setup on one machine, without an identity provider, is ``make hub``
(``demo_config.py``). What it sets up:

- **Login** with the organisation's Entra ID (Azure AD) through oauthenticator; Entra
  ID's groups become JupyterHub groups (``manage_groups``), which is what workbooks are
  shared with. Another OIDC provider: ``GenericOAuthenticator`` (commented below).
- **Each user's server** runs as a systemd unit of its own with a dynamic Unix user
  (jupyterhub-systemdspawner, as TLJH does), with memory and CPU limits. A leader's server
  is the hjemmekit app only: ``jupyter-standaloneproxy`` (the hub's OAuth: only the owner
  gets in) in front of ``hjemmekit serve`` (Voilà; the browser may send widget messages
  only, never code). Members of the ``ANALYST_GROUP`` get JupyterLab instead, and open the
  workbooks shared with them through ``hjemmekit.notebook`` under the same rules.
- **The store**: one folder, owned by the Unix user ``hjemmekit`` (mode 0700), that only
  the store service (``hjemmekit_service.py``, started by the hub) reads and writes.
  Users' servers reach it with their JupyterHub token; they cannot read the folder.
- **Idle servers** are stopped by jupyterhub-idle-culler after an hour; inside a server,
  ``hjemmekit serve --idle-timeout`` stops the kernel of a page gone for 10 minutes.

Install (as root, into the hub's environment, e.g. /opt/hjemmekit/venv)::

    python3 -m venv /opt/hjemmekit/venv
    /opt/hjemmekit/venv/bin/pip install -c constraints.txt ".[hub]" \\
        oauthenticator jupyterhub-systemdspawner jupyterhub-idle-culler
    npm install -g configurable-http-proxy     # or: apt-get install node-configurable-http-proxy
    useradd --system --home /srv/hjemmekit hjemmekit
    install -d -o hjemmekit -m 0700 /srv/hjemmekit/store
    jupyterhub -f /opt/hjemmekit/deploy/jupyterhub/jupyterhub_config.py   # as a systemd service

Backups: back up ``STORE`` (one JSON file per workbook, ``.history/`` with every revision,
``data/`` with the uploaded data files) and the hub's database (``jupyterhub.sqlite``).
A file copy of the store while it runs is consistent per file (every save is an atomic
rename).
"""

# ruff: noqa: F821 - ``c`` and ``get_config`` are given by JupyterHub when it loads this file

from __future__ import annotations

import os
import sys
from pathlib import Path

from hjemmekit.serve import WS_MAX_MESSAGE_BYTES

c = get_config()  # noqa: F821

VENV = Path(sys.executable).parent  # SET: the environment with hjemmekit[hub] installed
STORE = "/srv/hjemmekit/store"  # SET: the store folder (owned by STORE_USER, mode 0700)
STORE_USER = "hjemmekit"  # the Unix user that owns STORE and runs the store service
ANALYST_GROUP = "hjemmekit-analytikere"  # SET: who gets JupyterLab instead of the app
ADMIN_GROUP = "hjemmekit-admin"  # SET: who administers the hub

# --- the hub ------------------------------------------------------------------------------
c.JupyterHub.bind_url = "http://127.0.0.1:8000/"  # SET: behind the organisation's HTTPS proxy
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy"]

# --- login: Entra ID (Azure AD) -----------------------------------------------------------
c.JupyterHub.authenticator_class = "azuread"
c.AzureAdOAuthenticator.tenant_id = os.environ.get("AAD_TENANT_ID", "")  # SET
c.AzureAdOAuthenticator.client_id = os.environ.get("AAD_CLIENT_ID", "")  # SET
c.AzureAdOAuthenticator.client_secret = os.environ.get("AAD_CLIENT_SECRET", "")  # SET
c.AzureAdOAuthenticator.oauth_callback_url = "https://hjemmekit.example.dk/hub/oauth_callback"
c.AzureAdOAuthenticator.username_claim = "preferred_username"
c.AzureAdOAuthenticator.scope = ["openid", "profile", "email"]
# Entra ID's group claim (app registration: "groups" claim) becomes JupyterHub's groups.
c.AzureAdOAuthenticator.manage_groups = True
c.AzureAdOAuthenticator.auth_state_groups_key = "user.groups"
c.AzureAdOAuthenticator.allowed_groups = {"hjemmekit-ledere", ANALYST_GROUP}  # SET
c.AzureAdOAuthenticator.admin_groups = {ADMIN_GROUP}
# Another OIDC provider instead (e.g. the organisation's Keycloak or ADFS):
# c.JupyterHub.authenticator_class = "generic-oauth"
# c.GenericOAuthenticator.authorize_url = "https://login.example.dk/oauth2/authorize"
# c.GenericOAuthenticator.token_url = "https://login.example.dk/oauth2/token"
# c.GenericOAuthenticator.userdata_url = "https://login.example.dk/oauth2/userinfo"
# c.GenericOAuthenticator.username_claim = "preferred_username"
# c.GenericOAuthenticator.manage_groups = True
# c.GenericOAuthenticator.auth_state_groups_key = "oauth_user.groups"

# --- each user's server -------------------------------------------------------------------
c.JupyterHub.spawner_class = "systemd"
c.SystemdSpawner.dynamic_users = True  # no Unix accounts to manage (as TLJH)
c.SystemdSpawner.mem_limit = "1G"  # a leader's app: ~150 MB per open page
c.SystemdSpawner.cpu_limit = 1.0
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

APP_CMD = [
    str(VENV / "jupyter-standaloneproxy"),
    # uploads up to the app's limit (hjemmekit.serve.UPLOAD_LIMIT_MB) pass the proxy too
    f"--websocket-max-message-size={WS_MAX_MESSAGE_BYTES}",
    "--timeout=60",
    "--",
    str(VENV / "hjemmekit"),
    "serve",
    "--port",
    "{port}",
    "--idle-timeout",
    "600",
]
LAB_CMD = [str(VENV / "jupyterhub-singleuser")]


def pre_spawn_hook(spawner) -> None:  # noqa: ANN001 - JupyterHub's Spawner
    """Leaders get the app, analysts JupyterLab; both learn their groups."""
    groups = sorted(g.name for g in spawner.user.groups)
    spawner.environment["HJEMMEKIT_GROUPS"] = ",".join(groups)
    spawner.cmd = LAB_CMD if ANALYST_GROUP in groups else APP_CMD
    spawner.default_url = "/lab" if ANALYST_GROUP in groups else "/"


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- the store service (owns STORE; users' servers call it with their token) --------------
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hjemmekit_service import configure_store_service  # noqa: E402

configure_store_service(c, store=STORE, user=STORE_USER, python=str(VENV / "python"))

# --- stop idle servers --------------------------------------------------------------------
c.JupyterHub.services.append(
    {
        "name": "idle-culler",
        "command": [str(VENV / "python"), "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }
)
c.JupyterHub.load_roles.append(
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
)
