"""SurveyXact (Rambøll) exports: an XLSX workbook or three CSV files.

- XLSX: sheets ``Dataset`` (a wide one continues in ``Dataset(1)``, ``Dataset(2)``...,
  joined side by side; a column repeated in a continuation, such as ``respondentid``,
  is taken once), ``Structure`` and ``Labels``.
- CSV: ``dataset.csv``, ``structure.csv`` and ``labels.csv`` (any names containing
  those words; otherwise told apart by their content), tab-separated UTF-16,
  semicolon-separated cp1252 or comma-separated UTF-8.

Dataset: one row per respondent, variable names as headers, answers as numeric codes;
system columns (respondentid, created, modified, starttime, closetime, difftime, email,
name, lang) and 0/1 status columns ``statoverall_1`` ... ``statoverall_5``: a respondent
is completed when ``statoverall_4`` (or a shortened name such as ``stato_4``) is 1.
Structure: ``questionName;variableName;questionType;subType;questionText;choiceValue;
choiceText`` (question texts). Labels, without a header: ``variableName;value;valueLabel``.
A dataset without labels cannot be scored and is refused.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.exports.base import (
    Column,
    Export,
    ExportError,
    Source,
    fold,
    is_date_name,
    is_personal_name,
    looks_like_free_text,
    open_xlsx,
    problem,
)
from hjemmekit.exports.text import (
    arrow_days,
    decode,
    encoding_of,
    parse_days,
    read_table,
    sniff,
)

__all__ = ["is_surveyxact", "read_surveyxact"]

LAZY_BYTES = 50_000_000
"""Dataset CSVs at least this big leave rarely needed columns unread until asked for."""
_DATASET_SHEET = re.compile(r"^dataset\s*(?:\((\d+)\)|_?(\d+))?$", re.IGNORECASE)
_STATUS = re.compile(r"^stat[a-z]*_\d+$")
_COMPLETED = re.compile(r"^stato[a-z]*_4$")
_SYSTEM = {fold(n) for n in ("lang", "language", "difftime", "sprog", "varighed",
                             "duration", "distribution", "panel", "sampleid")}


def _role(source: Source) -> str | None:
    """Which of the three CSV files a source is, from its name or its first line."""
    stem = source.stem
    for role in ("dataset", "structure", "labels"):
        if role in stem or (role == "labels" and "label" in stem):
            return role
    head = decode(source.head(4096)).lstrip("\ufeff").split("\n", 1)[0]
    folded = fold(head)
    if folded.startswith("questionname"):
        return "structure"
    if "statoverall" in folded or "respondentid" in folded or "stato_4" in folded:
        return "dataset"
    return None


def is_surveyxact(sources: list[Source], sheets: dict[str, list[str]]) -> bool:
    """Whether the sources look like a SurveyXact export (``sheets``: xlsx sheet names)."""
    for s in sources:
        names = sheets.get(s.name)
        if names is not None:
            if any(_DATASET_SHEET.match(n.strip()) for n in names) and (
                    any(fold(n) in ("labels", "structure") for n in names)):
                return True
            continue
        if _role(s) in ("dataset", "structure") or (
                len(sources) > 1 and _role(s) == "labels"):
            return True
    return False


def read_surveyxact(sources: list[Source], sheets: dict[str, list[str]]) -> Export:
    """Read a SurveyXact export (see the module's docstring); raises ExportError."""
    xlsx = [s for s in sources if s.name in sheets]
    if xlsx:
        return _from_xlsx(xlsx[0])
    roles: dict[str, Source] = {}
    problems = []
    for s in sources:
        role = _role(s)
        if role is None:
            problems.append(problem(s.name, None, None, "export_unknown_file"))
        elif role in roles:
            problems.append(problem(s.name, None, None, "export_file_twice", role=role,
                                    other=roles[role].name))
        else:
            roles[role] = s
    if "dataset" not in roles:
        problems.append(problem(sources[0].name, None, None, "export_no_dataset"))
    if "labels" not in roles:
        problems.append(problem(roles.get("dataset", sources[0]).name, None, None,
                                "export_no_labels"))
    if problems:
        raise ExportError(problems)
    labels = _labels(read_table(roles["labels"].data, header=False)[1])
    texts = {}
    kinds: dict[str, str] = {}
    if "structure" in roles:
        texts, kinds = _structure(*read_table(roles["structure"].data))
    dataset = roles["dataset"]
    # A big dataset leaves the columns an import rarely needs for later (Export.ensure).
    lazy = dataset.size() >= LAZY_BYTES
    frame, headers, free = _dataset_csv(dataset, kinds, set(labels), lazy=lazy)
    export = _build(frame, headers, labels, texts, kinds, dataset.name,
                    [s.name for s in sources], free)
    if lazy:
        export.lazy = {h for h in headers if h and _lazy(h) and not is_personal_name(h)
                       and h not in free and f"c{headers.index(h)}" not in frame.columns}

        def load(keys: list[str]) -> dict[str, Any]:
            part, _, _ = _dataset_csv(dataset, kinds, set(labels), only=set(keys))
            return {h: part[f"c{i}"] for i, h in enumerate(headers) if f"c{i}" in part}

        export.loader = load
    return export


def _labels(rows: list[list[str]]) -> dict[str, dict[float, str]]:
    out: dict[str, dict[float, str]] = {}
    for row in rows:
        if len(row) < 3:
            continue
        variable, value, label = row[0].strip(), row[1].strip(), row[2].strip()
        try:
            code = float(value.replace(",", "."))
        except ValueError:
            continue  # also a header line ("variableName;value;valueLabel") after all
        out.setdefault(variable, {})[code] = label
    return out


def _structure(header: list[str], rows: list[list[str]]) -> tuple[dict[str, str],
                                                                  dict[str, str]]:
    """Question text and question type per variable name."""
    pos = {fold(h): i for i, h in enumerate(header)}
    v, q, typ = pos.get("variablename"), pos.get("questiontext"), pos.get("questiontype")
    sub = pos.get("subtype")
    texts: dict[str, str] = {}
    kinds: dict[str, str] = {}
    if v is None:
        return texts, kinds
    for row in rows:
        if v >= len(row) or not row[v].strip():
            continue
        name = row[v].strip()
        if q is not None and q < len(row) and row[q].strip():
            texts.setdefault(name, " ".join(row[q].split()))
        kind = " ".join(fold(row[i]) for i in (typ, sub) if i is not None and i < len(row))
        if kind.strip():
            kinds.setdefault(name, kind)
    return texts, kinds


_TIMESTAMPS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
               "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")


def _free_text(kind: str) -> bool:
    """Whether Structure's question type and subtype name an open text question."""
    return ("text" in kind or "fritekst" in kind) and "numeric" not in kind


_COMPLETION_TIMES = {fold(n) for n in ("closetime", "completed", "submitdate", "enddate")}


def _lazy(header: str) -> bool:
    """Columns of a dataset CSV read only when asked for: times other than the
    completion time, system columns and the status columns other than completed."""
    folded = fold(header)
    if _STATUS.match(folded):
        return not _COMPLETED.match(folded)
    return folded in _SYSTEM or (is_date_name(header) and folded not in _COMPLETION_TIMES)


def _dataset_csv(source: Source, kinds: dict[str, str] | None = None,
                 coded: set[str] | None = None, only: set[str] | None = None,
                 lazy: bool = False) -> tuple[pd.DataFrame, list[str], set[str]]:
    """The dataset CSV without its personal columns and the open text questions named in
    Structure (neither is ever converted): frame (columns c<position>), headers, and the
    headers left out as free text.

    Codes and numbers become float32 (exact for codes and counts), date-and-time text the
    day (datetime64[ns]), other text categories. pyarrow parses on all cores; each column
    is let go once converted, so the peak stays near the size of the file.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    kinds = kinds or {}
    head = source.head(1 << 22)
    encoding = encoding_of(head)
    data: Any = None  # bytes, or None: read from the file (memory-mapped, no copy)
    if encoding.startswith("utf-16"):
        data = source.data.decode(encoding).encode("utf-8")
        head = data[:65536]
        encoding = "utf-8"
    elif source.path is None:
        data = source.data
    if encoding == "utf-8-sig":  # the header line, BOM and all, is skipped
        encoding = "utf-8"
    first = head[:65536].split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    sep = sniff(first)
    headers = [" ".join(h.split()) for h in next(iter(
        __import__("csv").reader([first.rstrip("\r")], delimiter=sep)), [])]
    if not any(headers):
        raise ExportError([problem(source.name, 1, None, "no_header")])
    names = [f"c{i}" for i in range(len(headers))]
    free = {h for h in headers if h and _free_text(kinds.get(h, ""))}
    keep = [n for n, h in zip(names, headers, strict=True)
            if h and not is_personal_name(h) and h not in free
            and (h in only if only is not None else not (lazy and _lazy(h)))]

    # Coded columns (in Labels) and status columns straight to float32.
    numbers = {n: pa.float32() for n, h in zip(names, headers, strict=True)
               if n in keep and (h in (coded or ()) or _STATUS.match(fold(h)))}

    def read(encoding: str, types: dict[str, Any]) -> pa.Table:
        return pacsv.read_csv(
            pa.py_buffer(data) if data is not None else pa.memory_map(source.path),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           encoding=encoding, block_size=1 << 23),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=keep, column_types=types, strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                decimal_point="," if sep == ";" else ".",
                timestamp_parsers=[pacsv.ISO8601, *_TIMESTAMPS]),
        )

    try:
        try:
            table = read(encoding, numbers)
        except pa.ArrowInvalid as e:
            if encoding == "utf-8" and "utf8" in str(e).casefold().replace("-", ""):
                encoding = "cp1252"  # not UTF-8 after all (checked on the first part only)
            elif not numbers:
                raise
            table = read(encoding, {})  # a coded column holds text: as it is
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        m = re.search(r"[Rr]ow #?(\d+)", str(e))
        line = int(m[1]) + 1 if m else None
        raise ExportError([problem(source.name, line, None, "unreadable_csv",
                                   error=" ".join(str(e).split())[:200])]) from None
    rows = table.num_rows
    columns: dict[str, Any] = {}
    for name in keep:
        arr = table.column(name)
        table = table.drop_columns([name])  # let go of it once converted
        t = arr.type
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t) or (
                pa.types.is_boolean(t)):
            columns[name] = arr.cast(pa.float32()).to_numpy(zero_copy_only=False)
        elif pa.types.is_timestamp(t) or pa.types.is_date(t):
            days = arr.cast(pa.date32()).cast(pa.timestamp("ns"))
            columns[name] = days.to_numpy(zero_copy_only=False).astype("datetime64[ns]")
        else:
            days = arrow_days(arr) if is_date_name(headers[int(name[1:])]) else None
            columns[name] = days if days is not None else pd.Series(
                arr.dictionary_encode().to_pandas(), copy=False)
        del arr
    del table
    frame = pd.DataFrame(columns, index=pd.RangeIndex(rows), copy=False)
    return frame, headers, free


def _from_xlsx(source: Source) -> Export:
    wb = open_xlsx(source)
    try:
        by_name = {ws.title.strip(): ws for ws in wb.worksheets}
        parts = []
        for title, ws in by_name.items():
            m = _DATASET_SHEET.match(title)
            if m:
                parts.append((int(m[1] or m[2] or 0) if (m[1] or m[2]) else -1, title, ws))
        parts.sort()
        labels_ws = next((ws for t, ws in by_name.items() if fold(t) == "labels"), None)
        structure_ws = next((ws for t, ws in by_name.items() if fold(t) == "structure"), None)
        if not parts:
            raise ExportError([problem(source.name, None, None, "export_no_dataset")])
        if labels_ws is None:
            raise ExportError([problem(source.name, None, None, "export_no_labels")])
        labels = _labels([[_cell(v) for v in row] for row in
                          labels_ws.iter_rows(values_only=True) if row])
        texts: dict[str, str] = {}
        kinds: dict[str, str] = {}
        if structure_ws is not None:
            rows = [[_cell(v) for v in row] for row in structure_ws.iter_rows(values_only=True)
                    if row and any(v is not None for v in row)]
            if rows:
                texts, kinds = _structure(rows[0], rows[1:])
        headers: list[str] = []
        columns: dict[str, Any] = {}
        nrows: int | None = None
        for _, _title, ws in parts:
            rows_iter = ws.iter_rows(values_only=True)
            head = next(rows_iter, None)
            if head is None:
                continue
            head_text = [_cell(v) for v in head]
            take = []
            for i, h in enumerate(head_text):
                if not h or h in headers:
                    continue  # repeated key column (respondentid) in a continuation
                take.append((i, h))
            values: list[list[Any]] = [[] for _ in take]
            personal = [is_personal_name(h) for _, h in take]
            count = 0
            for row in rows_iter:
                if row is None or all(v is None for v in row):
                    continue
                count += 1
                for j, (i, _h) in enumerate(take):
                    if not personal[j]:
                        values[j].append(row[i] if i < len(row) else None)
            if nrows is None:
                nrows = count
            elif count != nrows:
                raise ExportError([problem(source.name, None, None, "export_sheets_differ",
                                           sheet=_title, rows=count, expected=nrows)])
            for j, (_i, h) in enumerate(take):
                headers.append(h)
                if not personal[j]:
                    columns[f"c{len(headers) - 1}"] = _xlsx_values(values[j])
                else:
                    columns.setdefault(f"c{len(headers) - 1}", None)
    finally:
        wb.close()
    kept = {k: v for k, v in columns.items() if v is not None}
    frame = pd.DataFrame(kept, index=pd.RangeIndex(nrows or 0), copy=False)
    return _build(frame, headers, labels, texts, kinds, source.name, [source.name])


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return " ".join(str(v).split())


def _xlsx_values(values: list[Any]) -> Any:
    """Cells as float64 when all numbers (codes), else as they are (object)."""
    if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool))
           for v in values):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    arr = np.empty(len(values), dtype=object)
    arr[:] = [None if (isinstance(v, str) and not v.strip()) else v for v in values]
    return arr


def _build(
    frame: pd.DataFrame, headers: list[str], labels: dict[str, dict[float, str]],
    texts: dict[str, str], kinds: dict[str, str], file: str, sources: list[str],
    free: set[str] | None = None,
) -> Export:
    columns: list[Column] = []
    data: dict[str, Any] = {}
    dropped: list[str] = []
    completed_col: str | None = None
    for i, header in enumerate(headers):
        if not header:
            continue
        name = f"c{i}"
        folded = fold(header)
        col = Column(key=header, header=header, kind="closed", variable=header,
                     text=texts.get(header, ""), labels=labels.get(header) or None,
                     position=i, source=file)
        if free and header in free:
            col.kind = "text"
            columns.append(col)
            dropped.append(header)
            continue
        if name not in frame.columns and not is_personal_name(header) and _lazy(header):
            col.kind = ("status" if _STATUS.match(folded) else "system" if folded in _SYSTEM
                        else "datetime")
            columns.append(col)
            continue
        if is_personal_name(header) or name not in frame.columns:
            col.kind = "personal"
            columns.append(col)
            dropped.append(header)
            continue
        values = frame[name]
        numeric = pd.api.types.is_numeric_dtype(values.dtype)
        if _STATUS.match(folded):
            col.kind = "status"
            if _COMPLETED.match(folded) and completed_col is None:
                completed_col = header
        elif pd.api.types.is_datetime64_any_dtype(values.dtype) or is_date_name(header):
            col.kind = "datetime"
            values, _bad = parse_days(values)
        elif folded in _SYSTEM:
            col.kind = "system"
        elif col.labels:
            col.kind = "closed"
            if not numeric:
                values = _codes(values)
        elif numeric:
            col.kind = "numeric"
        else:
            kind = kinds.get(header, "")
            if "text" in kind or "open" in kind or looks_like_free_text(values, header):
                col.kind = "text"
                columns.append(col)
                dropped.append(header)
                continue
            col.kind = "closed"
            series = pd.Series(values, copy=False)
            if not isinstance(series.dtype, pd.CategoricalDtype):
                series = series.astype("category")
            values = series
            col.answers = [str(x) for x in series.cat.categories]
        data[header] = values
        columns.append(col)
    out = pd.DataFrame(data, index=frame.index, copy=False)
    notes = []
    if completed_col is not None:
        completed = np.asarray(out[completed_col], dtype=np.float64) == 1
    else:
        completed = np.ones(len(out), dtype=bool)
        notes.append("no_status")
    return Export("surveyxact", sources, columns, out, completed, dropped, file, notes=notes)


def _codes(values: Any) -> np.ndarray:
    """Codes written as text ("1", "1,0") as float64 (NaN where not a number)."""
    s = pd.Series(values, copy=False)
    return pd.to_numeric(s.astype("str").str.replace(",", ".", regex=False).where(s.notna()),
                         errors="coerce").to_numpy(dtype=np.float64)
