"""Where a workbook's trial data live, and loading them (plain Python, no widgets).

Files uploaded for a workbook are kept in its data folder in the store, read through
:meth:`hjemmekit.access.GuardedStore.data_dir` and written through its
``put_data_file``/``remove_data_file`` (so only who may edit the workbook changes them,
and a remote store can do it over HTTP), each named after its kind
(``survey.csv``, ``units.xlsx``, ...) so that :func:`hjemmekit.io.read_data_dir` reads the
folder as it stands; ``.names.json`` there remembers the names the files were uploaded
under. Only files without problems are kept: an upload is validated first, and a file of
a kind already there replaces it. Until a workbook has files of its own, the bundled
example data named by ``trial.example_data`` are used (``data/examples/<name>``).

``pandas`` and :mod:`hjemmekit.io` are imported when first needed, not on import.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hjemmekit.i18n import t
from hjemmekit.session import examples_dir
from hjemmekit.store import _write_atomic

if TYPE_CHECKING:
    import pandas as pd

    from hjemmekit.access import GuardedStore
    from hjemmekit.evaluation import Design, Evaluation
    from hjemmekit.io import DataSet
    from hjemmekit.model import Workbook

__all__ = [
    "EXTENSIONS",
    "FileSummary",
    "TrialData",
    "Upload",
    "add_file",
    "add_file_to",
    "design_for",
    "evaluate",
    "example_folder",
    "for_workbook",
    "given",
    "groups_from_units",
    "has_files",
    "load",
    "question_label",
    "read_folder",
    "remove_file",
    "remove_file_from",
    "summarize",
    "unit_names",
]

EXTENSIONS = (".csv", ".xlsx")
"""The kinds of file an upload may be."""
NAMES_FILE = ".names.json"
"""In a data folder: kind -> the name the file was uploaded under."""
_KINDS = ("units", "survey", "sickleave", "production", "dialogue")
"""``hjemmekit.io.KINDS``, here so that finding files needs no pandas."""
_EXAMPLE_NAME = re.compile(r"^[a-z0-9_-]{1,40}$")
_PERIOD_COLUMN = {"survey": "date", "dialogue": "date", "sickleave": "month",
                  "production": "period"}


@dataclass(frozen=True)
class FileSummary:
    """A loaded data file in a few figures: rows, units and the period it covers."""

    kind: str
    name: str
    rows: int
    units: int | None = None
    first: date | None = None
    last: date | None = None


@dataclass
class Upload:
    """What became of one uploaded file: kept (with a summary) or refused (problems)."""

    name: str
    kind: str | None = None
    problems: list[str] = field(default_factory=list)
    summary: FileSummary | None = None
    replaced: bool = False

    @property
    def ok(self) -> bool:
        return self.summary is not None and not self.problems


@dataclass
class TrialData:
    """The data a workbook's trial is evaluated on, and where they come from."""

    source: Literal["own", "example", "given", "none"]
    folder: Path | None = None
    example: str | None = None
    data: DataSet | None = None
    files: list[FileSummary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- Folders ---------------------------------------------------------------------------


def example_folder(name: str | None) -> Path | None:
    """The bundled example data folder ``name`` (e.g. ``"medium"``), None if there is none."""
    if not name or not _EXAMPLE_NAME.fullmatch(name):
        return None
    folder = examples_dir() / name
    return folder if folder.is_dir() else None


def _data_files(folder: Path) -> dict[str, Path]:
    """The data file of each kind in a folder we manage (``<kind>.csv|.xlsx``)."""
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.iterdir()):
        stem, suffix = p.stem.casefold(), p.suffix.casefold()
        if p.is_file() and stem in _KINDS and suffix in EXTENSIONS and stem not in out:
            out[stem] = p
    return out


def has_files(folder: Path | None) -> bool:
    """Whether a workbook's data folder holds any data file."""
    return folder is not None and bool(_data_files(folder))


def _names(folder: Path) -> dict[str, str]:
    try:
        names = json.loads((folder / NAMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


# --- Summaries --------------------------------------------------------------------------


def summarize(frame: pd.DataFrame, kind: str, name: str) -> FileSummary:
    """Rows, distinct units and first/last date of a canonical frame."""
    import pandas as pd

    units = int(frame["unit"].nunique()) if "unit" in frame else None
    first = last = None
    column = _PERIOD_COLUMN.get(kind)
    if column and column in frame:
        when = pd.to_datetime(frame[column], errors="coerce").dropna()
        if len(when):
            first, last = when.min().date(), when.max().date()
    return FileSummary(kind, name, len(frame), units, first, last)


# --- Uploads ----------------------------------------------------------------------------


class _Files:
    """Where an upload is kept: a folder of our own (tests, notebooks) by default."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read_folder(self) -> Path:
        return self.folder

    def put(self, filename: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.folder / filename, data)

    def remove(self, filename: str) -> None:
        (self.folder / filename).unlink(missing_ok=True)


class _StoreFiles(_Files):
    """A workbook's data files in the store, written through its (guarded) store so that
    only a user who may edit the workbook changes them."""

    def __init__(self, store: GuardedStore, workbook_id: str) -> None:
        self.store = store
        self.workbook_id = workbook_id

    def read_folder(self) -> Path:
        return self.store.data_dir(self.workbook_id)

    def put(self, filename: str, data: bytes) -> None:
        self.store.put_data_file(self.workbook_id, filename, data)

    def remove(self, filename: str) -> None:
        self.store.remove_data_file(self.workbook_id, filename)


def _set_name(files: _Files, kind: str, name: str | None) -> None:
    names = _names(files.read_folder())
    if name is None:
        names.pop(kind, None)
    else:
        names[kind] = name
    files.put(NAMES_FILE, json.dumps(names, ensure_ascii=False).encode("utf-8"))


def add_file(
    folder: Path, name: str, content: bytes, lang: str = "da", shown_as: str | None = None
) -> Upload:
    """Validate an uploaded file and keep it in ``folder`` when it has no problems.

    The kind comes from the file name (``survey.csv``, ``sygefravær.xlsx``, ...). A
    refused file leaves the folder as it was; its problems are one line each
    (``file:line: column 'x': ...``). ``shown_as``: the name the file list shows (e.g.
    the export a survey file was imported from), else ``name``.
    """
    return _add(_Files(folder), name, content, lang, shown_as)


def add_file_to(
    store: GuardedStore, workbook_id: str, name: str, content: bytes, lang: str = "da",
    shown_as: str | None = None,
) -> Upload:  # fmt: skip
    """:func:`add_file` for a workbook's data in the store (needs edit access:
    ``AccessDeniedError`` otherwise)."""
    return _add(_StoreFiles(store, workbook_id), name, content, lang, shown_as)


def _add(files: _Files, name: str, content: bytes, lang: str,
         shown_as: str | None = None) -> Upload:  # fmt: skip
    from hjemmekit import io

    name = Path(str(name).replace("\\", "/")).name.strip() or "?"
    if Path(name).suffix.casefold() not in EXTENSIONS:
        return Upload(name, problems=[t("trial.upload_wrong_type", lang, name=name)])
    frame, report = io.validate_bytes(content, name, io.infer_kind(name))
    if report or frame is None:
        lines = report.lines(lang) or [t("trial.upload_unreadable", lang, name=name)]
        return Upload(name, io.infer_kind(name), problems=lines)
    kind = str(frame.attrs.get("kind"))
    xlsx = content[:4] == b"PK\x03\x04" or name.casefold().endswith(".xlsx")
    target = f"{kind}{'.xlsx' if xlsx else '.csv'}"
    old = _data_files(files.read_folder()).get(kind)
    files.put(target, content)
    if old is not None and old.name != target:
        files.remove(old.name)
    _set_name(files, kind, shown_as or name)
    return Upload(name, kind, summary=summarize(frame, kind, shown_as or name),
                  replaced=old is not None)


def remove_file(folder: Path, kind: str) -> bool:
    """Delete the data file of ``kind`` from a workbook's folder; False if there is none."""
    return _remove(_Files(folder), kind)


def remove_file_from(store: GuardedStore, workbook_id: str, kind: str) -> bool:
    """:func:`remove_file` for a workbook's data in the store (needs edit access)."""
    return _remove(_StoreFiles(store, workbook_id), kind)


def _remove(files: _Files, kind: str) -> bool:
    path = _data_files(files.read_folder()).get(kind)
    if path is None:
        return False
    files.remove(path.name)
    with suppress(OSError):
        _set_name(files, kind, None)
    return True


# --- Loading ----------------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> DataSet:
    """Read the data files of a folder (``survey.csv``, ...); raises ``io.DataError``."""
    from hjemmekit.io import read_data_dir

    return read_data_dir(path)


def read_folder(
    folder: Path, names: dict[str, str] | None = None, lang: str = "da"
) -> TrialData:
    """Read every data file in a folder, keeping the good ones; problems are listed (in
    ``lang``)."""
    from hjemmekit import io

    names = names if names is not None else _names(folder)
    dataset = io.DataSet()
    out = TrialData("own", folder, data=dataset)
    for kind, path in _data_files(folder).items():
        frame, report = io.validate_file(path, kind)
        if report or frame is None:
            out.problems.extend(report.lines(lang)
                                or [t("trial.upload_unreadable", lang, name=path.name)])
            continue
        setattr(dataset, kind, frame)
        dataset.files[kind] = path
        if kind == "survey":
            dataset.questions = list(frame.attrs.get("questions", []))
            dataset.background = list(frame.attrs.get("background", []))
        out.files.append(summarize(frame, kind, names.get(kind, path.name)))
    order = {k: i for i, k in enumerate(io.KINDS)}
    out.files.sort(key=lambda f: order.get(f.kind, 99))
    if not dataset.kinds:
        out.data = None
    return out


def given(data: DataSet) -> TrialData:
    """Data loaded elsewhere (e.g. ``load(path)`` in a notebook), with their summaries."""
    files = [summarize(getattr(data, kind), kind, data.files[kind].name if kind in data.files
                       else kind) for kind in data.kinds]
    return TrialData("given", data=data, files=files)


def for_workbook(store: GuardedStore, wb: Workbook, lang: str = "da") -> TrialData:
    """The workbook's own files if it has any, else its example data, else nothing;
    problems in ``lang``."""
    folder = store.data_dir(wb.id)
    if has_files(folder):
        return read_folder(folder, lang=lang)
    example = example_folder(wb.trial.example_data)
    if example is not None:
        data = read_folder(example, names={}, lang=lang)
        data.source, data.example = "example", wb.trial.example_data
        data.folder = folder
        return data
    return TrialData("none", folder)


# --- Units and the design ------------------------------------------------------------------


def unit_names(data: Any) -> list[str]:
    """The units in the data: the units file's order, else sorted from the other files."""
    units = getattr(data, "units", None)
    if units is not None and "unit" in units:
        return list(dict.fromkeys(str(u) for u in units["unit"].dropna()))
    found: set[str] = set()
    for kind in ("survey", "sickleave", "production", "dialogue"):
        frame = getattr(data, kind, None)
        if frame is not None and "unit" in frame:
            found.update(str(u) for u in frame["unit"].dropna().unique())
    return sorted(found, key=str.casefold)


def groups_from_units(data: Any) -> tuple[list[str], list[str]]:
    """Trial and comparison units from the units file's ``group`` column."""
    units = getattr(data, "units", None)
    if units is None or "group" not in units or "unit" not in units:
        return [], []
    out: dict[str, list[str]] = {"trial": [], "comparison": []}
    for unit, group in zip(units["unit"], units["group"], strict=True):
        if isinstance(unit, str) and group in out and unit not in out[group]:
            out[group].append(unit)
    return out["trial"], out["comparison"]


def design_for(wb: Workbook, data: Any = None) -> Design:
    """The evaluation design of a workbook's step 5; raises ``DesignError``."""
    from hjemmekit.evaluation import Design

    return Design.from_workbook(wb, getattr(data, "units", None))


def evaluate(wb: Workbook, data: Any) -> Evaluation:
    """Evaluate the workbook's trial on ``data``; raises ``DesignError``."""
    from hjemmekit import evaluation

    return evaluation.evaluate(data, design_for(wb, data), wb)


def question_label(question: str, lang: str = "da") -> str:
    """A survey question's wording (for the example questions), else its column name."""
    from hjemmekit.examples import QUESTION_TEXTS

    texts = QUESTION_TEXTS.get(question)
    if not texts:
        return question
    return texts.get(lang) or texts["da"]
