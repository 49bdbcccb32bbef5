"""WorkbookStore: one JSON file per workbook, atomic saves, revision history, conflicts.

On-disk layout of a store directory::

    <dir>/<id>.json                          the current revision of each workbook
    <dir>/.history/<id>/<revision:08d>.json  every kept revision, the current one included
    <dir>/.history/<id>/<revision:08d>.meta.json   who saved it, when, from where
    <dir>/.history/<id>/damaged-<time>-<rand>.json  damaged files set aside by a save
    <dir>/.locks/<id>.lock                   lock file (``fcntl.flock``) per workbook

A save runs under an exclusive lock on the workbook's lock file, so several processes
(one Voilà kernel per user, on shared storage) can save at once. Under the lock it
checks that the revision on disk is still the one the saved copy was based on, then
writes the new revision to history (temporary file, fsync, ``os.replace``, fsync of the
directory) and only then replaces ``<id>.json`` the same way. The history copy is the
commit point: if the process is killed between the two, the next reader finds the
newer revision in history and uses it ("rolls forward"). So every revision a save has
returned is on disk, in ``<id>.json`` or in history, whatever moment a process dies.

Linux and macOS only (``fcntl``).
"""

from __future__ import annotations

import errno
import fcntl
import getpass
import json
import os
import random
import re
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hjemmekit.model import (
    SCHEMA_VERSION,
    DocumentError,
    Language,
    Share,
    Workbook,
    load_workbook,
    new_id,
    now,
)

__all__ = [
    "ConflictError",
    "DamagedWorkbookError",
    "HistoryEntry",
    "NotFoundError",
    "StoreBusyError",
    "StoreError",
    "WorkbookInfo",
    "WorkbookStore",
    "default_store_dir",
    "valid_id",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Workbook ids: letters, digits, '_' and '-' only (so no path can be smuggled in)."""

MIN_KEEP = 20
"""Fewest revisions a store keeps in history (the storage contract)."""

_REVISION_FILE = re.compile(r"^(\d{8,})\.json$")
_META_FILE = re.compile(r"^(\d{8,})\.meta\.json$")


def default_store_dir() -> Path:
    """``$HJEMMEKIT_STORE`` if set, else ``./store`` in the current directory."""
    env = os.environ.get("HJEMMEKIT_STORE", "").strip()
    if env:
        return Path(env).expanduser()
    return Path.cwd() / "store"


def valid_id(workbook_id: str) -> bool:
    """Whether ``workbook_id`` is a well-formed workbook id."""
    return isinstance(workbook_id, str) and bool(ID_PATTERN.fullmatch(workbook_id))


# --- Errors ---------------------------------------------------------------------------


class StoreError(Exception):
    """Base of the store's errors."""


class NotFoundError(StoreError, LookupError):
    """No workbook (or no such revision) with that id in the store."""


class StoreBusyError(StoreError, TimeoutError):
    """The workbook's lock could not be taken in time (another save hangs)."""


class ConflictError(StoreError):
    """The workbook was saved by someone else since this copy was opened.

    ``revision`` is the newer revision on disk, ``updated`` and ``by`` say when and by
    whom it was saved (``by`` is None when not known); ``base`` is the revision the
    refused save was based on.
    """

    def __init__(
        self,
        workbook_id: str,
        revision: int,
        base: int | None,
        updated: datetime | None = None,
        by: str | None = None,
    ) -> None:
        self.workbook_id = workbook_id
        self.revision = revision
        self.base = base
        self.updated = updated
        self.by = by
        who = f" by {by}" if by else ""
        when = f" at {updated.isoformat()}" if updated else ""
        if base is None:
            msg = f"workbook {workbook_id} already exists (revision {revision})"
        else:
            msg = (
                f"workbook {workbook_id} was saved{who}{when} as revision {revision} "
                f"after this copy was opened at revision {base}; nothing was written. "
                "Open it again to see the changes."
            )
        super().__init__(msg)


class DamagedWorkbookError(StoreError, DocumentError):
    """A workbook file that cannot be read (bad JSON, truncated, fails validation).

    ``path`` names the file, ``reason`` says what is wrong, ``newest_good`` is the newest
    revision in history that reads fine (None if there is none); ``recover()`` opens it.
    """

    def __init__(
        self, workbook_id: str, path: Path, reason: str, newest_good: int | None = None
    ) -> None:
        self.workbook_id = workbook_id
        self.path = path
        self.reason = reason
        self.newest_good = newest_good
        if newest_good is None:
            offer = "no good revision is kept in history"
        else:
            offer = f"the newest good revision is {newest_good} (recover it to go on)"
        super().__init__(f"{path}: the workbook file is damaged: {reason}; {offer}")


# --- Summaries ------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookInfo:
    """A light summary of one workbook, for a picker.

    ``problem`` is None for a workbook that opens, else a message (a damaged file, a
    newer schema version); title and revision then come from the newest good revision
    if there is one. ``owner`` and ``shares`` are the workbook's (see
    ``hjemmekit.access``); ``access`` is what the user asking may do with it
    (``"owner"``, ``"edit"`` or ``"read"``), filled in by ``GuardedStore.list`` only.
    """

    id: str
    title: str
    organisation: str
    revision: int
    updated: datetime | None
    language: str = "da"
    problem: str | None = None
    owner: str | None = None
    shares: tuple[Share, ...] = ()
    access: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One kept revision: its number, when it was saved and by whom (None if unknown)."""

    revision: int
    updated: datetime | None
    by: str | None = None


@dataclass
class _State:
    """What is on disk for one workbook."""

    workbook: Workbook | None
    """The newest good revision (main file or history), None if there is none."""
    main_problem: str | None
    """Why ``<id>.json`` cannot be read; None if it reads fine or is missing."""
    main_exists: bool
    history: list[int]
    """Revision numbers of the files in history, newest first."""


# --- Low-level file helpers -----------------------------------------------------------


def _fsync_file(fd: int) -> None:
    """Flush a file to stable storage (``F_FULLFSYNC`` on macOS)."""
    full = getattr(fcntl, "F_FULLFSYNC", None)
    if full is not None:
        try:
            fcntl.fcntl(fd, full)
            return
        except OSError:
            pass
    os.fsync(fd)


def _fsync_dir(directory: Path) -> None:
    """Make a rename or new entry in ``directory`` durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as e:  # some file systems cannot fsync a directory
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise
    finally:
        os.close(fd)


def _mkdir(directory: Path) -> None:
    """Create a directory (and parents) and make the new entry durable."""
    if directory.is_dir():
        return
    _mkdir(directory.parent)
    with suppress(FileExistsError):
        os.mkdir(directory, 0o777)  # the umask applies: a shared store stays shared
        _fsync_dir(directory.parent)


def _write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path``: temporary file, fsync, ``os.replace``, fsync dir."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                _fsync_file(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(key: str) -> threading.Lock:
    """One lock per lock file within this process (flock may not exclude threads)."""
    with _thread_locks_guard:
        lock = _thread_locks.get(key)
        if lock is None:
            lock = _thread_locks[key] = threading.Lock()
        return lock


def _default_by() -> str | None:
    """Who saves: the JupyterHub user if there is one, else the login name."""
    user = os.environ.get("JUPYTERHUB_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. an unknown uid in a container)
        return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --- The store ------------------------------------------------------------------------


class WorkbookStore:
    """A directory of workbooks: atomic saves, revision history, conflict detection.

    ``keep`` is how many revisions of each workbook history keeps (at least 20);
    ``lock_timeout`` is how long a save waits for another process's save (seconds).
    """

    def __init__(
        self, directory: str | os.PathLike[str], keep: int = 50, lock_timeout: float = 30.0
    ) -> None:
        if keep < MIN_KEEP:
            raise ValueError(f"keep must be at least {MIN_KEEP}, not {keep}")
        self.directory = Path(directory)
        self.keep = keep
        self.lock_timeout = lock_timeout
        _mkdir(self.directory)
        _mkdir(self.directory / ".history")
        _mkdir(self.directory / ".locks")

    def __repr__(self) -> str:
        return f"WorkbookStore({str(self.directory)!r})"

    # --- paths ---

    def _check_id(self, workbook_id: str) -> str:
        if not valid_id(workbook_id):
            raise ValueError(
                f"{workbook_id!r} is not a workbook id (1-64 letters, digits, '_' or '-')"
            )
        return workbook_id

    def path(self, workbook_id: str) -> Path:
        """The file holding the current revision of a workbook."""
        return self.directory / f"{self._check_id(workbook_id)}.json"

    def data_dir(self, workbook_id: str, *, create: bool = True) -> Path:
        """The folder of a workbook's data files (``<dir>/.data/<id>/``), made on demand."""
        folder = self.directory / ".data" / self._check_id(workbook_id)
        if create:
            _mkdir(folder)
        return folder

    def _history_dir(self, workbook_id: str) -> Path:
        return self.directory / ".history" / workbook_id

    def _revision_path(self, workbook_id: str, revision: int) -> Path:
        return self._history_dir(workbook_id) / f"{revision:08d}.json"

    def _meta_path(self, workbook_id: str, revision: int) -> Path:
        return self._history_dir(workbook_id) / f"{revision:08d}.meta.json"

    # --- reading ---

    def _read(self, workbook_id: str, path: Path) -> Workbook:
        """Read one file; raise DamagedWorkbookError (newest_good unset) if it is bad.

        A document of a newer schema version raises a plain DocumentError: it is not
        damaged, this hjemmekit is too old for it.
        """
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise
        except OSError as e:
            raise DamagedWorkbookError(workbook_id, path, f"cannot be read ({e})") from None
        if not data.strip():
            raise DamagedWorkbookError(workbook_id, path, "the file is empty")
        try:
            doc = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise DamagedWorkbookError(
                workbook_id, path, f"not valid JSON, it may be cut short ({e})"
            ) from None
        version = doc.get("schema_version") if isinstance(doc, dict) else None
        newer = isinstance(version, int) and not isinstance(version, bool)
        newer = newer and version > SCHEMA_VERSION
        try:
            wb = load_workbook(doc)
        except DocumentError as e:
            if newer:
                raise DocumentError(f"{path}: {e}") from None
            raise DamagedWorkbookError(workbook_id, path, str(e).replace("\n", "; ")) from None
        if wb.id != workbook_id:  # the file name is the id (e.g. a file copied by hand)
            wb = wb.model_copy(update={"id": workbook_id})
        return wb

    def _history_revisions(self, workbook_id: str) -> list[int]:
        """Revision numbers kept in history, newest first."""
        try:
            names = os.listdir(self._history_dir(workbook_id))
        except (FileNotFoundError, NotADirectoryError):
            return []
        revs = [int(m.group(1)) for n in names if (m := _REVISION_FILE.match(n))]
        return sorted(revs, reverse=True)

    def _state(self, workbook_id: str) -> _State:
        """Find the newest good revision: the main file, or history if it is newer."""
        main = self.path(workbook_id)
        wb: Workbook | None = None
        problem: str | None = None
        exists = True
        try:
            wb = self._read(workbook_id, main)
        except FileNotFoundError:
            exists = False
        except DamagedWorkbookError as e:
            problem = e.reason
        history = self._history_revisions(workbook_id)
        floor = wb.revision if wb is not None else -1
        for rev in history:
            if rev <= floor:
                break
            try:  # an interrupted save, or a damaged main file: history is newer
                hist = self._read(workbook_id, self._revision_path(workbook_id, rev))
            except (FileNotFoundError, DamagedWorkbookError):
                continue
            if hist.revision > floor:
                wb = hist
                break
        return _State(wb, problem, exists, history)

    def open(self, workbook_id: str) -> Workbook:
        """The current revision of a workbook.

        Raises NotFoundError, DamagedWorkbookError (with ``newest_good``; see
        ``recover``) or DocumentError (a newer schema version than this hjemmekit knows).
        """
        state = self._state(self._check_id(workbook_id))
        if state.main_problem is not None:
            newest = state.workbook.revision if state.workbook is not None else None
            raise DamagedWorkbookError(
                workbook_id, self.path(workbook_id), state.main_problem, newest
            )
        if state.workbook is None:
            if state.history:  # no main file, and nothing in history reads
                raise DamagedWorkbookError(
                    workbook_id,
                    self._history_dir(workbook_id),
                    "no kept revision can be read",
                )
            raise NotFoundError(f"no workbook {workbook_id} in {self.directory}")
        return state.workbook

    def recover(self, workbook_id: str) -> Workbook:
        """The newest good revision, from history when ``<id>.json`` is damaged.

        Saving the result replaces the damaged file (which is set aside in history).
        """
        state = self._state(self._check_id(workbook_id))
        if state.workbook is not None:
            return state.workbook
        if state.main_problem is not None or state.history:
            where = self.path(workbook_id) if state.main_exists else self._history_dir(workbook_id)
            reason = state.main_problem or "no kept revision can be read"
            raise DamagedWorkbookError(workbook_id, where, reason)
        raise NotFoundError(f"no workbook {workbook_id} in {self.directory}")

    def exists(self, workbook_id: str) -> bool:
        """Whether the store has anything under this id (even a damaged file)."""
        self._check_id(workbook_id)
        return self.path(workbook_id).exists() or bool(self._history_revisions(workbook_id))

    def list(self) -> list[WorkbookInfo]:
        """Summaries of all workbooks, newest first; damaged ones flagged, not raised."""
        ids: set[str] = set()
        with suppress(FileNotFoundError):
            for name in os.listdir(self.directory):
                if name.endswith(".json") and valid_id(name[:-5]):
                    ids.add(name[:-5])
        with suppress(FileNotFoundError):
            for name in os.listdir(self.directory / ".history"):
                if valid_id(name) and self._history_revisions(name):
                    ids.add(name)
        infos = [self._info(i) for i in sorted(ids)]
        oldest = datetime.min.replace(tzinfo=now().tzinfo)
        infos.sort(key=lambda i: (i.problem is None, i.updated or oldest), reverse=True)
        return infos

    def _info(self, workbook_id: str) -> WorkbookInfo:
        try:
            state = self._state(workbook_id)
        except DocumentError as e:  # a newer schema version
            return WorkbookInfo(workbook_id, "", "", 0, None, problem=str(e))
        wb = state.workbook
        problem = None
        if state.main_problem is not None:
            problem = str(
                DamagedWorkbookError(
                    workbook_id,
                    self.path(workbook_id),
                    state.main_problem,
                    wb.revision if wb is not None else None,
                )
            )
        elif wb is None:
            problem = f"{self._history_dir(workbook_id)}: no kept revision can be read"
        if wb is None:
            return WorkbookInfo(workbook_id, "", "", 0, None, problem=problem)
        return WorkbookInfo(
            workbook_id, wb.title, wb.organisation, wb.revision, wb.updated, wb.language,
            problem, wb.owner, tuple(wb.shares),
        )

    # --- history ---

    def history(self, workbook_id: str) -> list[HistoryEntry]:
        """The kept revisions of a workbook, newest first (the current one included)."""
        self._check_id(workbook_id)
        entries = []
        for rev in self._history_revisions(workbook_id):
            meta = self._read_meta(workbook_id, rev)
            updated = _parse_time(meta.get("updated"))
            if updated is None:
                updated = self._updated_of(self._revision_path(workbook_id, rev))
            by = meta.get("by")
            entries.append(HistoryEntry(rev, updated, by if isinstance(by, str) else None))
        return entries

    def _read_meta(self, workbook_id: str, revision: int) -> dict[str, Any]:
        try:
            meta = json.loads(self._meta_path(workbook_id, revision).read_bytes())
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) else {}

    @staticmethod
    def _updated_of(path: Path) -> datetime | None:
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        return _parse_time(doc.get("updated")) if isinstance(doc, dict) else None

    def open_revision(self, workbook_id: str, revision: int) -> Workbook:
        """One kept revision. Raises NotFoundError if it is not (or no longer) kept."""
        self._check_id(workbook_id)
        path = self._revision_path(workbook_id, revision)
        try:
            return self._read(workbook_id, path)
        except FileNotFoundError:
            raise NotFoundError(
                f"revision {revision} of workbook {workbook_id} is not kept"
            ) from None
        except DamagedWorkbookError as e:
            try:
                newest = self.recover(workbook_id).revision
            except StoreError:
                newest = None
            raise DamagedWorkbookError(workbook_id, path, e.reason, newest) from None

    # --- writing ---

    @contextmanager
    def _locked(self, workbook_id: str) -> Iterator[None]:
        """Hold the workbook's lock: a thread lock, then ``flock`` on its lock file."""
        path = self.directory / ".locks" / f"{workbook_id}.lock"
        deadline = time.monotonic() + self.lock_timeout
        tlock = _thread_lock(str(path.resolve()))
        if not tlock.acquire(timeout=max(self.lock_timeout, 0)):
            raise StoreBusyError(f"workbook {workbook_id} is busy (another save hangs)")
        try:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except PermissionError:  # created by another user without write access
                fd = os.open(path, os.O_RDONLY)
            try:
                delay = 0.001
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise StoreBusyError(
                                f"workbook {workbook_id} is busy (another save hangs)"
                            ) from None
                        time.sleep(delay * (0.5 + random.random()))
                        delay = min(delay * 2, 0.02)
                    except InterruptedError:
                        continue
                yield
            finally:
                os.close(fd)  # releases the flock
        finally:
            tlock.release()

    def _cleanup(self, workbook_id: str) -> None:
        """Remove temporary files left by killed saves (call with the lock held)."""
        prefix = f".{workbook_id}.json."
        with suppress(OSError):
            for name in os.listdir(self.directory):
                if name.startswith(prefix) and name.endswith(".tmp"):
                    with suppress(OSError):
                        os.unlink(self.directory / name)
        hdir = self._history_dir(workbook_id)
        with suppress(OSError):
            for name in os.listdir(hdir):
                if name.startswith(".") and name.endswith(".tmp"):
                    with suppress(OSError):
                        os.unlink(hdir / name)

    def _prune(self, workbook_id: str) -> None:
        """Drop revisions beyond the newest ``keep`` (call with the lock held)."""
        revs = self._history_revisions(workbook_id)
        if len(revs) <= self.keep:
            return
        cutoff = revs[self.keep - 1]
        hdir = self._history_dir(workbook_id)
        with suppress(OSError):
            for name in os.listdir(hdir):
                m = _REVISION_FILE.match(name) or _META_FILE.match(name)
                if m and int(m.group(1)) < cutoff:
                    with suppress(FileNotFoundError):
                        os.unlink(hdir / name)

    def _write(self, wb: Workbook, state: _State, by: str | None) -> None:
        """Write revision ``wb.revision``: history first (commit point), then main file."""
        workbook_id = wb.id
        data = wb.to_json().encode("utf-8")
        hdir = self._history_dir(workbook_id)
        _mkdir(hdir)
        _write_atomic(self._revision_path(workbook_id, wb.revision), data)
        meta = {
            "revision": wb.revision,
            "updated": wb.updated.isoformat(),
            "by": by,
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
        with suppress(OSError):  # informational only: not worth an fsync
            _write_atomic(
                self._meta_path(workbook_id, wb.revision),
                json.dumps(meta).encode(),
                durable=False,
            )
        main = self.path(workbook_id)
        if state.main_problem is not None:  # keep the damaged file, out of the way
            stamp = now().strftime("%Y%m%dT%H%M%SZ")
            with suppress(FileNotFoundError):
                os.rename(main, hdir / f"damaged-{stamp}-{secrets.token_hex(3)}.json")
        _write_atomic(main, data)
        self._prune(workbook_id)

    def save(self, workbook: Workbook, *, by: str | None = None) -> Workbook:
        """Save a new revision, based on ``workbook.revision``; return the workbook.

        On success the workbook's ``revision`` is one higher and ``updated`` is now (the
        object passed in is updated and returned). If the workbook on disk has moved
        on since that revision, raise ConflictError and write nothing. ``by`` names who
        saves (default: the JupyterHub user or login name); ConflictError reports it.
        """
        workbook_id = self._check_id(workbook.id)
        base = workbook.revision
        if by is None:
            by = _default_by()
        with self._locked(workbook_id):
            self._cleanup(workbook_id)
            state = self._state(workbook_id)
            disk = state.workbook
            if disk is not None:
                if disk.revision != base:
                    meta = self._read_meta(workbook_id, disk.revision)
                    who = meta.get("by")
                    raise ConflictError(
                        workbook_id,
                        disk.revision,
                        base,
                        disk.updated,
                        who if isinstance(who, str) else None,
                    )
                revision = base + 1
            else:  # nothing good on disk: never go below what history numbers hold
                revision = max([base, *state.history]) + 1
            new = workbook.model_copy(update={"revision": revision, "updated": now()})
            self._write(new, state, by)
        workbook.revision = new.revision
        workbook.updated = new.updated
        return workbook

    def _insert(self, workbook: Workbook, by: str | None, keep_id: bool) -> Workbook:
        """Save a workbook as revision 1 under a free id (a new one if its id is taken)."""
        if by is None:
            by = _default_by()
        for attempt in range(20):
            workbook_id = workbook.id if keep_id and attempt == 0 else new_id()
            if not valid_id(workbook_id):
                continue
            with self._locked(workbook_id):
                if self.exists(workbook_id):
                    continue
                stamp = now()
                new = workbook.model_copy(
                    update={"id": workbook_id, "revision": 1, "updated": stamp}
                )
                self._write(new, _State(None, None, False, []), by)
                return new
        raise StoreError("could not find a free workbook id")  # pragma: no cover

    def create(
        self,
        title: str = "",
        organisation: str = "",
        language: Language = "da",
        *,
        by: str | None = None,
    ) -> Workbook:
        """Create and save a new, empty workbook (revision 1)."""
        wb = Workbook(title=title, organisation=organisation, language=language)
        return self._insert(wb, by, keep_id=False)

    def import_document(
        self, doc: dict[str, Any] | str | bytes, *, by: str | None = None
    ) -> Workbook:
        """Add an uploaded workbook (dict or JSON text) to the store, as revision 1.

        The document is validated (and migrated) by ``load_workbook``; DocumentError
        propagates. It keeps its id unless that is taken, then it gets a new one.
        """
        wb = load_workbook(doc)
        return self._insert(wb, by, keep_id=True)

    def copy(
        self, workbook: Workbook, title: str | None = None, *, by: str | None = None
    ) -> Workbook:
        """Save a copy of a workbook (e.g. an example) under a new id, as revision 1.

        Data files the workbook has in this store are copied along.
        """
        doc = workbook.model_dump(mode="json")
        doc.update(id=new_id(), revision=0, created=now().isoformat())
        if title is not None:
            doc["title"] = title
        copy = self._insert(load_workbook(doc), by, keep_id=True)
        source = self.data_dir(workbook.id, create=False)
        if source.is_dir():
            shutil.copytree(source, self.data_dir(copy.id, create=False), dirs_exist_ok=True)
        return copy
