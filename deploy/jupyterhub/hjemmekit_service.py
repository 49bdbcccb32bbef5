"""JupyterHub configuration for hjemmekit's store service (a config fragment).

On JupyterHub analysts run code of their own in JupyterLab, so the shared store folder
must not be readable by users' servers. The store service (``python -m
hjemmekit.store_service``), started and stopped by the hub, owns the folder; users'
servers reach it over HTTP with their own JupyterHub API token, and the service asks the
hub who is calling. This fragment sets up the four things that takes:

1. ``c.JupyterHub.services``: the managed service (its command, URL, store folder and,
   when the hub runs as root, the Unix user that owns the store folder);
2. ``c.JupyterHub.load_roles``: the ``user`` role gets
   ``access:services!service=hjemmekit-store``, so every user may call the service;
3. ``c.Spawner.server_token_scopes``: the servers' ``JUPYTERHUB_API_TOKEN`` carries that
   scope too (besides the default ``users:activity!user`` and ``access:servers!server``);
   it is the token the app and the notebooks' kernels present to the service;
4. ``c.Spawner.environment``: ``HJEMMEKIT_STORE_URL`` tells every server where the
   service is (``hjemmekit.access.open_store()`` then returns a ``RemoteStore``).

The service itself needs no scope of its own: it identifies a caller by asking the hub's
``/hub/api/user`` *with the caller's token*, which any token may do and which answers
with the user's name and groups (JupyterHub adds ``read:users:name!user`` and
``read:users:groups!user`` to that one request).

Use it from ``jupyterhub_config.py`` (this file next to it)::

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    from hjemmekit_service import configure_store_service

    configure_store_service(c, store="/srv/hjemmekit/store", port=10101,
                            user="hjemmekit")  # the store folder's owner (hub as root)

or, without touching ``sys.path``::

    exec(open("/path/to/hjemmekit_service.py").read())
    configure_store_service(c, store="/srv/hjemmekit/store")

Call it after your own ``c.JupyterHub.services``, ``load_roles`` and
``Spawner.environment``: it adds to them rather than replacing them.
"""

from __future__ import annotations

import sys
from typing import Any

SERVICE_NAME = "hjemmekit-store"
ACCESS_SCOPE = f"access:services!service={SERVICE_NAME}"
SERVER_TOKEN_SCOPES = ["users:activity!user", "access:servers!server", ACCESS_SCOPE]
"""What a single-user server's token needs: JupyterHub's defaults plus the service."""
DEFAULT_PORT = 10101


def store_service_config(
    store: str,
    *,
    port: int = DEFAULT_PORT,
    python: str | None = None,
    user: str = "",
    max_file_mb: float | None = None,
    client_url: str | None = None,
    environment: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The pieces of configuration, as plain values (for a test or another tool).

    ``store`` is the store folder (owned by ``user``, mode 0700); ``port`` where the
    service listens on 127.0.0.1; ``python`` the interpreter with hjemmekit installed
    (default: the hub's own); ``user`` the Unix user to run the service as (only when
    the hub runs as root, as on The Littlest JupyterHub; empty: the hub's user);
    ``client_url`` the URL servers use to reach it (default: the service directly,
    ``http://127.0.0.1:PORT/services/hjemmekit-store/``; on Kubernetes, e.g.
    ``http://hub:PORT/services/hjemmekit-store/``).
    """
    env = {"HJEMMEKIT_STORE": str(store)}
    if max_file_mb is not None:
        env["HJEMMEKIT_STORE_MAX_FILE_MB"] = str(max_file_mb)
    env.update(environment or {})
    service: dict[str, Any] = {
        "name": SERVICE_NAME,
        "url": f"http://127.0.0.1:{port}",
        "command": [python or sys.executable, "-m", "hjemmekit.store_service"],
        "environment": env,
        "display": False,  # an API, nothing to show on the hub's home page
    }
    if user:
        service["user"] = user
    url = client_url or f"http://127.0.0.1:{port}/services/{SERVICE_NAME}/"
    return {
        "service": service,
        "user_role_scopes": ["self", ACCESS_SCOPE],
        "server_token_scopes": list(SERVER_TOKEN_SCOPES),
        "spawner_environment": {"HJEMMEKIT_STORE_URL": url},
    }


def _assigned(section: Any, name: str) -> bool:
    try:
        return name in section
    except TypeError:
        return False


def configure_store_service(c: Any, store: str, **options: Any) -> dict[str, Any]:
    """Add the store service to a JupyterHub config object ``c`` (see the module's
    docstring); options as :func:`store_service_config`. Returns those pieces."""
    parts = store_service_config(store, **options)

    services = list(c.JupyterHub.services) if _assigned(c.JupyterHub, "services") else []
    services = [s for s in services if s.get("name") != SERVICE_NAME]
    c.JupyterHub.services = [*services, parts["service"]]

    roles = list(c.JupyterHub.load_roles) if _assigned(c.JupyterHub, "load_roles") else []
    user_role = next((r for r in roles if r.get("name") == "user"), None)
    if user_role is None:
        roles.append({"name": "user", "scopes": parts["user_role_scopes"]})
    else:
        scopes = list(user_role.get("scopes") or ["self"])
        user_role["scopes"] = scopes + [s for s in parts["user_role_scopes"] if s not in scopes]
    c.JupyterHub.load_roles = roles

    ours = parts["server_token_scopes"]
    have = c.Spawner.server_token_scopes if _assigned(c.Spawner, "server_token_scopes") else []
    if callable(have):  # a function of the spawner: add ours to what it gives
        def token_scopes(spawner: Any, _theirs: Any = have) -> list[str]:
            scopes = list(_theirs(spawner))
            return scopes + [s for s in ours if s not in scopes]

        c.Spawner.server_token_scopes = token_scopes
    else:
        have = list(have)
        c.Spawner.server_token_scopes = have + [s for s in ours if s not in have]

    env = dict(c.Spawner.environment) if _assigned(c.Spawner, "environment") else {}
    env.update(parts["spawner_environment"])
    c.Spawner.environment = env
    return parts
