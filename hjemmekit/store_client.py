"""RemoteStore: the workbook store reached over HTTP, through the hub's store service.

On JupyterHub the store folder belongs to the store service
(:mod:`hjemmekit.store_service`); users' servers and analysts' notebooks use this
client with their own JupyterHub API token. It has the interface of
:class:`hjemmekit.access.GuardedStore` (and so, for reading and saving, of
:class:`hjemmekit.store.WorkbookStore`): the same return types and the same errors
(``ConflictError`` with the same fields, ``NotFoundError``, ``DamagedWorkbookError``,
``AccessDeniedError``), so the app and the notebooks do not know which one they hold.

``hjemmekit.access.open_store()`` returns one when ``HJEMMEKIT_STORE_URL`` is set.
A workbook's data files are fetched into a private temporary folder (mode 0700, removed
at exit) that ``data_dir(id)`` returns, for :func:`hjemmekit.io.read_data_dir`; only
files that changed are fetched again. Uploads go through ``put_data_file``.

When the service cannot be reached, or the hub does not accept the token, calls raise
:class:`StoreUnavailableError` with a message in the user's language and no traceback.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hjemmekit.i18n import t
from hjemmekit.model import DocumentError, Language, Workbook, load_workbook
from hjemmekit.store import (
    ConflictError,
    DamagedWorkbookError,
    HistoryEntry,
    NotFoundError,
    StoreBusyError,
    StoreError,
    WorkbookInfo,
    _parse_time,
    valid_id,
)

__all__ = [
    "DataFileTooLargeError",
    "RemoteStore",
    "StoreUnavailableError",
]


class StoreUnavailableError(StoreError, ConnectionError):
    """The store service cannot be reached, or does not accept this server's token.

    A ``ConnectionError`` (so an ``OSError``) too: code that handles a store folder's
    I/O errors (the session's autosave) shows this message the same way.

    ``key`` names the message (``service.<key>`` in the catalogs); ``text(lang)`` gives
    it in another language. ``detail`` is the technical cause, for the log only.
    """

    def __init__(self, key: str, lang: str = "da", detail: str = "", **fields: Any) -> None:
        self.key = key
        self.fields = fields
        self.detail = detail
        super().__init__(self.text(lang))

    def text(self, lang: str = "da") -> str:
        return t(f"service.{self.key}", lang, **self.fields)


class DataFileTooLargeError(StoreError, ValueError):
    """A data file bigger than the store service takes (``limit`` bytes)."""

    def __init__(self, message: str, name: str = "", size: int | None = None,
                 limit: int | None = None) -> None:
        self.name = name
        self.size = size
        self.limit = limit
        super().__init__(message)


def _info(doc: dict[str, Any]) -> WorkbookInfo:
    """A WorkbookInfo from its JSON form (fields this hjemmekit does not know are left)."""
    known = {f.name for f in dataclasses.fields(WorkbookInfo)}
    fields = {k: v for k, v in doc.items() if k in known}
    fields["updated"] = _parse_time(fields.get("updated"))
    if "shares" in fields:
        try:
            from hjemmekit.model import Share  # type: ignore[attr-defined]
        except ImportError:  # pragma: no cover - a model without shares
            fields.pop("shares")
        else:
            fields["shares"] = tuple(Share.model_validate(s) for s in fields["shares"] or ())
    return WorkbookInfo(**fields)


class RemoteStore:
    """The store as this user may see it, through the hub's store service.

    ``url`` is the service's URL with its prefix (``HJEMMEKIT_STORE_URL``, e.g.
    ``http://127.0.0.1:10101/services/hjemmekit-store/``), ``token`` this server's
    JupyterHub API token (default ``JUPYTERHUB_API_TOKEN``). ``identity`` is who the
    service says we are (asked on first use when not given). ``lang`` is the language
    of the errors this client makes itself.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        identity: Any = None,
        *,
        lang: str = "da",
        timeout: float = 60.0,
    ) -> None:
        url = url or os.environ.get("HJEMMEKIT_STORE_URL", "")
        if not url:
            raise StoreUnavailableError("no_url", lang)
        self.url = url.rstrip("/") + "/"
        self.token = token if token is not None else os.environ.get("JUPYTERHUB_API_TOKEN", "")
        self.lang = lang
        self.timeout = timeout
        self._identity = identity
        self._whoami: dict[str, Any] | None = None
        # the service is inside the hub: never through an HTTP proxy from the environment
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._cache: Path | None = None
        self._digests: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # --- HTTP ---

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        json_answer: bool = True,
    ) -> Any:
        headers = {
            "Authorization": f"token {self.token}",
            "Accept": "application/json",
            "Accept-Language": self.lang,
        }
        data = None
        if raw is not None:
            data = raw
            headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers=headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as e:
            with e:
                payload = e.read()
            raise self._error(e.code, payload) from None
        except (urllib.error.URLError, OSError) as e:  # TimeoutError included
            reason = getattr(e, "reason", e)
            raise StoreUnavailableError("unreachable", self.lang, detail=str(reason),
                                        url=self.url) from None
        if not json_answer:
            return payload
        try:
            return json.loads(payload)
        except ValueError:
            raise StoreUnavailableError("bad_answer", self.lang, url=self.url) from None

    def _error(self, status: int, payload: bytes) -> Exception:
        """The store error an HTTP error answer stands for."""
        try:
            body = json.loads(payload)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "error" not in body:  # not the service answering
            return StoreUnavailableError("unreachable", self.lang, detail=f"HTTP {status}",
                                         url=self.url)
        code = body.get("error")
        message = str(body.get("message") or code)
        if code == "conflict":
            return ConflictError(
                str(body.get("workbook_id")), int(body.get("revision") or 0), body.get("base"),
                _parse_time(body.get("updated")), body.get("by"),
            )
        if code == "damaged":
            workbook_id = str(body.get("workbook_id"))
            return DamagedWorkbookError(workbook_id, Path(f"{workbook_id}.json"),
                                        str(body.get("reason") or ""), body.get("newest_good"))
        if code == "denied":
            from hjemmekit.access import AccessDeniedError

            return AccessDeniedError(str(body.get("workbook_id")), str(body.get("user")),
                                     body.get("needed") or "read")
        if code == "not_found":
            return NotFoundError(message)
        if code == "busy":
            return StoreBusyError(message)
        if code == "document":
            return DocumentError(message)
        if code == "too_large":
            return DataFileTooLargeError(message)
        if code == "bad_request":
            if isinstance(body.get("share_name"), str):
                from hjemmekit.access import ShareNameError

                return ShareNameError(str(body.get("share_kind")), body["share_name"])
            return ValueError(message)
        if code in ("not_authenticated", "not_allowed", "hub_unavailable"):
            return StoreUnavailableError(code, self.lang, detail=message)
        return StoreError(message)

    def _id(self, workbook_id: str) -> str:
        if not valid_id(workbook_id):
            raise ValueError(
                f"{workbook_id!r} is not a workbook id (1-64 letters, digits, '_' or '-')"
            )
        return workbook_id

    def _workbook(self, answer: dict[str, Any]) -> Workbook:
        return load_workbook(answer["workbook"])

    # --- who ---

    def whoami(self) -> dict[str, Any]:
        """``{"user", "groups", "max_file_bytes", ...}`` as the service sees this token."""
        if self._whoami is None:
            self._whoami = self._request("GET", "api/whoami")
        return self._whoami

    @property
    def identity(self) -> Any:
        """Who the service says we are (an ``hjemmekit.access.Identity``)."""
        if self._identity is None:
            from hjemmekit.access import Identity

            me = self.whoami()
            self._identity = Identity(user=me["user"], groups=frozenset(me.get("groups") or ()),
                                      local=False)
        return self._identity

    @property
    def hosted(self) -> bool:
        """Always: a store service means JupyterHub, with other users to share with."""
        return True

    @property
    def max_file_bytes(self) -> int:
        return int(self.whoami().get("max_file_bytes") or 0)

    # --- workbooks ---

    def list(self) -> list[WorkbookInfo]:
        """Summaries of the workbooks this user may open, newest first."""
        return [_info(d) for d in self._request("GET", "api/workbooks")["workbooks"]]

    def open(self, workbook_id: str) -> Workbook:
        return self._workbook(self._request("GET", f"api/workbooks/{self._id(workbook_id)}"))

    def recover(self, workbook_id: str) -> Workbook:
        return self._workbook(
            self._request("GET", f"api/workbooks/{self._id(workbook_id)}/recover")
        )

    def exists(self, workbook_id: str) -> bool:
        answer = self._request("GET", f"api/workbooks/{self._id(workbook_id)}/exists")
        return bool(answer["exists"])

    def access(self, workbook_id: str) -> str | None:
        """``"owner"``, ``"edit"``, ``"read"`` or None: what this user may do with it."""
        return self._request("GET", f"api/workbooks/{self._id(workbook_id)}/access")["access"]

    def history(self, workbook_id: str) -> list[HistoryEntry]:
        answer = self._request("GET", f"api/workbooks/{self._id(workbook_id)}/history")
        return [HistoryEntry(int(e["revision"]), _parse_time(e.get("updated")), e.get("by"))
                for e in answer["history"]]

    def open_revision(self, workbook_id: str, revision: int) -> Workbook:
        return self._workbook(self._request(
            "GET", f"api/workbooks/{self._id(workbook_id)}/revisions/{int(revision)}"
        ))

    def save(self, workbook: Workbook, *, by: str | None = None) -> Workbook:
        """Save a new revision based on ``workbook.revision`` (``by`` is the caller, as
        the service knows it; the argument is accepted for the interface and ignored).

        Like ``WorkbookStore.save``, the object passed in is updated and returned;
        a stale base revision raises ConflictError.
        """
        answer = self._request("PUT", f"api/workbooks/{self._id(workbook.id)}",
                               {"workbook": workbook.model_dump(mode="json")})
        saved = self._workbook(answer)
        workbook.revision = saved.revision
        workbook.updated = saved.updated
        for name in ("owner", "shares"):
            if name in type(saved).model_fields:
                setattr(workbook, name, getattr(saved, name))
        return workbook

    def create(self, title: str = "", organisation: str = "", language: Language = "da", *,
               by: str | None = None) -> Workbook:
        return self._workbook(self._request("POST", "api/workbooks", {
            "title": title, "organisation": organisation, "language": language,
        }))

    def import_document(self, doc: dict[str, Any] | str | bytes, *,
                        by: str | None = None) -> Workbook:
        if isinstance(doc, bytes):
            doc = doc.decode("utf-8", errors="replace")
        if isinstance(doc, str):
            try:
                doc = json.loads(doc)
            except ValueError:
                load_workbook(doc)  # raises DocumentError with the parser's message
        return self._workbook(self._request("POST", "api/import", {"document": doc}))

    def copy(self, workbook: Workbook, title: str | None = None, *,
             by: str | None = None) -> Workbook:
        return self._workbook(self._request("POST", "api/copy", {
            "workbook": workbook.model_dump(mode="json"), "title": title,
        }))

    # --- sharing ---

    def share(self, workbook_id: str, *, kind: str, name: str, access: str = "read") -> Any:
        """Share with a user or group (``kind``) to ``"read"`` or ``"edit"``; owner only."""
        answer = self._request("POST", f"api/workbooks/{self._id(workbook_id)}/shares",
                               {"kind": kind, "name": name, "access": access})
        return self._workbook(answer) if "workbook" in answer else answer.get("result")

    def unshare(self, workbook_id: str, *, kind: str, name: str) -> Any:
        answer = self._request("DELETE", f"api/workbooks/{self._id(workbook_id)}/shares",
                               {"kind": kind, "name": name})
        return self._workbook(answer) if "workbook" in answer else answer.get("result")

    # --- data files ---

    def _cache_dir(self) -> Path:
        with self._lock:
            if self._cache is None:
                self._cache = Path(tempfile.mkdtemp(prefix="hjemmekit-data-"))
                atexit.register(shutil.rmtree, self._cache, True)
            return self._cache

    def data_files(self, workbook_id: str) -> list[dict[str, Any]]:
        """``[{"name", "size", "sha256"}]`` of a workbook's data files on the service."""
        return self._request("GET", f"api/workbooks/{self._id(workbook_id)}/data")["files"]

    def data_dir(self, workbook_id: str, *, create: bool = True) -> Path:
        """A private local copy of the workbook's data files, brought up to date.

        For reading (``hjemmekit.io.read_data_dir``); write through ``put_data_file``.
        """
        from hjemmekit.access import valid_data_file_name

        files = [f for f in self.data_files(workbook_id) if valid_data_file_name(f["name"])]
        folder = self._cache_dir() / workbook_id
        known = self._digests.setdefault(workbook_id, {})
        if files or create:
            folder.mkdir(mode=0o700, exist_ok=True)
        wanted = {f["name"] for f in files}
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name not in wanted:
                    path.unlink(missing_ok=True)
                    known.pop(path.name, None)
        for f in files:
            path = folder / f["name"]
            if known.get(f["name"]) == f["sha256"] and path.is_file():
                continue
            data = self._request(
                "GET", f"api/workbooks/{workbook_id}/data/{quote(f['name'], safe='')}",
                json_answer=False,
            )
            self._keep(folder, f["name"], data)
            known[f["name"]] = hashlib.sha256(data).hexdigest()
        return folder

    @staticmethod
    def _keep(folder: Path, name: str, data: bytes) -> None:
        folder.mkdir(mode=0o700, exist_ok=True)
        tmp = folder / f".{secrets.token_hex(6)}.part"
        tmp.write_bytes(data)
        os.replace(tmp, folder / name)

    def put_data_file(self, workbook_id: str, filename: str, data: bytes) -> None:
        """Upload one data file (at most the service's ``max_file_bytes``)."""
        self._id(workbook_id)
        limit = self.max_file_bytes
        if limit and len(data) > limit:
            from hjemmekit.store_service import megabytes

            raise DataFileTooLargeError(
                t("service.file_too_large", self.lang, name=filename,
                  limit=megabytes(limit, self.lang)),
                filename, len(data), limit,
            )
        self._request("PUT", f"api/workbooks/{workbook_id}/data/{quote(filename, safe='')}",
                      raw=bytes(data))
        if self._cache is not None and (self._cache / workbook_id).is_dir():
            self._keep(self._cache / workbook_id, filename, data)
            self._digests.setdefault(workbook_id, {})[filename] = (
                hashlib.sha256(data).hexdigest()
            )

    def remove_data_file(self, workbook_id: str, filename: str) -> bool:
        """Remove one data file; False if there was none."""
        self._id(workbook_id)
        answer = self._request(
            "DELETE", f"api/workbooks/{workbook_id}/data/{quote(filename, safe='')}"
        )
        if self._cache is not None:
            with suppress(OSError):
                (self._cache / workbook_id / filename).unlink(missing_ok=True)
            self._digests.get(workbook_id, {}).pop(filename, None)
        return bool(answer.get("removed"))
