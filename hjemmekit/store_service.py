"""The store service: the one process on a JupyterHub that reads and writes the store.

On JupyterHub analysts run code of their own in JupyterLab, so the shared store folder
must not be readable by users' servers. This small JupyterHub-managed service owns the
folder; users' servers (the leaders' ``hjemmekit serve`` apps and their kernels) and
analysts' notebooks reach it only over HTTP, with their own JupyterHub API token
(``JUPYTERHUB_API_TOKEN``; :class:`hjemmekit.store_client.RemoteStore`). The service
learns who is calling (user name and groups) from the hub, never from anything the
caller claims: :class:`jupyterhub.services.auth.HubAuth` asks the hub's
``/hub/api/user`` with the caller's token. The caller's token must hold
``access:services!service=hjemmekit-store``. Every request then goes through
:class:`hjemmekit.access.GuardedStore`, the one place where the access rules are applied.

Started by the hub (``deploy/jupyterhub/hjemmekit_service.py``) as
``python -m hjemmekit.store_service`` or ``hjemmekit store-service``; it listens where
``JUPYTERHUB_SERVICE_URL`` says, under ``JUPYTERHUB_SERVICE_PREFIX``.

The API (JSON unless said; ``{id}`` a workbook id; all under the prefix)::

    GET    api/whoami                       {"user", "groups", "max_file_bytes", ...}
    GET    api/workbooks                    {"workbooks": [info, ...]}   (list)
    POST   api/workbooks                    {"title", "organisation", "language"} -> 201
    POST   api/import                       {"document": {...}} -> 201   (import_document)
    POST   api/copy                         {"workbook": {...}, "title"} -> 201
    GET    api/workbooks/{id}               {"workbook": {...}}          (open)
    PUT    api/workbooks/{id}               {"workbook": {...}}  -> saved; base = its revision
    GET    api/workbooks/{id}/recover       {"workbook": {...}}
    GET    api/workbooks/{id}/exists        {"exists": bool}
    GET    api/workbooks/{id}/access        {"access": "owner"|"edit"|"read"|null}
    GET    api/workbooks/{id}/history       {"history": [{"revision", "updated", "by"}]}
    GET    api/workbooks/{id}/revisions/{n} {"workbook": {...}}
    POST   api/workbooks/{id}/shares        {"kind", "name", "access"} -> {"workbook"}
    DELETE api/workbooks/{id}/shares        {"kind", "name"}           -> {"workbook"}
    GET    api/workbooks/{id}/data          {"files": [{"name", "size", "sha256"}]}
    GET    api/workbooks/{id}/data/{name}   the file's bytes
    PUT    api/workbooks/{id}/data/{name}   the file's bytes (at most max_file_bytes) -> 201
    DELETE api/workbooks/{id}/data/{name}   {"removed": bool}

Errors are JSON ``{"error": code, "message": text, ...}``: 400 ``bad_request``, 401
``not_authenticated``, 403 ``not_allowed`` (token without access to the service) or
``denied`` (the access rules; logged; the same for an id under which nothing is stored,
so that nobody can probe which ids exist), 404 ``not_found`` (no such call, or a data
file or revision of a workbook the caller may read), 409 ``conflict`` (a stale base
revision: ``workbook_id``, ``revision``, ``base``, ``updated``, ``by``) or ``damaged``
(``workbook_id``, ``reason``, ``newest_good``), 413 ``too_large``, 422 ``document``,
503 ``busy``, 500 ``internal``. Messages are Danish unless the request's
``Accept-Language`` prefers English.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from hjemmekit.access import (
    AccessDeniedError,
    GuardedStore,
    Identity,
    ShareNameError,
    valid_data_file_name,
)
from hjemmekit.i18n import number, t
from hjemmekit.model import DocumentError, Workbook, load_workbook
from hjemmekit.store import (
    ConflictError,
    DamagedWorkbookError,
    NotFoundError,
    StoreBusyError,
    StoreError,
    WorkbookStore,
    default_store_dir,
)

__all__ = [
    "SERVICE_NAME",
    "StoreService",
    "make_app",
    "main",
]

log = logging.getLogger("hjemmekit.store_service")

SERVICE_NAME = "hjemmekit-store"
"""The service's name on the hub (its URL is ``/services/hjemmekit-store/``)."""

DEFAULT_MAX_FILE_MB = 200
"""Largest data file the service takes (MB); ``--max-file-mb`` or
``HJEMMEKIT_STORE_MAX_FILE_MB`` change it."""

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""Largest JSON request (a workbook document): 20 MB, far above any real workbook."""


def megabytes(size: int, lang: str = "da") -> str:
    """A size in MB the way the language writes numbers (``200``, ``0,5``)."""
    mb = size / (1024 * 1024)
    return number(mb, lang, 0 if mb >= 10 else 1 if mb >= 0.1 else 2)


# --- JSON -------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Dataclasses, pydantic models, datetimes and paths as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    return value


class ApiError(Exception):
    """An error answered as JSON: ``status``, ``code``, ``message`` and extra fields."""

    def __init__(self, status: int, code: str, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


# --- The service ------------------------------------------------------------------------


class StoreService:
    """What every handler shares: the store, the hub's auth, the limits, a thread pool.

    ``hub_auth`` is a :class:`jupyterhub.services.auth.HubAuth` (or anything with its
    ``get_user(handler, sync=False)`` and ``check_scopes``); ``access_scopes`` are the
    scopes a caller's token needs (default ``access:services!service=<name>``).
    """

    def __init__(
        self,
        store: WorkbookStore,
        hub_auth: Any,
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_MB * 1024 * 1024,
        access_scopes: set[str] | None = None,
        threads: int = 8,
    ) -> None:
        self.store = store
        self.hub_auth = hub_auth
        self.max_file_bytes = max_file_bytes
        self.access_scopes = set(access_scopes or hub_auth.access_scopes or ())
        if not self.access_scopes:
            self.access_scopes = {f"access:services!service={SERVICE_NAME}"}
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="hjemmekit-store")
        self._digests: dict[str, tuple[int, int, int, str]] = {}

    def digest(self, path: Path) -> tuple[int, str]:
        """Size and SHA-256 of a file, remembered while its size, mtime and inode stay."""
        st = path.stat()
        known = self._digests.get(str(path))
        if known is not None and known[:3] == (st.st_size, st.st_mtime_ns, st.st_ino):
            return st.st_size, known[3]
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(partial(f.read, 1 << 20), b""):
                digest.update(chunk)
        self._digests[str(path)] = (st.st_size, st.st_mtime_ns, st.st_ino, digest.hexdigest())
        return st.st_size, digest.hexdigest()

    def guarded(self, identity: Any) -> Any:
        """The store as the caller may see it."""
        return GuardedStore(self.store, identity)

    async def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking store work (files, locks) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, partial(func, *args, **kwargs))


class BaseHandler(web.RequestHandler):
    """Authentication through the hub, JSON errors, the caller's store."""

    service: StoreService

    def initialize(self, service: StoreService) -> None:
        self.service = service
        self.identity: Any = None
        self.user_name: str | None = None

    # --- language ---

    @property
    def lang(self) -> str:
        header = self.request.headers.get("Accept-Language", "")
        first = header.split(",")[0].strip().lower()
        return "en" if first.startswith("en") else "da"

    def tr(self, key: str, **fields: Any) -> str:
        return t(f"service.{key}", self.lang, **fields)

    # --- authentication ---

    async def prepare(self) -> None:
        from jupyterhub.services.auth import check_scopes

        hub_auth = self.service.hub_auth
        try:
            model = await hub_auth.get_user(self, sync=False)
        except web.HTTPError as e:  # the hub cannot be reached, or answers oddly
            log.error("hub authentication failed: %s", e.log_message or e)
            raise ApiError(502, "hub_unavailable", self.tr("hub_unavailable")) from None
        if not model:
            raise ApiError(401, "not_authenticated", self.tr("not_authenticated"))
        name = model.get("name")
        if model.get("kind", "user") != "user" or not isinstance(name, str):
            log.warning("refused %s %s: not a user", model.get("kind"), name)
            raise ApiError(403, "not_allowed", self.tr("not_allowed"))
        self.user_name = name  # for the access log, refused or not
        if not check_scopes(self.service.access_scopes, set(model.get("scopes", ()))):
            wanted = " or ".join(sorted(self.service.access_scopes))
            log.warning("refused %s: the token lacks %s", name, wanted)
            raise ApiError(403, "not_allowed", self.tr("not_allowed"))
        groups = frozenset(g for g in model.get("groups") or () if isinstance(g, str))
        self.identity = Identity(user=name, groups=groups, local=False)

    def get_current_user(self) -> str | None:
        return self.user_name

    # --- answers ---

    def write_json(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(to_json(value), ensure_ascii=False))

    def body_json(self) -> dict[str, Any]:
        if len(self.request.body) > MAX_DOCUMENT_BYTES:
            raise ApiError(
                413, "too_large",
                self.tr("document_too_large", limit=megabytes(MAX_DOCUMENT_BYTES, self.lang)),
            )
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_request", self.tr("bad_json")) from None
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", self.tr("bad_json"))
        return body

    def workbook_from(self, body: dict[str, Any], key: str = "workbook") -> Workbook:
        doc = body.get(key)
        if not isinstance(doc, dict):
            raise ApiError(400, "bad_request", self.tr("missing_field", field=key))
        return load_workbook(doc)  # DocumentError -> 422

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``GuardedStore(store, caller).method(*args)`` in the pool. Denials raise
        AccessDeniedError, which GuardedStore logs (logger ``hjemmekit.access``)."""
        guarded = self.service.guarded(self.identity)
        return await self.service.run(getattr(guarded, method), *args, **kwargs)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        error = self._api_error(exc, status_code)
        body = {"error": error.code, "message": error.message, **to_json(error.fields)}
        self.set_status(error.status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.clear_header("Content-Disposition")
        self.finish(json.dumps(body, ensure_ascii=False))

    def _api_error(self, exc: BaseException | None, status_code: int) -> ApiError:
        if isinstance(exc, ApiError):
            return exc
        if isinstance(exc, AccessDeniedError):
            return ApiError(403, "denied", exc.message(self.lang), workbook_id=exc.workbook_id,
                            user=exc.user, needed=exc.needed)
        if isinstance(exc, ConflictError):
            return ApiError(
                409, "conflict", str(exc), workbook_id=exc.workbook_id,
                revision=exc.revision, base=exc.base, updated=exc.updated, by=exc.by,
            )
        if isinstance(exc, DamagedWorkbookError):
            return ApiError(
                409, "damaged", str(exc).replace(str(self.service.store.directory), "…"),
                workbook_id=exc.workbook_id, reason=exc.reason, newest_good=exc.newest_good,
            )
        if isinstance(exc, NotFoundError):
            return ApiError(404, "not_found", self._no_path(str(exc)))
        if isinstance(exc, StoreBusyError):
            return ApiError(503, "busy", str(exc))
        if isinstance(exc, DocumentError):
            return ApiError(422, "document", self._no_path(str(exc)))
        if isinstance(exc, ShareNameError):
            return ApiError(400, "bad_request", exc.message(self.lang),
                            share_kind=exc.kind, share_name=exc.name)
        if isinstance(exc, ValueError):
            return ApiError(400, "bad_request", str(exc))
        if isinstance(exc, web.HTTPError):
            code = {404: "not_found", 405: "bad_request"}.get(exc.status_code, "bad_request")
            message = exc.log_message or self._reason or "error"
            if exc.status_code == 404:
                message = self.tr("no_such_call")
            return ApiError(exc.status_code, code, message)
        if exc is not None:
            log.exception("internal error in %s %s", self.request.method, self.request.path,
                          exc_info=exc)
        return ApiError(500, "internal", self.tr("internal"))

    def _no_path(self, text: str) -> str:
        """A message without the store folder's place on the server."""
        return text.replace(str(self.service.store.directory), "…")

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ApiError | web.HTTPError | StoreError | DocumentError | ValueError):
            return  # answered as JSON (denials are logged by GuardedStore)
        super().log_exception(typ, value, tb)


def _workbook(wb: Workbook) -> dict[str, Any]:
    return {"workbook": wb.model_dump(mode="json")}


class WhoAmIHandler(BaseHandler):
    async def get(self) -> None:
        self.write_json({
            "user": self.identity.user,
            "groups": list(self.identity.groups),
            "max_file_bytes": self.service.max_file_bytes,
            "max_document_bytes": MAX_DOCUMENT_BYTES,
            "service": SERVICE_NAME,
        })


class WorkbooksHandler(BaseHandler):
    async def get(self) -> None:
        infos = await self.call("list")
        self.write_json({"workbooks": infos})

    async def post(self) -> None:
        body = self.body_json()
        kwargs = {k: str(body[k]) for k in ("title", "organisation", "language") if k in body}
        wb = await self.call("create", **kwargs)
        self.write_json(_workbook(wb), 201)


class ImportHandler(BaseHandler):
    async def post(self) -> None:
        body = self.body_json()
        doc = body.get("document")
        if not isinstance(doc, dict | str):
            raise ApiError(400, "bad_request", self.tr("missing_field", field="document"))
        wb = await self.call("import_document", doc)
        self.write_json(_workbook(wb), 201)


class CopyHandler(BaseHandler):
    async def post(self) -> None:
        body = self.body_json()
        source = self.workbook_from(body)
        title = body.get("title")
        wb = await self.call("copy", source,
                             title=None if title is None else str(title))
        self.write_json(_workbook(wb), 201)


class WorkbookHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        self.write_json(_workbook(await self.call("open", workbook_id)))

    async def put(self, workbook_id: str) -> None:
        wb = self.workbook_from(self.body_json())
        if wb.id != workbook_id:
            raise ApiError(400, "bad_request", self.tr("id_mismatch", id=workbook_id))
        saved = await self.call("save", wb)
        self.write_json(_workbook(saved))


class RecoverHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        self.write_json(_workbook(await self.call("recover", workbook_id)))


class ExistsHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        self.write_json({"exists": bool(await self.call("exists",
                                                          workbook_id))})


class AccessHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        self.write_json({"access": await self.call("access",
                                                   workbook_id)})


class HistoryHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        entries = await self.call("history", workbook_id)
        self.write_json({"history": entries})


class RevisionHandler(BaseHandler):
    async def get(self, workbook_id: str, revision: str) -> None:
        wb = await self.call("open_revision", workbook_id,
                             int(revision))
        self.write_json(_workbook(wb))


class SharesHandler(BaseHandler):
    def _share(self, with_access: bool) -> dict[str, str]:
        body = self.body_json()
        out = {}
        for key in ("kind", "name", "access") if with_access else ("kind", "name"):
            value = body.get(key)
            if key == "access" and value is None:
                continue
            if not isinstance(value, str):
                raise ApiError(400, "bad_request", self.tr("missing_field", field=key))
            out[key] = value
        return out

    async def post(self, workbook_id: str) -> None:
        wb = await self.call("share", workbook_id, **self._share(True))
        self.write_json(_workbook(wb) if isinstance(wb, Workbook) else {"result": wb})

    async def delete(self, workbook_id: str) -> None:
        wb = await self.call("unshare", workbook_id,
                             **self._share(False))
        self.write_json(_workbook(wb) if isinstance(wb, Workbook) else {"result": wb})


def _file_list(service: StoreService, folder: Path) -> list[dict[str, Any]]:
    """The data files in a folder: name, size and SHA-256 (temporary files left out)."""
    files = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and valid_data_file_name(path.name):
                size, digest = service.digest(path)
                files.append({"name": path.name, "size": size, "sha256": digest})
    return files


class DataListHandler(BaseHandler):
    async def get(self, workbook_id: str) -> None:
        folder = await self.call("data_dir", workbook_id)
        self.write_json({"files": await self.service.run(_file_list, self.service,
                                                          Path(folder))})


@web.stream_request_body
class DataFileHandler(BaseHandler):
    """One data file: read, upload (streamed, with the size limit), remove."""

    async def prepare(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._too_large = False
        await super().prepare()
        if self.request.method == "PUT":
            limit = self.service.max_file_bytes
            length = self.request.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > limit:
                raise ApiError(413, "too_large", self._too_large_message())
            # our own check in data_received gives the JSON message; tornado's own
            # limit (which only closes the connection) stays above it
            self.request.connection.set_max_body_size(limit + (1 << 20))

    def _too_large_message(self) -> str:
        filename = self.path_kwargs.get("filename", "")
        return self.tr("file_too_large", name=filename,
                       limit=megabytes(self.service.max_file_bytes, self.lang))

    def data_received(self, chunk: bytes) -> None:
        if self.request.method != "PUT" or self._too_large:
            return
        self._size += len(chunk)
        if self._size > self.service.max_file_bytes:
            self._too_large = True
            self._chunks = []
        else:
            self._chunks.append(chunk)

    def _check_name(self, filename: str) -> None:
        if not valid_data_file_name(filename):
            raise ApiError(400, "bad_request", self.tr("bad_filename", name=filename))

    async def get(self, workbook_id: str, filename: str) -> None:
        self._check_name(filename)
        folder = await self.call("data_dir", workbook_id)
        path = Path(folder) / filename
        if not path.is_file():
            raise ApiError(404, "not_found", self.tr("no_such_file", name=filename))
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Cache-Control", "no-store")
        with open(path, "rb") as f:
            while chunk := await self.service.run(f.read, 1 << 20):
                self.write(chunk)
                await self.flush()
        self.finish()

    async def put(self, workbook_id: str, filename: str) -> None:
        self._check_name(filename)
        if self._too_large:
            raise ApiError(413, "too_large", self._too_large_message())
        data = b"".join(self._chunks)
        self._chunks = []
        await self.call("put_data_file", workbook_id,
                        filename, data)
        self.write_json({"name": filename, "size": len(data),
                         "sha256": hashlib.sha256(data).hexdigest()}, 201)

    async def delete(self, workbook_id: str, filename: str) -> None:
        self._check_name(filename)
        removed = await self.call("remove_data_file",
                                  workbook_id, filename)
        self.write_json({"removed": bool(removed) if removed is not None else True})


class RootHandler(web.RequestHandler):
    """The prefix itself, without authentication: which service this is (the hub's
    health check asks here)."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"service": SERVICE_NAME, "api": "api/"}))


class NotFoundHandler(BaseHandler):
    async def prepare(self) -> None:
        raise ApiError(404, "not_found", self.tr("no_such_call"))


def make_app(service: StoreService, prefix: str = f"/services/{SERVICE_NAME}/") -> web.Application:
    """The tornado application of the service, its routes under ``prefix``."""
    p = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    p = re.escape(p)
    wid = r"(?P<workbook_id>[A-Za-z0-9_-]{1,64})"
    args = {"service": service}
    routes = [
        (rf"{p}?", RootHandler),
        (rf"{p}api/whoami", WhoAmIHandler, args),
        (rf"{p}api/workbooks", WorkbooksHandler, args),
        (rf"{p}api/import", ImportHandler, args),
        (rf"{p}api/copy", CopyHandler, args),
        (rf"{p}api/workbooks/{wid}", WorkbookHandler, args),
        (rf"{p}api/workbooks/{wid}/recover", RecoverHandler, args),
        (rf"{p}api/workbooks/{wid}/exists", ExistsHandler, args),
        (rf"{p}api/workbooks/{wid}/access", AccessHandler, args),
        (rf"{p}api/workbooks/{wid}/history", HistoryHandler, args),
        (rf"{p}api/workbooks/{wid}/revisions/(?P<revision>[0-9]{{1,12}})", RevisionHandler,
         args),
        (rf"{p}api/workbooks/{wid}/shares", SharesHandler, args),
        (rf"{p}api/workbooks/{wid}/data", DataListHandler, args),
        (rf"{p}api/workbooks/{wid}/data/(?P<filename>[^/]+)", DataFileHandler, args),
    ]
    return web.Application(
        routes,
        default_handler_class=NotFoundHandler,
        default_handler_args=args,
        log_function=_log_request,
    )


def _log_request(handler: web.RequestHandler) -> None:
    """Tornado's access log line, with the calling user."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    user = getattr(handler, "user_name", None) or "-"
    ms = 1000.0 * handler.request.request_time()
    logging.getLogger("tornado.access").log(
        level, "%d %s %s (%s) %.1fms", status, handler.request.method, handler.request.path,
        user, ms,
    )


# --- Running ----------------------------------------------------------------------------


def _listen_address(url: str | None, port: int | None) -> tuple[str, int]:
    if port is not None:
        return "127.0.0.1", port
    if url:
        parsed = urlparse(url)
        return parsed.hostname or "127.0.0.1", parsed.port or 80
    return "127.0.0.1", 10101


def serve(args: argparse.Namespace) -> int:
    """Run the service until SIGTERM/SIGINT (as the hub starts it); ``args`` are those of
    ``hjemmekit store-service`` (``store``, ``port``, ``max_file_mb``)."""
    from jupyterhub.services.auth import HubAuth

    logging.basicConfig(level=logging.INFO,
                        format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")
    mb = args.max_file_mb
    if mb is None:
        mb = float(os.environ.get("HJEMMEKIT_STORE_MAX_FILE_MB") or DEFAULT_MAX_FILE_MB)
    store_dir = Path(args.store) if args.store else default_store_dir()
    os.umask(0o077)  # what the service writes is for the service only
    store = WorkbookStore(store_dir)
    mode = store_dir.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning(
            "the store folder %s can be read by other users (mode %o): make it 0700, owned "
            "by the service's user, so that only the service reads it", store_dir, mode,
        )
    hub_auth = HubAuth(cache_max_age=60)
    service = StoreService(store, hub_auth, max_file_bytes=round(mb * 1024 * 1024))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or f"/services/{SERVICE_NAME}/"
    host, port = _listen_address(os.environ.get("JUPYTERHUB_SERVICE_URL"), args.port)
    app = make_app(service, prefix)
    server = HTTPServer(app, max_body_size=service.max_file_bytes + (1 << 20),
                        xheaders=True)
    server.listen(port, host)
    log.info("hjemmekit store service: %s on http://%s:%d%s (hub API %s, scopes %s)",
             store_dir.resolve(), host, port, prefix, hub_auth.api_url,
             " ".join(sorted(service.access_scopes)))
    loop = IOLoop.current()

    def stop(*_: Any) -> None:
        loop.add_callback_from_signal(loop.stop)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    loop.start()
    server.stop()
    service.pool.shutdown(wait=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hjemmekit.store_service [options]``: ``hjemmekit store-service``."""
    from hjemmekit.cli import main as cli_main

    return cli_main(["store-service", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
