"""Reading and validating data files (CSV and XLSX, Danish and English dialects).

Five kinds of data file (see DESIGN.md, "Data files"): ``units``, ``survey``,
``sickleave``, ``production`` and ``dialogue``. Each is read into a canonical
:class:`pandas.DataFrame` with English column names:

- ``units``: unit (str), group ("trial" / "comparison" / missing), parent (str or
  missing), headcount (float64), desks (float64).
- ``survey``: date (datetime64[ns], a day), unit (category), role (category:
  "employee" / "manager"), one float64 column per question (named as in the file),
  home_days_wanted and home_days_actual (float64, missing when the file has no such
  column), then the background columns found (float64 when every value is a number,
  else category). A survey has many rows and few distinct texts, so its text columns
  are categorical, their categories in text order; compare and select as with str.
- ``sickleave``: unit (str), month (datetime64[ns], the first day of the month),
  fte (float64, årsværk), sick_days (float64).
- ``production``: unit (str), period (datetime64[ns]: a month ``YYYY-MM`` becomes its
  first day, a date stays that day), metric (str), value (float64).
- ``dialogue``: date (datetime64[ns]), unit (str), theme (str), note (str).

Missing values are NaN / NaT (test with :func:`pandas.isna`). The frame's ``attrs``
hold ``kind``, ``source`` (the file), and for surveys ``questions`` and ``background``.

Survey columns: a column whose name is not a known one (see :data:`COLUMN_NAMES`) is a
*question* when at least half of its filled-in values are numbers; then every value
must be a number from 0 to 10 (blank answers are allowed) and each one that is not is
reported. Otherwise (also when it is empty) it is a *background* column. Known
background columns (seniority_years, commute_minutes, age_group), respondent ids (id,
respondent_id, ...) and columns whose name starts with ``bg_`` or ``baggrund_`` are
always background columns, numeric or not: name a numeric column that is not a question
(a year, a postal code) ``bg_...``. Background columns are float64 when every value is a
number, else category.

Validation finds every problem, not just the first, and reports each as one line
naming file, line and column (the header is line 1; for XLSX the sheet row)::

    survey.csv:14: column 'date': '31-02-2026' is not a date
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from hjemmekit.codes import factorize
from hjemmekit.columns import (
    COLUMN_LOOKUP,
    COLUMN_NAMES,
    FILE_LOOKUP,
    FILE_NAMES,
    GROUP_LOOKUP,
    KINDS,
    ROLE_LOOKUP,
    SPEC,
    column_names_markdown,
    infer_kind,
    is_background_name,
    match,
)
from hjemmekit.i18n import number, t
from hjemmekit.sickperiods import days_from_hours, quarter_of, quarter_rows, spread_quarters

__all__ = [
    "COLUMN_NAMES",
    "FILE_NAMES",
    "KINDS",
    "REPORT_LIMIT",
    "DataError",
    "DataSet",
    "Problem",
    "ValidationReport",
    "column_names_markdown",
    "find_data_files",
    "infer_kind",
    "read_bytes",
    "read_data_dir",
    "read_kind",
    "summarize",
    "validate_bytes",
    "validate_command",
    "validate_file",
]

#: Allowed survey answers (inclusive) and home days per week.
ANSWER_RANGE: tuple[float, float] = (0.0, 10.0)
HOME_DAYS_RANGE: tuple[float, float] = (0.0, 5.0)
#: Most sick days one årsværk can have in a month.
MAX_SICK_DAYS_PER_FTE: float = 31.0
#: At most this many problems are listed; the rest are counted.
REPORT_LIMIT: int = 200
#: Files at least this big show progress on stderr while read.
PROGRESS_BYTES: int = 50_000_000
#: CSV files at least this big are parsed with Arrow's multi-threaded reader when they
#: are plain and no progress is shown (see ``_parse_arrow``).
ARROW_BYTES: int = 16_000_000

_NA_TOKENS = frozenset({"na", "n/a", "#n/a", "nan", "null", "none", "-"})


# ---------------------------------------------------------------------------
# Problems and reports


@dataclass(frozen=True)
class Problem:
    """One problem in a data file; ``str()`` gives the one-line form (in English).

    ``key`` and ``params`` name the message in the ``problems`` catalog, so that
    :meth:`text` can give the line in Danish too; ``message`` is the English text.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    order: int = field(default=0, compare=False, repr=False)  # column position, for sorting
    key: str = field(default="", compare=False, repr=False)
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The one-line form in ``lang``: ``file:line: column 'x': message``."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        message = self.message
        if self.key and lang != "en":
            message = t(f"problems.{self.key}", lang, **self.params)
        if self.column is None:
            return f"{where}: {message}"
        return f"{where}: {t('problems.where_column', lang, column=self.column)}: {message}"


def _problem(file: str, line: int | None, column: str | None, key: str, order: int = 0,
             **params: Any) -> Problem:
    """A problem whose message is ``problems.<key>`` of the catalogs."""
    return Problem(file, line, column, t(f"problems.{key}", "en", **params), order, key,
                   params)


@dataclass
class ValidationReport:
    """The problems found in one or more files (at most ``limit`` kept per check)."""

    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0
    limit: int = REPORT_LIMIT

    @property
    def ok(self) -> bool:
        return not self.problems and not self.omitted

    @property
    def total(self) -> int:
        return len(self.problems) + self.omitted

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return not self.ok

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def extend(self, other: ValidationReport) -> None:
        self.problems.extend(other.problems)
        self.omitted += other.omitted

    def lines(self, lang: str = "en") -> list[str]:
        """One line per problem, sorted by file and line, capped at ``limit``; in
        English unless ``lang`` says otherwise."""
        ordered = sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.order))
        out = [p.text(lang) for p in ordered[: self.limit]]
        more = self.total - len(out)
        if more == 1:
            out.append(t("problems.more_one", lang))
        elif more > 1:
            out.append(t("problems.more", lang, count=number(more, lang, 0)))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class DataError(ValueError):
    """A data file has problems; ``problems`` lists them, ``str()`` one per line."""

    def __init__(self, problems: ValidationReport | list[Problem]) -> None:
        if isinstance(problems, ValidationReport):
            self.report = problems
        else:
            self.report = ValidationReport(list(problems))
        super().__init__(str(self.report))

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems


class _Collector:
    """Collects problems of one file; builds Problem objects only for the first few."""

    def __init__(self, file: str, lines: np.ndarray | None = None) -> None:
        self.file = file
        self.lines = lines  # line of each raw row; None: row i is on line i + first
        self.first = 2  # line of the first data row when ``lines`` is None
        self.report = ValidationReport()
        self.positions: dict[str, int] = {}  # header -> column position, to sort by

    def add(self, line: int | None, column: str | None, key: str, **params: Any) -> None:
        """Add the problem ``problems.<key>`` (see the catalogs) with ``params``."""
        order = self.positions.get(column, -1) if column is not None else -1
        self.report.problems.append(_problem(self.file, line, column, key, order, **params))

    def line_of(self, rows: np.ndarray) -> np.ndarray:
        if self.lines is None:
            return rows + self.first
        return self.lines[rows]

    def rows(
        self,
        bad: np.ndarray,
        column: str,
        key: str,
        params: Callable[[int], dict[str, Any]] | None = None,
    ) -> None:
        """Report the rows where boolean array ``bad`` is true: ``problems.<key>`` with
        ``params(row)``."""
        idx = np.flatnonzero(bad)
        if not len(idx):
            return
        shown = idx[: self.report.limit]
        for row, line in zip(shown.tolist(), self.line_of(shown).tolist(), strict=True):
            self.add(int(line), column, key, **(params(row) if params else {}))
        self.report.omitted += len(idx) - len(shown)


# ---------------------------------------------------------------------------
# Reading raw tables


@dataclass
class _Raw:
    """A file read as it stands: headers as written, columns c0..cN, line numbers."""

    headers: list[str]
    frame: pd.DataFrame
    lines: np.ndarray | None  # None: row i is on line i + header_line + 1
    xlsx: bool = False
    header_line: int = 1


class _ProgressReader(io.RawIOBase):
    """A bytes reader over ``data`` that reports how far it has come on stderr."""

    def __init__(self, data: bytes, name: str) -> None:
        self._buf = io.BytesIO(data)
        self._size = max(len(data), 1)
        self._name = name
        self._shown = -1
        self._tty = sys.stderr.isatty()

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._buf.readinto(b)
        self._report()
        return n

    def _report(self) -> None:
        pct = int(100 * self._buf.tell() / self._size)
        step = pct if self._tty else pct // 10 * 10
        if step != self._shown:
            self._shown = step
            end = "\r" if self._tty and pct < 100 else "\n"
            print(f"reading {self._name}: {step} %", end=end, file=sys.stderr, flush=True)


def _decode_check(data: bytes) -> str:
    """The encoding of a text file: utf-8-sig, utf-8, cp1252 or latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.isascii():
        return "utf-8"
    return next((e for e in ("utf-8", "cp1252") if _decodes(data, e)), "latin-1")


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` is text in ``encoding``, checked a megabyte at a time (the whole
    file's text at once would take as much memory as the file again, or more)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff(header: str, order: tuple[str, ...] = (";", ",", "\t")) -> str:
    """The delimiter of a CSV file, from its header line (on a tie, the first in ``order``)."""
    counts = {sep: 0 for sep in order}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    if best == 0:
        return ","
    return next(sep for sep in order if counts[sep] == best)


def _scan_lines(
    text: str, sep: str, ncols: int, header_line: int
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Start line of each data record pandas keeps, and (start, end, fields) of long ones.

    A record is too long when it has a filled-in field beyond the header's columns or
    more than one field too many. Only used when a record spans lines, lines are blank
    or records are too long (a loop over records in Python).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    lines: list[int] = []
    bad: list[tuple[int, int, int]] = []
    prev = 0
    seen_header = False
    for record in reader:
        start = prev + 1
        prev = reader.line_num
        if start < header_line:
            continue
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # pandas skips blank lines
        if not seen_header:
            seen_header = True
            continue
        n = len(record)
        if n > ncols + 1 or (n > ncols and any(f.strip() for f in record[ncols:])):
            bad.append((start, prev, n))
            continue
        lines.append(start)
    return np.asarray(lines, dtype=np.int64), bad


def _csv_header(
    data: bytes, col: _Collector
) -> tuple[list[str], str, str, int, int] | None:
    """Headers as written, encoding, delimiter, first and last line of the header."""
    if b"\x00" in data[:65536]:
        col.add(None, None, "binary")
        return None
    encoding = _decode_check(data)
    head = re.split(r"\r\n|\r|\n", data[:65536].decode(encoding, errors="replace"))
    first = next((i for i, line in enumerate(head) if line.strip()), None)
    if first is None:
        col.add(None, None, "empty")
        return None
    hint = re.fullmatch(r"\s*sep=(.)\s*", head[first])  # Excel's "sep=;" first line
    if hint:
        first = next((i for i, line in enumerate(head) if i > first and line.strip()), None)
        if first is None:
            col.add(None, None, "no_header")
            return None
    sep = hint[1] if hint else sniff(head[first])
    reader = csv.reader(io.StringIO("\n".join(head[first:]), newline=""), delimiter=sep)
    try:
        row = next(reader)
        end = first + reader.line_num
    except (csv.Error, StopIteration):
        row, end = head[first].split(sep), first + 1
    headers = [" ".join(h.replace("\ufeff", "").split()) for h in row]
    return headers, encoding, sep, first + 1, end


def _last_record_line(text: str, sep: str) -> int:
    """The line where the last CSV record starts (where an unclosed quote begins)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    start = prev = 0
    for _ in reader:
        start, prev = prev + 1, reader.line_num
    return start


_EXTRA = "__extra__"  # one column more than the header, to catch too-long lines


def _parse_csv(
    data: bytes, name: str, col: _Collector, progress: bool, dtypes: dict[str, str],
    encoding: str, sep: str, names: list[str], header_line: int, header_end: int,
) -> tuple[pd.DataFrame, np.ndarray | None] | None:
    """Parse CSV bytes with pandas' C parser; line numbers only when they are not trivial.

    Too-long lines are reported and left out: they are found with the csv module and
    cut from the bytes, which are then parsed again.
    """
    decimal = "," if sep == ";" else "."

    def read(source: Callable[[], Any], skip: int) -> pd.DataFrame:
        types = dtypes
        while True:
            with source() as handle:
                frame = pd.read_csv(
                    handle, sep=sep, names=[*names, _EXTRA], header=None, index_col=False,
                    dtype=types, decimal=decimal, encoding=encoding, keep_default_na=False,
                    na_values=[""], on_bad_lines="error", engine="c", skip_blank_lines=True,
                    skiprows=skip,
                )
            # pandas turns categories that all look like numbers (or true/false) into
            # numbers ("0101" -> 101): read those columns again as text.
            lost = {c: "str" for c, t in types.items() if t == "category"
                    and frame[c].cat.categories.inferred_type not in ("string", "empty")}
            if not lost:
                return frame
            types = {**types, **lost}

    def parse(content: bytes, show: bool) -> tuple[pd.DataFrame, bool]:
        if not show:
            frame = _parse_arrow(content, header_end, encoding, sep, names, dtypes)
            if frame is not None:
                return frame, False
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if show:
                frame = read(lambda: _ProgressReader(content, name), header_end)
            else:
                frame = read(lambda: io.BytesIO(content), header_end)
        return frame, any("does not match length" in str(w.message) for w in caught)

    def unreadable(e: Exception) -> None:
        col.add(None, None, "unreadable_csv", error=_short(e))

    frame: pd.DataFrame | None = None
    odd = False
    try:
        frame, odd = parse(data, progress)
    except pd.errors.ParserError as e:
        if "EOF inside string" in str(e):
            start = _last_record_line(data.decode(encoding, errors="replace"), sep)
            col.add(start, None, "quote_not_closed")
            return None
        if "fields" not in str(e):
            unreadable(e)
            return None
    lines: np.ndarray | None = None
    if frame is None or odd or frame[_EXTRA].notna().any():
        text = data.decode(encoding, errors="replace")
        lines, too_long = _scan_lines(text, sep, len(names), header_line)
        del text
        cut = np.zeros(data.count(b"\n") + data.count(b"\r") + 2, dtype=bool)
        for start, _end, n in too_long[: col.report.limit]:
            col.add(start, None, "too_many_fields", fields=n, columns=len(names))
        col.report.omitted += max(0, len(too_long) - col.report.limit)
        for start, end, _ in too_long:
            cut[start:end + 1] = True
        kept = b"".join(line for number, line in enumerate(data.splitlines(keepends=True), 1)
                        if not cut[number])
        try:
            frame, _ = parse(kept, False)
        except pd.errors.ParserError as e:
            unreadable(e)
            return None
    else:
        end = len(data)
        while end and data[end - 1] in b" \t\r\n":
            end -= 1
        if data.count(b"\n", 0, end) + 1 != len(frame) + header_end:
            lines, _ = _scan_lines(
                data.decode(encoding, errors="replace"), sep, len(names), header_line)
    frame = frame.drop(columns=_EXTRA)
    if lines is not None and len(lines) != len(frame):
        lines = None  # could not line up records and lines: count rows instead
    return frame, lines


def _parse_arrow(
    data: bytes, header_end: int, encoding: str, sep: str, names: list[str],
    dtypes: dict[str, str],
) -> pd.DataFrame | None:
    """What ``read`` in :func:`_parse_csv` makes of a big, plain CSV file, made by
    Arrow's CSV reader on every CPU instead of pandas' parser on one.

    None whenever the two might differ, and the caller parses with pandas, so frames and
    problems stay exactly as they are: a small file, a file not in UTF-8, lines ending
    in a lone CR, a quoted header, a record with another number of fields than the
    header, a quote that is never closed, or a column (other than the text columns, read
    as dictionaries as pandas reads them as categories) with a value that is not a
    number to Arrow (a bad value, a date, a word: pandas has its own rules there).
    The other columns are read as float64 at once, as the canonical frame has them:
    no copy of whole numbers into floats, and less memory than Arrow's guessing.
    """
    if len(data) < ARROW_BYTES or encoding not in ("utf-8", "utf-8-sig"):
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # lines end in a lone CR somewhere
    start = 0
    for _ in range(header_end):
        start = data.find(b"\n", start) + 1
        if start <= 0:
            return None
    if b'"' in data[:start]:
        return None  # a quoted header: leave skipping it to pandas
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    text = pa.dictionary(pa.int32(), pa.string())
    try:  # jemalloc handing back at once what is freed: the table is freed as converted
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # a pyarrow built without it
        pool = pa.system_memory_pool()
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[start:]),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={c: text if c in dtypes else pa.float64() for c in names},
                null_values=[""], strings_can_be_null=True,
                decimal_point="," if sep == ";" else "."),
            memory_pool=pool,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. a line with more or fewer fields than the header, a word
    if b'"' in data and (data.count(b'"', start) % 2 or any(
            "\n" in v or "\r" in v for c in dtypes if len(table)
            for v in [table.column(c)[-1].as_py() or ""])):
        return None  # a quote never closed: Arrow reads it to the end of the file
    n = len(table)
    arrow = table.columns
    del table
    columns: dict[str, Any] = {}
    for i, name in enumerate(names):
        column, arrow[i] = arrow[i], None  # each Arrow column freed once converted
        columns[name] = (column.to_pandas(memory_pool=pool) if name in dtypes
                         else column.to_numpy())
        del column
    columns[_EXTRA] = np.full(n, np.nan)
    return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)


def _short(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _read_xlsx(data: bytes, kind: str | None, col: _Collector) -> _Raw | None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        col.add(None, None, "unreadable_xlsx", error=_short(e))
        return None
    try:
        sheets = wb.worksheets
        if not sheets:
            col.add(None, None, "no_sheets")
            return None
        sheet = sheets[0]
        if kind:
            for ws in sheets:
                if match(ws.title, FILE_LOOKUP) == kind:
                    sheet = ws
                    break
        # The header is the first row naming a known column (title rows above it are
        # skipped); failing that within ten rows, the first row that is not blank.
        lookup = COLUMN_LOOKUP.get(kind or "", {})
        header: list[str] | None = None
        header_line = 1
        rows: list[tuple[Any, ...]] = []  # data rows; before the header: candidates
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                texts = _header_of(values)
                if any(match(t, lookup) for t in texts if t):
                    header, header_line, rows, lines = texts, number, [], []
                    continue
                if len(rows) >= 10:
                    header, header_line = _header_of(rows[0]), lines[0]
                    rows, lines = rows[1:], lines[1:]
            rows.append(values)
            lines.append(number)
    finally:
        wb.close()
    if header is None and rows:
        header, header_line = _header_of(rows[0]), lines[0]
        rows, lines = rows[1:], lines[1:]
    if header is None:
        col.add(None, None, "empty")
        return None
    width = max([len(header), *(len(r) for r in rows)])
    header += [""] * (width - len(header))
    columns: dict[str, np.ndarray] = {}
    for i in range(width):
        arr = np.empty(len(rows), dtype=object)
        arr[:] = [r[i] if i < len(r) else None for r in rows]
        columns[f"c{i}"] = arr
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)), copy=False)
    return _Raw(header, frame, np.asarray(lines, dtype=np.int64), xlsx=True,
                header_line=header_line)


def _header_of(values: tuple[Any, ...]) -> list[str]:
    return ["" if v is None else _cell_text(v) for v in values]


def _cell_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return " ".join(str(v).split())


# ---------------------------------------------------------------------------
# Converting values (on the distinct values only, then spread to rows)

_BAD = object()
#: The frames' ``str`` with Python strings (pandas would pick Arrow's storage with pyarrow
#: installed): the evaluation hashes them by the hash each Python string keeps.
_STR = pd.StringDtype("python", na_value=np.nan)


def _distinct(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 for missing) and distinct values of a column."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), s.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _convert(
    s: pd.Series | tuple[np.ndarray, np.ndarray], fn: Callable[[Any], Any], dtype: Any,
    fill: Any = None,
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Apply ``fn`` to each distinct value; returns values, bad mask and blank mask.

    ``s`` is a column or its ``_distinct`` codes and values. ``fn`` returns the
    converted value, None for blank or ``_BAD``. With ``dtype`` "category" (text) the
    values are a categorical, its categories in text order: each distinct value is
    converted once and the rows keep their codes, so no row's text is copied or hashed
    again.
    """
    codes, uniques = _distinct(s) if isinstance(s, pd.Series) else s
    results = [fn(u) for u in uniques]
    bad_u = np.array([r is _BAD for r in results] + [False], dtype=bool)
    blank_u = np.array([r is None for r in results] + [True], dtype=bool)
    if dtype == "category":
        texts = sorted({r for r in results if type(r) is str})
        position = {text: i for i, text in enumerate(texts)}
        to_code = np.array([position.get(r, -1) if type(r) is str else -1 for r in results]
                           + [-1], dtype=np.int32)
        values = pd.Categorical.from_codes(to_code[codes], pd.Index(texts, dtype=_STR))
    else:
        values = np.array([fill if (r is _BAD or r is None) else r for r in results]
                          + [fill], dtype=dtype)[codes]
    return values, bad_u[codes], blank_u[codes]


def _text_or_none(u: Any) -> str | None:
    if u is None or (isinstance(u, float) and np.isnan(u)):
        return None
    if isinstance(u, float) and u.is_integer():
        return str(int(u))
    if isinstance(u, datetime | date):
        ts = pd.Timestamp(u)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat(sep=" ")
    text = unicodedata.normalize("NFC", str(u)).strip()
    return text or None


def _number(u: Any) -> Any:
    if isinstance(u, bool | np.bool_):
        return _BAD
    if isinstance(u, int | float | np.integer | np.floating):
        return None if np.isnan(u) else float(u)
    if not isinstance(u, str):
        return _BAD
    text = u.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text or text.casefold() in _NA_TOKENS:
        return None
    if "," in text:
        if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+,\d*", text):
            text = text.replace(".", "")
        text = text.replace(",", ".", 1) if text.count(",") == 1 else text
    try:
        value = float(text)
    except ValueError:
        return _BAD
    return value if np.isfinite(value) else _BAD


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DK_DATE = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})")
_MONTH_YM = re.compile(r"(\d{4})(?:[-/.]|M)(\d{1,2})", re.IGNORECASE)
_MONTH_MY = re.compile(r"(\d{1,2})[-/.](\d{4})")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _day(y: int, m: int, d: int) -> Any:
    if not 1900 <= y <= 2200:
        return _BAD
    try:
        return np.datetime64(date(y, m, d), "ns")
    except ValueError:
        return _BAD


def _as_text(u: Any) -> str | None:
    if isinstance(u, str):
        text = u.strip()
        return None if not text or text.casefold() in _NA_TOKENS else text
    return None


def _date_value(u: Any, xlsx: bool, months: bool) -> Any:
    """A date (or, with ``months``, also a month) as datetime64[ns]; month -> 1st."""
    if isinstance(u, datetime | date | pd.Timestamp):
        return _day(u.year, u.month, u.day)
    if isinstance(u, int | float | np.integer | np.floating) and not isinstance(u, bool):
        if isinstance(u, float | np.floating) and np.isnan(u):
            return None
        if xlsx and 1 <= u < 2958466:
            day = _EXCEL_EPOCH + pd.Timedelta(days=int(u))
            return _day(day.year, day.month, day.day)
        return _BAD
    if not isinstance(u, str):
        return _BAD
    text = _as_text(u)
    if text is None:
        return None
    if m := _ISO_DATE.fullmatch(text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _DK_DATE.fullmatch(text):
        return _day(int(m[4]), int(m[3]), int(m[1]))
    if months:
        if m := _MONTH_YM.fullmatch(text):
            return _day(int(m[1]), int(m[2]), 1)
        if m := _MONTH_MY.fullmatch(text):
            return _day(int(m[2]), int(m[1]), 1)
    return _BAD


def _month_value(u: Any, xlsx: bool) -> Any:
    if quarter := quarter_of(u):  # 2026-Q1: its first month (spread by sickperiods)
        return _day(quarter[0], 3 * quarter[1] - 2, 1)
    value = _date_value(u, xlsx, months=True)
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[M]").astype("datetime64[ns]")
    return value


def _choice(lookup: dict[str, str]) -> Callable[[Any], Any]:
    def fn(u: Any) -> Any:
        text = _text_or_none(u)
        if text is None:
            return None
        value = match(text, lookup)
        if value is None:
            return _BAD
        return value or None

    return fn


def _show(v: Any) -> str:
    """A raw value as shown in a problem line."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    elif isinstance(v, datetime | pd.Timestamp):
        v = v.strftime("%Y-%m-%d")
    text = str(v).replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------
# The canonical frame


def _columns_of(headers: list[str], kind: str, col: _Collector, line: int) -> dict[str, int]:
    """Canonical name -> position of the known columns; reports duplicates."""
    lookup = COLUMN_LOOKUP[kind]
    for i, header in enumerate(headers):
        col.positions.setdefault(header, i)
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        if not header:
            continue
        canonical = match(header, lookup)
        if canonical is None:
            continue
        if canonical in found:
            first = headers[found[canonical]]
            col.add(line, header, "same_column", first=first, canonical=canonical)
            continue
        found[canonical] = i
    return found


def _missing_columns(
    headers: list[str], kind: str, found: dict[str, int], col: _Collector, line: int
) -> bool:
    missing = False
    shown = ", ".join(f"'{h}'" for h in headers if h)
    for canonical, (_, required, _) in SPEC[kind].items():
        if kind == "sickleave" and canonical == "sick_days" and "sick_hours" not in found:
            required = True  # sick days, or sick hours
        if required and canonical not in found:
            missing = True
            aliases = ", ".join(f"'{a}'" for a in COLUMN_NAMES[kind][canonical])
            col.add(line, canonical, "missing_column" if shown else "missing_column_no_headers",
                    aliases=aliases, found=shown)
    return missing


def _build(raw: _Raw, kind: str, col: _Collector, found: dict[str, int]) -> pd.DataFrame:
    frame = raw.frame
    # Drop rows where every cell is blank (Excel leaves ';;;;' lines behind).
    if len(frame.columns):
        blank_rows = np.ones(len(frame), dtype=bool)
        for c in frame.columns:
            blank_rows &= frame[c].isna().to_numpy()
            if not blank_rows.any():
                break
        if blank_rows.any():
            keep = ~blank_rows
            frame = frame.loc[keep].reset_index(drop=True)
            col.lines = col.line_of(np.flatnonzero(keep))
    n = len(frame)
    if n == 0:
        col.add(None, None, "no_rows")
    out: dict[str, Any] = {}
    spec = SPEC[kind]
    questions: list[str] = []
    background: list[str] = []

    def raw_of(i: int) -> pd.Series:
        return frame[f"c{i}"]

    def value_of(s: pd.Series) -> Callable[[int], dict[str, Any]]:
        return lambda row: {"value": _show(s.iat[row])}

    for canonical, (vtype, _, value_required) in spec.items():
        if canonical not in found:
            if vtype in ("count", "home_days", "number"):
                out[canonical] = np.full(n, np.nan)
            elif vtype != "background":
                out[canonical] = pd.Series([None] * n, dtype=_STR)
            continue
        i = found[canonical]
        header = raw.headers[i]
        s = raw_of(i)
        if vtype == "background":
            out[canonical] = _background(s)
            background.append(canonical)
            continue
        if vtype in ("text", "group", "role"):
            fn = {"text": _text_or_none, "group": _choice(GROUP_LOOKUP),
                  "role": _choice(ROLE_LOOKUP)}[vtype]
            if kind == "survey":  # big: categories (see the module's docstring)
                values, bad, blank = _convert(s, fn, "category")
                out[canonical] = pd.Series(values, copy=False)
            else:
                values, bad, blank = _convert(s, fn, object, None)
                out[canonical] = pd.Series(values, dtype=_STR)
        elif vtype in ("date", "month", "period"):
            fn = (partial(_month_value, xlsx=raw.xlsx) if vtype == "month" else
                  partial(_date_value, xlsx=raw.xlsx, months=vtype == "period"))
            values, bad, blank = _convert(s, fn, "datetime64[ns]", np.datetime64("NaT"))
            out[canonical] = values
        else:  # count, number, home_days
            values, bad, blank = _numbers(s)
            out[canonical] = values
        if vtype != "text":  # text is never bad
            col.rows(bad, header, "not_a_number" if vtype in ("count", "number", "home_days")
                     else f"not_a_{vtype}", value_of(s))
        if value_required:
            col.rows(blank, header, "missing_value")
        if vtype == "count":
            col.rows(values < 0, header, "negative",
                     lambda row, v=values: {"value": _fmt(v[row])})
        elif vtype == "home_days":
            lo, hi = HOME_DAYS_RANGE
            col.rows((values < lo) | (values > hi), header, "home_days_range",
                     lambda row, v=values: {"value": _fmt(v[row]),
                                            "low": _fmt(HOME_DAYS_RANGE[0]),
                                            "high": _fmt(HOME_DAYS_RANGE[1])})

    if kind == "survey":
        known = set(found.values())
        for i, header in enumerate(raw.headers):
            if i in known:
                continue
            s = raw_of(i)
            if not header:
                if s.notna().any():
                    col.add(raw.header_line, None, "nameless_column", position=i + 1)
                continue
            if header in out:
                col.add(raw.header_line, header, "twice_in_header")
                continue
            distinct = None if _is_numeric(s) else _distinct(s)
            if not is_background_name(header):
                values, bad, blank = _numbers(s, distinct)
                filled = n - int(blank.sum())
                if filled and (filled - int(bad.sum())) * 2 >= filled:  # a question
                    lo, hi = ANSWER_RANGE
                    with np.errstate(invalid="ignore"):
                        inside = (values >= lo) & (values <= hi)
                    outside = ~inside & ~bad & ~blank
                    col.rows(bad, header, "not_a_number", value_of(s))
                    if filled and not inside.any():
                        col.add(raw.header_line, header, "not_a_question", low=_fmt(lo),
                                high=_fmt(hi), header=header)
                    else:
                        col.rows(outside, header, "outside_answer_range",
                                 lambda row, v=values: {"value": _fmt(v[row]),
                                                        "low": _fmt(ANSWER_RANGE[0]),
                                                        "high": _fmt(ANSWER_RANGE[1])})
                    out[header] = values
                    questions.append(header)
                    continue
            out[header] = _background(s, distinct)
            background.append(header)

    if kind == "sickleave":
        days_from_hours(out, found)
    if kind == "sickleave" and "fte" in found and ("sick_days" in found or "sick_hours" in found):
        fte, days = out["fte"], out["sick_days"]
        with np.errstate(invalid="ignore"):
            implausible = days > np.maximum(fte, 0) * MAX_SICK_DAYS_PER_FTE
        col.rows(implausible, raw.headers[found.get("sick_days", found.get("sick_hours", 0))],
                 "implausible_sick_days",
                 lambda row: {"days": _fmt(days[row]), "most": _fmt(MAX_SICK_DAYS_PER_FTE),
                              "fte": _fmt(fte[row])})

    if kind == "survey" and n and not questions and not any(
            c in found for c in ("home_days_wanted", "home_days_actual")):
        col.add(raw.header_line, None, "no_answers", low=_fmt(ANSWER_RANGE[0]),
                high=_fmt(ANSWER_RANGE[1]))

    keys = {"units": ("unit",), "sickleave": ("unit", "month"),
            "production": ("unit", "period", "metric")}
    if kind == "units" and "unit" in found and "parent" in found:
        _report_parent_loops(out["unit"], out["parent"], raw.headers[found["parent"]], col)
    if kind in keys and all(c in found for c in keys[kind]):
        # units are named as read (trimmed), the other keys as written
        written = {"unit": out["unit"]} if kind == "units" else {
            c: raw_of(found[c]) for c in keys[kind]}
        _report_repeats(out, written, raw.headers[found["unit"]], col)

    order = [c for c in spec if c in out and c not in background]
    if kind == "survey":
        order = ["date", "unit", "role", *questions, "home_days_wanted", "home_days_actual"]
    order += background
    result = pd.DataFrame({c: out[c] for c in order}, index=pd.RangeIndex(n), copy=False)
    if kind == "sickleave" and "month" in found:
        result = spread_quarters(result, quarter_rows(raw_of(found["month"])))
    result.attrs["kind"] = kind
    if kind == "survey":
        result.attrs["questions"] = list(questions)
        result.attrs["background"] = list(background)
    return result


def _report_repeats(
    out: dict[str, Any], written: dict[str, pd.Series], header: str, col: _Collector
) -> None:
    """Report rows whose key (a unit and month, say) is on an earlier row already: a
    figure given twice would be counted twice. ``written``: the key's columns as in the
    file, for the messages."""
    key = tuple(written)
    combined = np.zeros(len(out[key[0]]), dtype=np.int64)
    filled = np.ones(len(combined), dtype=bool)
    for c in key:  # one integer per distinct key, so that hashing is cheap
        codes, uniques = factorize(out[c])
        filled &= codes >= 0
        combined, _ = pd.factorize(combined * (len(uniques) + 1) + codes + 1)
    seen = pd.Index(combined)
    repeat = seen.duplicated(keep="first") & filled
    if not repeat.any():
        return
    frame = pd.DataFrame({c: out[c] for c in key}, copy=False)
    rows = np.flatnonzero(seen.duplicated(keep=False) & filled)
    key_of = dict(zip(rows.tolist(), frame.iloc[rows].itertuples(index=False, name=None),
                      strict=True))
    firsts: dict[tuple[Any, ...], int] = {}
    for row, line in zip(rows.tolist(), col.line_of(rows).tolist(), strict=True):
        firsts.setdefault(key_of[row], int(line))  # rows in order: the first one stays

    def params(row: int) -> dict[str, Any]:
        return {**{c: _show(written[c].iat[row]) for c in key},
                "first_line": firsts[key_of[row]]}

    col.rows(repeat, header, "_".join(key) + "_again", params)


def _report_parent_loops(units: pd.Series, parents: pd.Series, header: str,
                         col: _Collector) -> None:
    """Report units that are their own parent, or their own parent's parent, and so on."""
    parent = {u: p for u, p in zip(units, parents, strict=True)
              if isinstance(u, str) and isinstance(p, str)}
    looped: set[str] = set()
    for start in parent:
        seen = [start]
        p = parent.get(start)
        while p is not None and p not in seen and p not in looped:
            seen.append(p)
            p = parent.get(p)
        if p is not None and p in seen:
            looped.update(seen[seen.index(p):])
    if not looped:
        return

    def params(row: int) -> dict[str, Any]:
        u = units.iat[row]
        chain = [u]
        p = parent[u]
        while p != u:
            chain.append(p)
            p = parent[p]
        return {"path": " → ".join(_show(x) for x in [*chain, u])}

    col.rows(units.isin(looped).to_numpy(), header, "parent_loop", params)


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _numbers(
    s: pd.Series, distinct: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A column as float64, with masks of values that are not numbers and of blanks."""
    if _is_numeric(s):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isinf(values)  # "inf" in the file: not a number (as _number says)
        blank = np.isnan(values)
        if bad.any():
            values = np.where(bad, np.nan, values)
        return values, bad, blank
    return _convert(s if distinct is None else distinct, _number, "float64", np.nan)


def _background(
    s: pd.Series, distinct: tuple[np.ndarray, np.ndarray] | None = None
) -> pd.Series | np.ndarray:
    """Background values: float64 when every filled-in value is a number, else category."""
    if _is_numeric(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    distinct = distinct or _distinct(s)
    values, bad, _ = _convert(distinct, _number, "float64", np.nan)
    if not bad.any():
        return values
    text, _, _ = _convert(distinct, _text_or_none, "category")
    return pd.Series(text, copy=False)


# ---------------------------------------------------------------------------
# Public reading functions


def _is_xlsx(data: bytes, name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm"))


def _load(
    data: bytes, name: str, kind: str | None, progress: bool
) -> tuple[pd.DataFrame | None, ValidationReport]:
    """Read and check one file's bytes; the frame is None when it could not be read."""
    col = _Collector(name)
    if kind is None:
        kind = infer_kind(name)
        if kind is None:
            col.add(None, None, "kind_from_name", names=", ".join(f"{k}.csv" for k in KINDS))
            return None, col.report
    if kind not in KINDS:
        col.add(None, None, "unknown_kind", kind=kind, kinds=", ".join(KINDS))
        return None, col.report
    if not data or data.isspace():
        col.add(None, None, "empty")
        return None, col.report
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        col.add(None, None, "old_xls")
        return None, col.report
    if name.lower().endswith((".ods", ".numbers", ".json", ".pdf", ".docx")):
        col.add(None, None, "not_csv_or_xlsx")
        return None, col.report
    if _is_xlsx(data, name):
        raw = _read_xlsx(data, kind, col)
        if raw is None:
            return None, col.report
        col.lines = raw.lines
        found = _columns_of(raw.headers, kind, col, raw.header_line)
    else:
        header = _csv_header(data, col)
        if header is None:
            return None, col.report
        headers, encoding, sep, header_line, header_end = header
        found = _columns_of(headers, kind, col, header_line)
        names = [f"c{i}" for i in range(len(headers))]
        dtypes: dict[str, str] = {}
        for canonical, i in found.items():
            vtype = SPEC[kind][canonical][0]
            # Text as written ("0101" stays "0101"); numbers are left to the parser.
            if vtype in ("text", "group", "role", "date", "month", "period") or (
                canonical == "age_group"
            ):
                dtypes[names[i]] = "category"  # parsed once per distinct value
        col.first = header_end + 1
        parsed = _parse_csv(data, name, col, progress, dtypes, encoding, sep, names,
                            header_line, header_end)
        if parsed is None:
            return None, col.report
        frame, lines = parsed
        raw = _Raw(headers, frame, lines, header_line=header_line)
        col.lines = lines
    if _missing_columns(raw.headers, kind, found, col, raw.header_line):
        return None, col.report
    result = _build(raw, kind, col, found)
    result.attrs["source"] = name
    return result, col.report


def validate_bytes(
    data: bytes, name: str, kind: str | None = None, *, progress: bool = False
) -> tuple[pd.DataFrame | None, ValidationReport]:
    """Read and check a file's content (e.g. an upload); never raises for bad data.

    Returns the canonical frame (None when the file could not be read at all) and the
    report of every problem found. ``name`` names the file in problem lines and tells
    the kind when ``kind`` is None.
    """
    try:
        return _load(data, name, kind, progress)
    except Exception as e:  # noqa: BLE001 - one line naming the file, never a traceback
        return None, ValidationReport([_problem(name, None, None, "could_not_read",
                                                error=_short(e))])


def validate_file(
    path: str | os.PathLike[str], kind: str | None = None, *, progress: bool = False
) -> tuple[pd.DataFrame | None, ValidationReport]:
    """Read and check a data file; never raises for bad data (see :func:`validate_bytes`)."""
    name = os.fspath(path)
    p = Path(path)
    if not p.exists():
        return None, ValidationReport([_problem(name, None, None, "no_such_file")])
    if p.is_dir():
        return None, ValidationReport([_problem(name, None, None, "is_folder")])
    try:
        data = p.read_bytes()
    except OSError as e:
        return None, ValidationReport([_problem(name, None, None, "cannot_read_file",
                                                error=e.strerror or str(e))])
    return validate_bytes(data, name, kind, progress=progress)


def read_kind(
    path: str | os.PathLike[str], kind: str | None = None, *, progress: bool = False
) -> pd.DataFrame:
    """Read a data file into its canonical frame; raises :class:`DataError` on problems.

    ``kind`` is one of :data:`KINDS`; None infers it from the file name.
    """
    frame, report = validate_file(path, kind, progress=progress)
    if report or frame is None:
        raise DataError(report)
    return frame


def read_bytes(data: bytes, name: str, kind: str | None = None) -> pd.DataFrame:
    """Like :func:`read_kind` for content already in memory (e.g. an upload)."""
    frame, report = validate_bytes(data, name, kind)
    if report or frame is None:
        raise DataError(report)
    return frame


@dataclass
class DataSet:
    """The data files of one folder, each read into its canonical frame (or None)."""

    units: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    sickleave: pd.DataFrame | None = None
    production: pd.DataFrame | None = None
    dialogue: pd.DataFrame | None = None
    questions: list[str] = field(default_factory=list)
    background: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> pd.DataFrame | None:
        if kind not in KINDS:
            raise KeyError(kind)
        frame: pd.DataFrame | None = getattr(self, kind)
        return frame

    @property
    def kinds(self) -> list[str]:
        """The kinds present, in the order of :data:`KINDS`."""
        return [k for k in KINDS if getattr(self, k) is not None]


def find_data_files(
    directory: str | os.PathLike[str],
) -> tuple[dict[str, Path], ValidationReport]:
    """The data file of each kind in a folder (``survey.csv``, ``enheder.xlsx``, ...)."""
    folder = Path(directory)
    report = ValidationReport()
    if not folder.is_dir():
        what = "not_a_folder" if folder.exists() else "no_such_folder"
        report.problems.append(_problem(os.fspath(directory), None, None, what))
        return {}, report
    by_kind: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        if p.suffix.lower() not in (".csv", ".xlsx", ".txt", ".tsv"):
            continue
        kind = match(p.name.split(".")[0], FILE_LOOKUP)
        if kind:
            by_kind.setdefault(kind, []).append(p)
    files: dict[str, Path] = {}
    for kind, paths in by_kind.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            report.problems.append(_problem(os.fspath(directory), None, None,
                                            "more_than_one_file", kind=kind, names=names))
        else:
            files[kind] = paths[0]
    return files, report


def read_data_dir(directory: str | os.PathLike[str], *, progress: bool = False) -> DataSet:
    """Read every data file in a folder; raises :class:`DataError` with all problems."""
    files, report = find_data_files(directory)
    if report:
        raise DataError(report)
    if not files:
        expected = ", ".join(f"{k}.csv" for k in KINDS)
        raise DataError([_problem(os.fspath(directory), None, None, "no_data_files",
                                  expected=expected)])
    dataset = DataSet(files=dict(files))
    for kind in KINDS:
        if kind not in files:
            continue
        frame, file_report = validate_file(files[kind], kind, progress=progress)
        report.extend(file_report)
        if frame is not None:
            setattr(dataset, kind, frame)
            if kind == "survey":
                dataset.questions = list(frame.attrs.get("questions", []))
                dataset.background = list(frame.attrs.get("background", []))
    if report:
        raise DataError(report)
    return dataset


# ---------------------------------------------------------------------------
# The command


def _range(values: pd.Series, fmt: str) -> str:
    valid = values.dropna()
    if valid.empty:
        return "none"
    lo, hi = valid.min(), valid.max()
    distinct = valid.nunique()
    return f"{lo.strftime(fmt)} to {hi.strftime(fmt)} ({distinct:,} different)"


def summarize(frame: pd.DataFrame, kind: str) -> list[str]:
    """A few lines describing a canonical frame (used by ``hjemmekit validate``)."""
    lines = [f"kind: {kind}", f"rows: {len(frame):,}"]
    if "unit" in frame:
        lines.append(f"units: {frame['unit'].nunique():,}")
    if kind == "units":
        groups = frame["group"].value_counts()
        lines.append(
            f"groups: {int(groups.get('trial', 0))} trial, "
            f"{int(groups.get('comparison', 0))} comparison, "
            f"{int(frame['group'].isna().sum())} without group")
        for c in ("headcount", "desks"):
            if frame[c].notna().any():
                lines.append(f"{c}: {_fmt(float(frame[c].sum()))} in all")
    elif kind == "survey":
        lines.append(f"dates: {_range(frame['date'], '%Y-%m-%d')}")
        roles = frame["role"].value_counts()
        lines.append(f"roles: {int(roles.get('employee', 0)):,} employee, "
                     f"{int(roles.get('manager', 0)):,} manager")
        questions = frame.attrs.get("questions", [])
        lines.append(f"questions ({len(questions)}): {', '.join(questions) or 'none'}")
        home = [c for c in ("home_days_wanted", "home_days_actual") if frame[c].notna().any()]
        lines.append(f"home days: {', '.join(home) or 'none'}")
        background = frame.attrs.get("background", [])
        lines.append(f"background: {', '.join(background) or 'none'}")
    elif kind == "sickleave":
        lines.append(f"months: {_range(frame['month'], '%Y-%m')}")
        lines.append(f"sick days: {_fmt(float(frame['sick_days'].sum()))}, "
                     f"årsværk-months: {_fmt(round(float(frame['fte'].sum()), 2))}")
    elif kind == "production":
        lines.append(f"periods: {_range(frame['period'], '%Y-%m-%d')}")
        metrics = sorted(frame["metric"].dropna().unique().tolist())
        shown = ", ".join(metrics[:10]) + (", ..." if len(metrics) > 10 else "")
        lines.append(f"metrics ({len(metrics)}): {shown}")
    elif kind == "dialogue":
        lines.append(f"dates: {_range(frame['date'], '%Y-%m-%d')}")
        lines.append(f"themes: {frame['theme'].nunique():,}")
    return lines


def validate_command(
    path: str | os.PathLike[str], kind: str | None = None, *, out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """``hjemmekit validate FILE [--kind KIND]``.

    Prints a summary on stdout and returns 0 when the file is good; prints one line per
    problem on stderr and returns 1 when it is not (also for a missing file or a
    folder); returns 2 when the kind is neither given nor clear from the file name.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    name = os.fspath(path)
    try:
        p = Path(path)
        if kind is not None and kind not in KINDS:
            print(f"hjemmekit validate: unknown kind '{kind}' (use one of "
                  f"{', '.join(KINDS)})", file=err)
            return 2
        if p.exists() and not p.is_dir() and kind is None:
            kind = infer_kind(p)
            if kind is None:
                print(f"hjemmekit validate: cannot tell the kind of data from the file name "
                      f"'{p.name}'; name it survey.csv, units.csv, sickleave.csv, "
                      f"production.csv or dialogue.csv (or .xlsx), or use --kind "
                      f"{{{','.join(KINDS)}}}", file=err)
                return 2
        big = p.is_file() and p.stat().st_size >= PROGRESS_BYTES
        frame, report = validate_file(path, kind, progress=big)
        if report or frame is None:
            for line in report.lines() or [f"{name}: could not be read"]:
                print(line, file=err)
            return 1
        print(f"{name}: no problems found", file=out)
        for line in summarize(frame, kind or str(frame.attrs.get("kind"))):
            print(f"  {line}", file=out)
        return 0
    except KeyboardInterrupt:
        raise
    except Exception as e:  # noqa: BLE001 - the contract: no traceback reaches a user
        print(f"{name}: could not be checked: {type(e).__name__}: {_short(e)}", file=err)
        return 1
