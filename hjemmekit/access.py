"""Who may open which workbook: identities, the rules, and the one guarded store.

A workbook has an owner (the user who created it) and a list of shares: with a named
JupyterHub user or group, to read or to edit. :func:`access_of` holds the rules;
:class:`GuardedStore` wraps a :class:`~hjemmekit.store.WorkbookStore` for one
:class:`Identity` and checks them on every path a workbook or its data files take: the
picker's list, opening (also by ``?workbook=ID``), saving, copies, history, the data
files of step 5, the report and the analysts' notebook helpers. The app, the
:mod:`hjemmekit.notebook` helpers and the hub's store service all use it, so the rules
live here only.

Locally (``make app``, no ``JUPYTERHUB_USER``) there is one user, who may do
everything, as before hosting. On JupyterHub, a workbook without an owner (made before
hosting) is opened by nobody until an administrator gives it one (``hjemmekit owner``).

Plain Python, no widgets. Denials raise :class:`AccessDeniedError` and are logged
(logger ``hjemmekit.access``) with the user, the workbook id and what was asked. On a
hub, asking for an id under which nothing is stored is denied in exactly the same way
(the same error, message and log line), so nobody can probe which ids exist; locally
it is a :class:`~hjemmekit.store.NotFoundError` as before.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import ValidationError

from hjemmekit.i18n import t
from hjemmekit.model import (
    DocumentError,
    Language,
    Share,
    ShareAccess,
    ShareKind,
    Workbook,
    load_workbook,
    new_id,
)
from hjemmekit.store import (
    HistoryEntry,
    NotFoundError,
    StoreError,
    WorkbookInfo,
    WorkbookStore,
    _write_atomic,
    default_store_dir,
    valid_id,
)

__all__ = [
    "AccessDeniedError",
    "AccessLevel",
    "GuardedStore",
    "Identity",
    "Needed",
    "ShareNameError",
    "access_of",
    "allows",
    "current_identity",
    "open_store",
    "set_owner",
    "share_name",
    "valid_data_file_name",
]

logger = logging.getLogger("hjemmekit.access")

AccessLevel = Literal["owner", "edit", "read"]
"""What a user may do with a workbook: everything (``owner``: also share), change it
(``edit``) or look at it (``read``). ``None`` where a level is expected: nothing."""
Needed = Literal["read", "edit", "owner"]
"""What an action needs."""

_RANK: dict[str | None, int] = {None: 0, "read": 1, "edit": 2, "owner": 3}

STORE_URL_ENV = "HJEMMEKIT_STORE_URL"
"""Set on a hub's single-user servers: the URL of the store service (``RemoteStore``)."""
GROUPS_ENV = "HJEMMEKIT_GROUPS"
"""Comma-separated JupyterHub groups of the user, for a server that reaches the store
folder itself (a ``pre_spawn_hook`` can set it); the store service takes them from the
hub instead."""

_DATA_FILE = re.compile(r"^\.?[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9]{1,10})?$")


def valid_data_file_name(filename: str) -> bool:
    """A data file's name: a plain name (``survey.csv``, ``.names.json``), no folders."""
    return isinstance(filename, str) and bool(_DATA_FILE.fullmatch(filename))


# --- Who ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A user as JupyterHub knows them: name and groups. ``local``: the one user of a
    machine without JupyterHub, who may do everything."""

    user: str
    groups: frozenset[str] = frozenset()
    local: bool = False


def _login_name() -> str:
    try:
        return getpass.getuser() or "local"
    except Exception:  # no login name (an unknown uid in a container)
        return "local"


def current_identity() -> Identity:
    """Who runs this process: ``JUPYTERHUB_USER`` (groups from ``HJEMMEKIT_GROUPS``), or
    the local user when there is no JupyterHub."""
    user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if not user:
        return Identity(_login_name(), local=True)
    groups = frozenset(
        g.strip() for g in os.environ.get(GROUPS_ENV, "").split(",") if g.strip()
    )
    return Identity(user, groups)


# --- The rules ------------------------------------------------------------------------------


def access_of(identity: Identity, workbook: Workbook) -> AccessLevel | None:
    """What ``identity`` may do with ``workbook``.

    The local user owns everything. Otherwise: its owner owns it; a share with the user
    or one of their groups gives ``read`` or ``edit`` (edit beats read); else nothing.
    A workbook without an owner is nobody's (``hjemmekit owner`` gives it one).
    """
    if identity.local:
        return "owner"
    if workbook.owner is not None and workbook.owner == identity.user:
        return "owner"
    return _shared_level(identity, workbook.shares)


def _shared_level(identity: Identity, shares: Any) -> AccessLevel | None:
    best: AccessLevel | None = None
    for share in shares:
        matches = (share.kind == "user" and share.name == identity.user) or (
            share.kind == "group" and share.name in identity.groups
        )
        if matches:
            if share.access == "edit":
                return "edit"
            best = "read"
    return best


def _info_level(identity: Identity, info: WorkbookInfo) -> AccessLevel | None:
    if identity.local:
        return "owner"
    if info.owner is not None and info.owner == identity.user:
        return "owner"
    return _shared_level(identity, info.shares)


def allows(level: AccessLevel | str | None, needed: Needed) -> bool:
    """Whether an access level is enough for what an action needs."""
    return _RANK.get(level, 0) >= _RANK[needed]


# --- Denial ---------------------------------------------------------------------------------


class AccessDeniedError(StoreError, PermissionError):
    """The user may not do this with the workbook. ``str()`` is English;
    :meth:`message` gives the text in the app's language."""

    def __init__(self, workbook_id: str, user: str, needed: Needed) -> None:
        self.workbook_id = workbook_id
        self.user = user
        self.needed = needed
        super().__init__(self.message("en"))

    def message(self, lang: str = "da") -> str:
        """What the user is told (Danish by default), naming the workbook by its id only."""
        return t(f"access.denied_{self.needed}", lang, id=self.workbook_id)


class ShareNameError(ValueError):
    """A name that cannot be a JupyterHub user or group name. ``str()`` is English;
    :meth:`message` gives the text in the app's language."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        super().__init__(self.message("en"))

    def message(self, lang: str = "da") -> str:
        shown = self.name if len(self.name) <= 60 else self.name[:59] + "…"
        key = "group" if self.kind == "group" else "user"
        return t(f"access.share_name_invalid_{key}", lang, name=shown)


def share_name(kind: ShareKind, name: str) -> str:
    """The name a share is stored under. JupyterHub normalises user names to lower case,
    so a user name is stripped and lower-cased (``" Bob "`` -> ``bob``); group names are
    case-sensitive on JupyterHub and only stripped. ShareNameError if it cannot be a
    name (empty, a space, ``/`` or ``\\``, more than 200 characters)."""
    if kind not in get_args(ShareKind):
        raise ValueError(f"share: kind {kind!r} is not known")
    text = str(name).strip()
    if kind == "user":
        text = text.lower()
    try:
        Share(kind=kind, name=text)
    except ValidationError:
        raise ShareNameError(kind, str(name).strip()) from None  # as typed
    return text


# --- The guarded store ----------------------------------------------------------------------


class GuardedStore:
    """A :class:`WorkbookStore` seen by one user: every method checks :func:`access_of`.

    The same methods as the store (``list``, ``open``, ``save``, ``create``, ``copy``,
    ``import_document``, ``recover``, ``history``, ``open_revision``, ``exists``), plus
    ``access``, ``share``/``unshare`` and the data files (``data_dir`` to read,
    ``put_data_file``/``remove_data_file`` to write). Saves record ``by`` = the user and
    keep the stored owner and shares; new workbooks (create, copy, import) are the
    user's own.
    """

    def __init__(self, store: WorkbookStore, identity: Identity) -> None:
        self.store = store
        self.identity = identity

    def __repr__(self) -> str:
        return f"GuardedStore({self.store!r}, {self.identity!r})"

    @property
    def hosted(self) -> bool:
        """Whether there are other users (JupyterHub): sharing means something."""
        return not self.identity.local

    # --- checks ---

    def _deny(self, workbook_id: str, needed: Needed, action: str) -> AccessDeniedError:
        logger.warning(
            "access denied: user %r (groups %s) may not %s workbook %s (needs %s)",
            self.identity.user, ",".join(sorted(self.identity.groups)) or "-",
            action, workbook_id, needed,
        )
        return AccessDeniedError(workbook_id, self.identity.user, needed)

    def _check_id(self, workbook_id: str) -> str:
        if not valid_id(workbook_id):
            raise ValueError(
                f"{workbook_id!r} is not a workbook id (1-64 letters, digits, '_' or '-')"
            )
        return workbook_id

    def _stored(self, workbook_id: str) -> Workbook | None:
        """The newest good revision; None if something is stored but none reads (a
        damaged file, a newer schema); NotFoundError if nothing is stored."""
        try:
            return self.store.recover(self._check_id(workbook_id))
        except DocumentError:  # DamagedWorkbookError included
            return None

    def _level_of(self, workbook: Workbook | None) -> AccessLevel | None:
        if self.identity.local:
            return "owner"
        return None if workbook is None else access_of(self.identity, workbook)

    def _missing(
        self, err: NotFoundError, workbook_id: str, needed: Needed, action: str
    ) -> StoreError:
        """What to raise when nothing is stored under the id: locally the NotFoundError;
        on a hub the same denial (and log line) as for a workbook the user may not
        open, so that nobody learns which ids exist."""
        if self.identity.local:
            return err
        return self._deny(workbook_id, needed, action)

    def _require(self, workbook_id: str, needed: Needed, action: str) -> Workbook | None:
        """Check ``needed`` against the stored workbook; return it (None: unreadable,
        which only the local user gets past). Nothing stored: see :meth:`_missing`."""
        try:
            stored = self._stored(workbook_id)
        except NotFoundError as e:
            raise self._missing(e, workbook_id, needed, action) from None
        if not allows(self._level_of(stored), needed):
            raise self._deny(workbook_id, needed, action)
        return stored

    # --- reading ---

    def list(self) -> list[WorkbookInfo]:
        """The workbooks the user may open, newest first, each with ``owner`` and
        ``access``."""
        out = []
        for info in self.store.list():
            level = _info_level(self.identity, info)
            if level is not None:
                out.append(_with_access(info, level))
        return out

    def access(self, workbook_id: str) -> AccessLevel | None:
        """What the user may do with a workbook (None: nothing, or there is none; the
        two are not told apart)."""
        try:
            return self._level_of(self._stored(workbook_id))
        except NotFoundError:
            return None

    def exists(self, workbook_id: str) -> bool:
        """Whether there is a workbook under this id that the user may open."""
        return self.access(workbook_id) is not None

    def open(self, workbook_id: str) -> Workbook:
        """The current revision; AccessDeniedError if the user may not read it (checked
        before anything of it is returned, a damaged file's message included), or, on a
        hub, if there is none."""
        self._check_id(workbook_id)
        try:
            wb = self.store.open(workbook_id)
        except NotFoundError as e:
            raise self._missing(e, workbook_id, "read", "open") from None
        except DocumentError:  # damaged or newer: whoever may read it gets the message
            self._require(workbook_id, "read", "open")
            raise
        if not allows(self._level_of(wb), "read"):
            raise self._deny(workbook_id, "read", "open")
        return wb

    def recover(self, workbook_id: str) -> Workbook:
        """The newest good revision (see ``WorkbookStore.recover``), if the user may read
        it."""
        self._check_id(workbook_id)
        try:
            wb = self.store.recover(workbook_id)
        except NotFoundError as e:
            raise self._missing(e, workbook_id, "read", "recover") from None
        except DocumentError:
            self._require(workbook_id, "read", "recover")
            raise
        if not allows(self._level_of(wb), "read"):
            raise self._deny(workbook_id, "read", "recover")
        return wb

    def history(self, workbook_id: str) -> list[HistoryEntry]:
        """The kept revisions, newest first, each with who saved it."""
        self._require(workbook_id, "read", "see the history of")
        return self.store.history(workbook_id)

    def open_revision(self, workbook_id: str, revision: int) -> Workbook:
        """One kept revision, for a user who may read the workbook now."""
        self._require(workbook_id, "read", "open a revision of")
        return self.store.open_revision(workbook_id, revision)

    # --- writing ---

    def save(self, workbook: Workbook) -> Workbook:
        """Save a new revision (``WorkbookStore.save``) if the user may edit it.

        ``by`` is the user; owner and shares are those of the stored revision (only
        :meth:`share` and :meth:`unshare` change them). Locally, a workbook not yet in
        the store becomes the user's own; on a hub new workbooks come only from
        :meth:`create`, :meth:`copy` and :meth:`import_document` (so a save cannot probe
        which ids exist either). ConflictError as the store raises it.
        """
        workbook_id = self._check_id(workbook.id)
        try:
            stored = self._require(workbook_id, "edit", "save")
        except NotFoundError:
            workbook.owner = self.identity.user
            workbook.shares = []
        else:
            if stored is not None:
                workbook.owner = stored.owner
                workbook.shares = [s.model_copy() for s in stored.shares]
        return self.store.save(workbook, by=self.identity.user)

    def _own(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc = dict(doc)
        doc["owner"] = self.identity.user
        doc["shares"] = []
        return doc

    def create(
        self, title: str = "", organisation: str = "", language: Language = "da"
    ) -> Workbook:
        """A new, empty workbook of the user's own (revision 1)."""
        wb = Workbook(title=title, organisation=organisation, language=language)
        return self.store.import_document(
            self._own(wb.model_dump(mode="json")), by=self.identity.user
        )

    def import_document(self, doc: dict[str, Any] | str | bytes) -> Workbook:
        """Add an uploaded workbook as the user's own (its owner and shares are not
        taken over); DocumentError if it is not a workbook."""
        wb = load_workbook(doc)
        return self.store.import_document(
            self._own(wb.model_dump(mode="json")), by=self.identity.user
        )

    def copy(self, workbook: Workbook, title: str | None = None) -> Workbook:
        """A copy of the user's own under a new id. The data files of the workbook in
        the store come along only when the user may read it there."""
        readable = False
        if valid_id(workbook.id):
            try:
                readable = allows(self._level_of(self._stored(workbook.id)), "read")
            except NotFoundError:
                readable = False
        source = load_workbook(self._own(workbook.model_dump(mode="json")))
        if not readable:  # no data files of a workbook the user may not read
            source = source.model_copy(update={"id": new_id()})
        return self.store.copy(source, title, by=self.identity.user)

    # --- sharing ---

    def share(
        self, workbook_id: str, *, kind: ShareKind, name: str, access: ShareAccess
    ) -> Workbook:
        """Share with a user or group, to read or to edit (owner only); a share with the
        same user or group is replaced. The name as :func:`share_name` makes it
        (ShareNameError if it cannot be one). Returns the saved workbook (a new
        revision)."""
        if kind not in get_args(ShareKind) or access not in get_args(ShareAccess):
            raise ValueError(f"share: kind {kind!r} / access {access!r} is not known")
        new = Share(kind=kind, name=share_name(kind, name), access=access)
        wb = self._owned(workbook_id, "share")
        if kind == "user" and new.name == wb.owner:
            return wb
        shares = [s for s in wb.shares if (s.kind, s.name) != (kind, new.name)]
        wb.shares = [*shares, new]
        saved = self.store.save(wb, by=self.identity.user)
        logger.info("user %r shared workbook %s with %s %r to %s",
                    self.identity.user, workbook_id, kind, new.name, access)
        return saved

    def unshare(self, workbook_id: str, *, kind: ShareKind, name: str) -> Workbook:
        """Stop sharing with a user or group (owner only). Returns the workbook (a new
        revision if a share was removed). The name as stored, or as :func:`share_name`
        makes it."""
        wb = self._owned(workbook_id, "unshare")
        names = {str(name).strip()}
        try:
            names.add(share_name(kind, name))
        except ValueError:
            pass  # not a name a share is made under now: only the stored one matches
        shares = [s for s in wb.shares if not (s.kind == kind and s.name in names)]
        if len(shares) == len(wb.shares):
            return wb
        wb.shares = shares
        saved = self.store.save(wb, by=self.identity.user)
        logger.info("user %r stopped sharing workbook %s with %s %r",
                    self.identity.user, workbook_id, kind, name)
        return saved

    def _owned(self, workbook_id: str, action: str) -> Workbook:
        try:
            wb = self.store.open(self._check_id(workbook_id))
        except NotFoundError as e:
            raise self._missing(e, workbook_id, "owner", action) from None
        except DocumentError:  # damaged: only its owner learns that
            self._require(workbook_id, "owner", action)
            raise
        if not allows(self._level_of(wb), "owner"):
            raise self._deny(workbook_id, "owner", action)
        return wb

    # --- data files ---

    def data_dir(self, workbook_id: str) -> Path:
        """The folder of the workbook's data files, to read (it may not exist yet)."""
        self._require(workbook_id, "read", "read the data of")
        return self.store.data_dir(workbook_id, create=False)

    def put_data_file(self, workbook_id: str, filename: str, data: bytes) -> None:
        """Write (or replace) one data file of the workbook; needs edit."""
        self._data_file_name(filename)
        self._require(workbook_id, "edit", "change the data of")
        _write_atomic(self.store.data_dir(workbook_id) / filename, bytes(data))

    def remove_data_file(self, workbook_id: str, filename: str) -> bool:
        """Delete one data file of the workbook (False: there was none); needs edit."""
        self._data_file_name(filename)
        self._require(workbook_id, "edit", "change the data of")
        path = self.store.data_dir(workbook_id, create=False) / filename
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    @staticmethod
    def _data_file_name(filename: str) -> None:
        if not valid_data_file_name(filename):
            raise ValueError(f"{filename!r} is not a data file name")


def _with_access(info: WorkbookInfo, level: AccessLevel) -> WorkbookInfo:
    from dataclasses import replace

    return replace(info, access=level)


# --- Opening the store ----------------------------------------------------------------------


def open_store(
    store_dir: str | os.PathLike[str] | None = None, identity: Identity | None = None
) -> GuardedStore:
    """The store for this process, seen by the current user.

    A folder given here wins; else ``HJEMMEKIT_STORE_URL`` (on a hub's single-user
    servers) gives the store service's client, ``hjemmekit.store_client.RemoteStore``,
    which has the same methods and authenticates with the server's JupyterHub token;
    else the folder ``HJEMMEKIT_STORE`` (default ``./store``).
    """
    url = os.environ.get(STORE_URL_ENV, "").strip()
    if store_dir is None and url:
        try:
            from hjemmekit.store_client import RemoteStore
        except ModuleNotFoundError as e:
            if e.name != "hjemmekit.store_client":
                raise
            raise StoreError(
                f"{STORE_URL_ENV} is set ({url}) but this hjemmekit has no store client "
                "(hjemmekit.store_client); install a hjemmekit with hosting support"
            ) from None
        return RemoteStore(url)  # type: ignore[return-value]  # same interface
    folder = store_dir if store_dir is not None else default_store_dir()
    return GuardedStore(WorkbookStore(folder), identity or current_identity())


def set_owner(store: WorkbookStore, workbook_id: str, owner: str, *, by: str | None = None
              ) -> Workbook:
    """Give a workbook an owner (``hjemmekit owner``; an administrator with the store
    folder): e.g. a workbook from before hosting, or one whose owner left."""
    owner = owner.strip()
    if not owner:
        raise ValueError("the owner's name is empty")
    wb = store.open(workbook_id)
    wb.owner = owner
    return store.save(wb, by=by or f"admin:{_login_name()}")
