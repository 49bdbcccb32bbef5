"""Shared parts of the export readers: :class:`Column`, :class:`Export`, sources, problems.

An :class:`Export` is one survey tool's export read into memory *without* its personal
columns: e-mail, name, respondent id, IP address and free-text answers are recognised by
their header (or, for free text, by their answers) and never leave the reader; only
their headers are kept, in :attr:`Export.dropped`, so the screen can say what was left.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.i18n import t
from hjemmekit.io import Problem, ValidationReport

__all__ = [
    "KINDS",
    "TOOLS",
    "Column",
    "Export",
    "ExportError",
    "Source",
    "as_sources",
    "fold",
    "is_personal_name",
    "problem",
]

TOOLS: tuple[str, ...] = ("surveyxact", "forms", "spss", "google")
"""The tools read: SurveyXact, Microsoft Forms, SPSS .sav, Google Forms."""

KINDS: tuple[str, ...] = ("personal", "system", "status", "datetime", "closed", "numeric",
                          "text")
"""Column kinds. ``personal`` and ``text`` (free text) are dropped at the door;
``system`` (language, durations...) and ``status`` (SurveyXact's statoverall_1-5) are
kept for completion only; ``datetime`` columns can give the date; ``closed`` columns
have a closed set of answers (labels: coded with value labels, or label text);
``numeric`` columns hold numbers without labels."""


class Source:
    """One file of an export: its name (for problem lines) and its bytes.

    Made from bytes (an upload) or from a path, whose bytes are read when first asked
    for; ``head(n)`` reads only the first ``n``, so a big dataset can be handed to the
    CSV reader by its path, without a copy in memory.
    """

    def __init__(self, name: str, data: bytes | None = None, path: str | None = None) -> None:
        self.name = name
        self.path = path
        self._data = data

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = Path(self.path or self.name).read_bytes()
        return self._data

    def size(self) -> int:
        if self._data is not None or self.path is None:
            return len(self.data)
        return os.path.getsize(self.path)

    def head(self, n: int) -> bytes:
        if self._data is not None or self.path is None:
            return self.data[:n]
        with open(self.path, "rb") as f:
            return f.read(n)

    @property
    def stem(self) -> str:
        return fold(Path(self.name).name.rsplit(".", 1)[0])

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.casefold()


def as_sources(
    sources: str | os.PathLike[str] | tuple[str, bytes] | list[Any] | tuple[Any, ...],
) -> list[Source]:
    """Paths, ``(filename, bytes)`` pairs or :class:`Source` objects as sources.

    Raises :class:`ExportError` for a file that cannot be read."""
    if isinstance(sources, str | os.PathLike | Source) or (
            isinstance(sources, tuple) and len(sources) == 2 and isinstance(sources[1], bytes)):
        sources = [sources]
    out: list[Source] = []
    problems: list[Problem] = []
    for s in sources:
        if isinstance(s, Source):
            out.append(s)
        elif isinstance(s, tuple):
            name, data = s
            out.append(Source(str(name), bytes(data)))
        else:
            p = Path(s)
            try:
                if p.is_dir():
                    raise IsADirectoryError(os.fspath(s))
                with open(p, "rb"):
                    pass
                out.append(Source(os.fspath(s), path=os.fspath(s)))
            except IsADirectoryError:
                problems.append(problem(os.fspath(s), None, None, "is_folder"))
            except FileNotFoundError:
                problems.append(problem(os.fspath(s), None, None, "no_such_file"))
            except OSError as e:
                problems.append(problem(os.fspath(s), None, None, "cannot_read_file",
                                        error=e.strerror or str(e)))
    if problems:
        raise ExportError(problems)
    if not out:
        raise ExportError([problem("-", None, None, "export_no_files")])
    return out


def open_xlsx(source: Source) -> Any:
    """An openpyxl workbook (read-only, values) of an XLSX source; a damaged one raises
    :class:`ExportError` naming the file. Close it when done."""
    import io

    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any damage: one line naming the file
        raise ExportError([problem(source.name, None, None, "unreadable_xlsx",
                                   error=" ".join(str(e).split())[:200])]) from None


def problem(file: str, line: int | None, column: str | None, key: str, **params: Any) -> Problem:
    """A :class:`hjemmekit.io.Problem` whose text is ``problems.<key>`` of the catalogs."""
    return Problem(file, line, column, t(f"problems.{key}", "en", **params), 0, key, params)


class ExportError(ValueError):
    """An export that cannot be read or imported; ``problems`` lists every problem and
    ``str()`` gives one line each (``lines(lang)`` in Danish too)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.report = ValidationReport(list(problems))
        super().__init__(str(self.report))

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    def lines(self, lang: str = "en") -> list[str]:
        return self.report.lines(lang)


@dataclass
class Column:
    """One column of an export.

    ``key`` names it in an :class:`~hjemmekit.model.ImportProfile` and in
    :attr:`Export.data`: the variable name for SurveyXact and SPSS, else the header.
    ``labels`` maps codes to answer labels where the export has them (SurveyXact's
    Labels, SPSS value labels); for tools that export label text (Forms, Google) it is
    None and ``answers`` lists the distinct answers found (closed columns only).
    """

    key: str
    header: str
    kind: str
    variable: str | None = None
    text: str = ""
    labels: dict[float, str] | None = None
    answers: list[str] = field(default_factory=list)
    position: int = 0
    source: str = ""

    @property
    def title(self) -> str:
        """How the column is shown: its header, with the question text when different."""
        if self.text and fold(self.text) != fold(self.header):
            return f"{self.header} ({self.text})"
        return self.header

    def label_list(self) -> list[str]:
        """The answer labels: value labels in code order, else the answers found."""
        if self.labels:
            return [self.labels[k] for k in sorted(self.labels)]
        return list(self.answers)


@dataclass
class Export:
    """A survey tool's export in memory, personal columns dropped.

    - ``tool``: one of :data:`TOOLS`; ``sources``: the file names read;
    - ``columns``: every column of the export in file order (also the dropped ones,
      whose data is not kept);
    - ``data``: a frame with one column per kept column, named by key: codes (float64)
      for coded columns, label text (category) for text answers, datetime64 for times,
      float64 for numbers; one row per respondent, in file order;
    - ``completed``: bool per row; ``not_completed`` = rows - completed;
    - ``dropped``: headers of the personal and free-text columns dropped;
    - ``lines``: the line (CSV) or sheet row (XLSX) of each row, for problem lines;
      ``file``: the file rows come from (the dataset).
    """

    tool: str
    sources: list[str]
    columns: list[Column]
    data: pd.DataFrame
    completed: np.ndarray
    dropped: list[str]
    file: str
    lines: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    loader: Callable[[list[str]], dict[str, Any]] | None = field(default=None, repr=False)
    """Reads columns left unread (``lazy``: times and system columns of a big SurveyXact
    dataset, which an import rarely needs) by key; see :meth:`ensure`."""
    lazy: set[str] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return len(self.data)

    @property
    def not_completed(self) -> int:
        return int(len(self.completed) - np.count_nonzero(self.completed))

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def kept(self, *kinds: str) -> list[Column]:
        """The columns with data (not dropped), of the given kinds (all without)."""
        return [c for c in self.columns if (c.key in self.data.columns or c.key in self.lazy)
                and (not kinds or c.kind in kinds)]

    def ensure(self, *keys: str | None) -> None:
        """Read the columns among ``keys`` that were left unread (see ``lazy``)."""
        wanted = [k for k in keys if k in self.lazy]
        if not wanted or self.loader is None:
            return
        for key, values in self.loader(wanted).items():
            self.data[key] = values
            self.lazy.discard(key)

    def find(self, name: str) -> Column | None:
        """The column a user names: by key, header, variable name or question text
        (exactly first, then ignoring case and blanks); None when none or several fit."""
        for attr in ("key", "header", "variable", "text"):
            hits = [c for c in self.columns if getattr(c, attr) == name]
            if len(hits) == 1:
                return hits[0]
        folded = fold(name)
        for attr in ("key", "header", "variable", "text"):
            hits = [c for c in self.columns if getattr(c, attr) and fold(getattr(c, attr))
                    == folded]
            if len(hits) == 1:
                return hits[0]
        return None

    def line_of(self, row: int) -> int:
        if self.lines is None:
            return row + 2
        return int(self.lines[row])


@lru_cache(maxsize=1 << 14)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().casefold()
    return _NOT_WORD.sub("_", text).strip("_")


_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: object) -> str:
    """Case-fold, NFC-normalise, punctuation and blanks as ``_``."""
    return _fold(str(text))


_PERSONAL = {
    fold(n) for n in (
        "email", "e-mail", "e_mail", "mail", "emailaddress", "email address", "e-mail address",
        "e-mailadresse", "mailadresse", "email adresse", "e-post", "name", "navn",
        "full name", "fulde navn", "fornavn", "efternavn", "first name", "last name",
        "respondent name", "respondentnavn", "respondentid", "respondent id",
        "respondent_id", "respondent", "id", "responseid", "response id", "svar id",
        "svarid", "løbenummer", "lnr", "externalid", "external id", "external reference",
        "externalreference", "userid", "user id", "username", "user name", "brugernavn",
        "brugerid", "initialer", "initials", "cpr", "cpr nummer", "cprnr", "phone",
        "telefon", "telefonnummer", "mobil", "mobile", "mobilnummer", "ip", "ipaddress",
        "ip address", "ip-adresse", "ipadresse", "remote addr", "remote_addr",
        "medarbejdernummer", "employee id", "employeeid", "mnr", "loginname", "login",
    )
}
_PERSONAL_PARTS = ("email", "e_mail", "mailadresse", "ip_address", "ip_adresse",
                   "ipaddress", "ipadresse")


def is_personal_name(*names: str | None) -> bool:
    """Whether a header or variable name names personal data (e-mail, name, id, IP)."""
    for name in names:
        if not name:
            continue
        f = fold(name)
        if f in _PERSONAL or any(p in f for p in _PERSONAL_PARTS):
            return True
    return False


def looks_like_free_text(values: pd.Series | np.ndarray, header: str = "") -> bool:
    """Whether answers (text) are free text: many different answers, or long ones."""
    s = pd.Series(values, copy=False)
    if isinstance(s.dtype, pd.CategoricalDtype):  # on the distinct answers only
        counts = s.value_counts(sort=False)
        counts = counts[counts > 0]
        texts = pd.Series(counts.index.astype(str), dtype=object)
        keep = (texts.str.strip() != "").to_numpy()
        texts, filled = texts[keep], int(counts.to_numpy()[keep].sum())
    else:
        s = s.dropna().astype("str")
        s = s[s.str.strip() != ""]
        texts, filled = pd.Series(s.unique(), dtype=object), len(s)
    if not filled:
        return _FREE_TEXT_HEADER.search(fold(header)) is not None
    distinct = len(texts)
    if texts.str.len().max() > 120:
        return True
    if _FREE_TEXT_HEADER.search(fold(header)) and distinct > 3:
        return True
    return distinct > 20 and distinct > 0.5 * filled


_FREE_TEXT_HEADER = re.compile(
    r"(kommentar|bemærk|uddyb|fritekst|andre_forslag|comment|remarks|free_text|"
    r"please_explain|explain_why|other_suggestions)")


_DATE_HEADERS = {fold(n) for n in (
    "created", "modified", "starttime", "closetime", "start time", "completion time",
    "last modified time", "starttidspunkt", "fuldførelsestidspunkt", "færdiggørelsestidspunkt",
    "afslutningstidspunkt", "tidspunkt for seneste ændring", "seneste ændring",
    "timestamp", "tidsstempel", "dato", "date", "submitted", "submitdate", "startdate",
    "enddate", "oprettet", "ændret", "afsluttet", "svartidspunkt",
)}


def is_date_name(name: str) -> bool:
    return fold(name) in _DATE_HEADERS
