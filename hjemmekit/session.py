"""An editing session on one workbook: changes, autosave, conflicts, messages.

Plain Python (no widgets): the app's views call :meth:`Session.edit` with a small
function that changes the document; the session validates, saves through the
store (debounced while typing) and tells its listeners what happened. A save that
finds a newer revision on disk (another tab or user) is not written over it: the
session keeps the user's version in memory and offers to reload or to keep it as a
copy, so nothing typed is lost.

Every path to the store goes through :class:`hjemmekit.access.GuardedStore`: a session
given a plain ``WorkbookStore`` sees it as the current user (locally: the one user, who
may do everything). On a workbook the user may only read, the session is read-only:
:meth:`Session.edit` changes and saves nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from hjemmekit.access import (
    AccessDeniedError,
    AccessLevel,
    GuardedStore,
    ShareNameError,
    current_identity,
    open_store,
)
from hjemmekit.model import (
    DocumentError,
    ShareAccess,
    ShareKind,
    Workbook,
    format_validation_error,
    load_workbook,
)
from hjemmekit.store import (
    ConflictError,
    DamagedWorkbookError,
    HistoryEntry,
    NotFoundError,
    StoreError,
    WorkbookStore,
)

State = Literal["saved", "pending", "conflict", "error", "readonly"]


@dataclass(frozen=True)
class Status:
    """What the status line shows: the state, a message key and its fields."""

    state: State
    key: str
    fields: tuple[tuple[str, object], ...] = ()
    saved_at: datetime | None = None


Listener = Callable[[str], None]
"""Called with an event: ``"workbook"`` (another workbook or a reload), ``"status"``,
``"lang"``, ``"shares"`` (the owner changed who it is shared with)."""


def examples_dir() -> Path:
    """Folder of example workbooks and data: inside the package when installed from a
    wheel, else ``data/examples`` in the source tree."""
    packaged = Path(__file__).resolve().parent / "data" / "examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "data" / "examples"


def example_workbooks() -> dict[str, Path]:
    """Example workbooks by name (file stem under ``data/examples/workbooks``)."""
    folder = examples_dir() / "workbooks"
    return {p.stem: p for p in sorted(folder.glob("*.json"))}


def copy_example(store: GuardedStore, name: str) -> Workbook | None:
    """A new copy of the example workbook ``name`` in ``store`` (None: no such example).

    The committed example is never changed; the user works on the copy (their own).
    """
    path = example_workbooks().get(name)
    if path is None:
        return None
    return store.copy(load_workbook(path.read_text(encoding="utf-8")))


class Session:
    """One user's editing of one workbook at a time."""

    def __init__(
        self,
        store: GuardedStore | WorkbookStore,
        workbook: Workbook | None = None,
        *,
        lang: str | None = None,
        autosave_delay: float = 0.6,
    ) -> None:
        if isinstance(store, WorkbookStore):
            store = GuardedStore(store, current_identity())
        self.store: GuardedStore = store
        self.autosave_delay = autosave_delay
        self._listeners: list[Listener] = []
        self._timer: asyncio.TimerHandle | None = None
        self.workbook = workbook if workbook is not None else store.create()
        self.access: AccessLevel | None = self._access_to(self.workbook)
        self.denied: str | None = None
        """The id of a workbook asked for (``?workbook=``) that the user may not open."""
        self.lang = lang or self.workbook.language
        self.status = self._opened_status()
        self.conflict_revision: int | None = None

    # --- access --------------------------------------------------------------------

    def _access_to(self, workbook: Workbook) -> AccessLevel | None:
        level = self.store.access(workbook.id)
        if level is None and self.store.identity.local:
            return "owner"  # the local user (e.g. a workbook not saved yet)
        return level

    @property
    def read_only(self) -> bool:
        """Whether the user may only read this workbook: nothing is changed or saved."""
        return self.access not in ("owner", "edit")

    @property
    def is_owner(self) -> bool:
        return self.access == "owner"

    def _opened_status(self) -> Status:
        if self.read_only:
            return Status("readonly", "app.status_read_only")
        return Status("saved", "app.status_saved", (("revision", self.workbook.revision),),
                      self.workbook.updated)

    # --- listeners -----------------------------------------------------------------

    def observe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: str) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _set_status(self, state: State, key: str, **fields: object) -> None:
        saved_at = self.workbook.updated if state == "saved" else None
        self.status = Status(state, key, tuple(fields.items()), saved_at)
        self._emit("status")

    # --- editing -------------------------------------------------------------------

    def edit(self, change: Callable[[Workbook], object], *, typing: bool = False) -> bool:
        """Apply ``change`` to the workbook and save it.

        ``typing=True`` delays the save a little so that a word typed is one
        revision, not one per key. Returns False (and shows the message in the
        status) when the change is not valid, or the user may only read the workbook;
        the document is then unchanged.
        """
        if self.read_only:
            self.status = self._opened_status()
            self._emit("status")
            return False
        before = self.workbook.model_copy(deep=True)
        try:
            change(self.workbook)
            # Validate the whole document again: nested lists are not checked on append.
            Workbook.model_validate(self.workbook.model_dump())
        except ValidationError as e:
            self.workbook = before
            self._set_status("error", "app.status_invalid", problem=format_validation_error(e))
            return False
        except ValueError as e:
            self.workbook = before
            self._set_status("error", "app.status_invalid", problem=str(e))
            return False
        if self.status.state == "conflict":
            return True  # kept in memory; the user chooses how to resolve first
        if typing and self.autosave_delay > 0 and self._schedule():
            self._set_status("pending", "app.status_pending")
            return True
        self.save_now()
        return True

    def _schedule(self) -> bool:
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return False
        if not loop.is_running():
            return False
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.autosave_delay, self.save_now)
        return True

    def save_now(self) -> None:
        """Save at once (cancels a pending delayed save)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.read_only:
            return
        try:
            self.workbook = self.store.save(self.workbook)
        except AccessDeniedError as e:  # the owner stopped sharing (or made it read only)
            self.access = self._access_to(self.workbook)
            self._set_status("error", "app.status_save_failed", problem=e.message(self.lang))
            return
        except ConflictError as e:
            self.conflict_revision = getattr(e, "revision", None)
            self._set_status("conflict", "app.status_conflict")
            return
        except OSError as e:
            self._set_status("error", "app.status_save_failed", problem=str(e))
            return
        self._set_status("saved", "app.status_saved", revision=self.workbook.revision)

    @property
    def pending(self) -> bool:
        return self._timer is not None

    # --- conflicts -----------------------------------------------------------------

    def reload(self) -> None:
        """Drop unsaved changes and load the newest saved revision."""
        self.open(self.workbook.id)

    def keep_as_copy(self) -> None:
        """Save the in-memory version as a new workbook, leaving the newer one alone."""
        mine = self.workbook
        copy = self.store.copy(mine, title=mine.title)
        self._switch(copy)

    # --- workbooks -----------------------------------------------------------------

    def _switch(self, workbook: Workbook) -> None:
        if self._timer is not None:
            self.save_now()
        self.workbook = workbook
        self.access = self._access_to(workbook)
        self.denied = None
        self.conflict_revision = None
        self._emit("workbook")
        self.status = self._opened_status()
        self._emit("status")

    def open(self, workbook_id: str) -> bool:
        """Open another workbook from the store; False (with a message) if it can't be read
        or the user may not open it."""
        try:
            wb = self.store.open(workbook_id)
        except AccessDeniedError as e:
            self._set_status("error", "app.status_open_failed", problem=e.message(self.lang))
            return False
        except DamagedWorkbookError as e:
            self._set_status("error", "app.status_damaged", problem=str(e))
            return False
        except (StoreError, DocumentError, OSError, ValueError) as e:
            self._set_status("error", "app.status_open_failed", problem=str(e))
            return False
        self._switch(wb)
        return True

    def open_example(self, name: str) -> bool:
        """Open a new copy of an example workbook; False (with a message) if unknown."""
        wb = copy_example(self.store, name)
        if wb is None:
            self._set_status("error", "app.status_open_failed", problem=name)
            return False
        self._switch(wb)
        return True

    def new(self, title: str = "", organisation: str = "") -> None:
        self._switch(self.store.create(title=title, organisation=organisation, language=self.lang))

    def upload(self, name: str, content: bytes) -> bool:
        """Import an uploaded workbook JSON as a new workbook in the store."""
        try:
            doc = json.loads(content.decode("utf-8-sig"))
            wb = self.store.import_document(doc)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self._set_status("error", "app.status_upload_failed", name=name, problem=str(e))
            return False
        except DocumentError as e:
            self._set_status("error", "app.status_upload_failed", name=name, problem=str(e))
            return False
        self._switch(wb)
        return True

    def download(self) -> tuple[str, bytes]:
        """File name and bytes of the current workbook as JSON."""
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.workbook.title)
        name = f"{stem.strip('-') or 'arbejdsbog'}-{self.workbook.id}.json"
        return name, self.workbook.to_json().encode("utf-8")

    def set_lang(self, lang: str) -> None:
        """Show the app in ``lang``; the workbook keeps it (unless read only)."""
        if lang == self.lang:
            return
        self.lang = lang
        if not self.read_only:
            self.edit(lambda wb: setattr(wb, "language", lang))
        self._emit("lang")

    # --- sharing and history -------------------------------------------------------

    def share(self, kind: ShareKind, name: str, access: ShareAccess) -> bool:
        """Share the workbook with a user or group (owner only); False with a message."""
        return self._change_shares(
            lambda: self.store.share(self.workbook.id, kind=kind, name=name, access=access)
        )

    def unshare(self, kind: ShareKind, name: str) -> bool:
        """Stop sharing with a user or group (owner only); False with a message."""
        return self._change_shares(
            lambda: self.store.unshare(self.workbook.id, kind=kind, name=name)
        )

    def _change_shares(self, change: Callable[[], Workbook]) -> bool:
        if self.status.state == "conflict":
            return False  # resolve the conflict first
        if self._timer is not None:
            self.save_now()
        try:
            saved = change()
        except AccessDeniedError as e:
            self._set_status("error", "app.status_share_failed", problem=e.message(self.lang))
            return False
        except ConflictError:
            self._set_status("conflict", "app.status_conflict")
            return False
        except ShareNameError as e:
            self._set_status("error", "app.status_share_failed", problem=e.message(self.lang))
            return False
        except (StoreError, ValueError, OSError) as e:
            self._set_status("error", "app.status_share_failed", problem=str(e))
            return False
        wb = self.workbook  # the same document with the new shares: keep editing it
        wb.shares = saved.shares
        wb.revision = saved.revision
        wb.updated = saved.updated
        self._emit("shares")
        self._set_status("saved", "app.status_saved", revision=wb.revision)
        return True

    def history(self) -> list[HistoryEntry]:
        """The workbook's kept revisions, newest first, with who saved each."""
        try:
            return self.store.history(self.workbook.id)
        except (StoreError, ValueError, OSError):
            return []


def start_session(
    store_dir: str | os.PathLike[str] | None = None,
    *,
    workbook_id: str | None = None,
    example: str | None = None,
    autosave_delay: float = 0.6,
) -> Session:
    """The session the app starts with, on :func:`hjemmekit.access.open_store`.

    Opens ``workbook_id`` if given and the user may open it, else the most recently
    saved workbook the user may open; when there is none, a copy of the example
    workbook ``example`` (if any), else a new one. A ``workbook_id`` the user may not
    open (or that does not exist) is kept in ``Session.denied``: the app says so,
    and shows nothing of it.
    """
    store = open_store(store_dir)
    wb: Workbook | None = None
    denied: str | None = None
    if workbook_id:
        try:
            wb = store.open(workbook_id)
        except (AccessDeniedError, NotFoundError, ValueError):
            denied = workbook_id
        except (StoreError, DocumentError, OSError):
            wb = None
    if wb is None:
        infos = sorted(
            (i for i in store.list() if i.problem is None and i.updated is not None),
            key=lambda i: i.updated,
            reverse=True,
        )
        for info in infos:
            try:
                wb = store.open(info.id)
                break
            except (StoreError, DocumentError, OSError, ValueError):
                continue
    if wb is None and example:
        wb = copy_example(store, example)
    session = Session(store, wb, autosave_delay=autosave_delay)
    session.denied = denied
    return session
