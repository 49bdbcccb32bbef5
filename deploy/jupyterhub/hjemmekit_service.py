"""JupyterHub configuration for hjemmekit's store service (a config fragment).

On JupyterHub analysts run code of their own in JupyterLab, so the shared store folder
must not be readable by users' servers. The store service (``python -m
hjemmekit.store_service``), started and stopped by the hub, owns the folder; users'
servers reach it over HTTP with their own JupyterHub API token, and the service asks the
hub who is calling. This fragment sets up the four things that takes:

1. ``c.JupyterHub.services``: the managed service (its command, URL, store folder and,
   when the hub runs as root, the Unix user that owns the store folder);
2. ``c.JupyterHub.extra_user_scopes`` (JupyterHub 6; before, the ``user`` role in
   ``load_roles``): every user gets ``access:services!service=hjemmekit-store``, so every
   user may call the service;
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

or as a config file JupyterHub loads itself (``load_subconfig`` or ``jupyterhub -f``),
set up by environment variables: ``HJEMMEKIT_SERVICE_STORE`` (the store folder; without it
the file does nothing), ``HJEMMEKIT_SERVICE_PORT`` (default 10101),
``HJEMMEKIT_SERVICE_USER``, ``HJEMMEKIT_SERVICE_MAX_FILE_MB`` and
``HJEMMEKIT_SERVICE_CLIENT_URL``::

    os.environ["HJEMMEKIT_SERVICE_STORE"] = "/srv/hjemmekit/store"
    load_subconfig("/path/to/hjemmekit_service.py")

Call it after your own ``c.JupyterHub.services``, ``load_roles`` and
``Spawner.environment``: it adds to them rather than replacing them. With
``HJEMMEKIT_STORE_URL`` set, the app and the notebook helpers use the service whatever
``HJEMMEKIT_STORE`` (``hjemmekit serve --store``) says; only a folder passed to
``open_store()`` by hand wins. The servers' Unix users should not be able to read the
folder at all (it belongs to ``user``, mode 0700).
"""

from __future__ import annotations

import os
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


def _new_enough_for_extra_user_scopes() -> bool:
    try:
        from jupyterhub import version_info
    except ImportError:  # pragma: no cover - configuring without jupyterhub installed
        return True
    return tuple(version_info[:1]) >= (6,)


def configure_store_service(c: Any, store: str, **options: Any) -> dict[str, Any]:
    """Add the store service to a JupyterHub config object ``c`` (see the module's
    docstring); options as :func:`store_service_config`. Returns those pieces.

    A setting already assigned in ``c`` is added to; one that is not is added to
    lazily (traitlets' ``append``/``update``), so the fragment also adds to the main
    file's settings when loaded with ``load_subconfig`` (which merges a config of its
    own into the main one).
    """
    parts = store_service_config(store, **options)
    hub, spawner = c.JupyterHub, c.Spawner

    if _assigned(hub, "services"):
        hub.services = [s for s in hub.services if s.get("name") != SERVICE_NAME]
    hub.services.append(parts["service"])

    if _new_enough_for_extra_user_scopes():  # JupyterHub 6: added to the `user` role
        if _assigned(hub, "extra_user_scopes"):
            hub.extra_user_scopes = {*hub.extra_user_scopes, ACCESS_SCOPE}
        else:
            hub.extra_user_scopes.add(ACCESS_SCOPE)
    elif _assigned(hub, "load_roles") and any(
        r.get("name") == "user" for r in hub.load_roles
    ):
        role = next(r for r in hub.load_roles if r.get("name") == "user")
        role["scopes"] = [*(role.get("scopes") or ["self"]), ACCESS_SCOPE]
    else:
        hub.load_roles.append({"name": "user", "scopes": parts["user_role_scopes"]})

    ours = parts["server_token_scopes"]
    have = spawner.server_token_scopes if _assigned(spawner, "server_token_scopes") else None
    if callable(have):  # a function of the spawner: add ours to what it gives
        def token_scopes(spawner: Any, _theirs: Any = have) -> list[str]:
            scopes = list(_theirs(spawner))
            return scopes + [s for s in ours if s not in scopes]

        spawner.server_token_scopes = token_scopes
    elif have is not None:
        spawner.server_token_scopes = [*have, *(s for s in ours if s not in have)]
    else:  # JupyterHub's default is the `server` role's scopes: those and ours
        spawner.server_token_scopes.extend(ours)

    spawner.environment.update(parts["spawner_environment"])
    return parts


def configure_from_environment(c: Any) -> dict[str, Any] | None:
    """:func:`configure_store_service` from ``HJEMMEKIT_SERVICE_*`` (None: no store set)."""
    store = os.environ.get("HJEMMEKIT_SERVICE_STORE", "").strip()
    if not store:
        return None
    mb = os.environ.get("HJEMMEKIT_SERVICE_MAX_FILE_MB", "").strip()
    return configure_store_service(
        c,
        store,
        port=int(os.environ.get("HJEMMEKIT_SERVICE_PORT") or DEFAULT_PORT),
        user=os.environ.get("HJEMMEKIT_SERVICE_USER", "").strip(),
        max_file_mb=float(mb) if mb else None,
        client_url=os.environ.get("HJEMMEKIT_SERVICE_CLIENT_URL", "").strip() or None,
    )


if "get_config" in globals():  # loaded by JupyterHub as a config file (load_subconfig)
    configure_from_environment(get_config())  # noqa: F821 - given by the config loader
