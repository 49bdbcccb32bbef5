"""Applying an import profile: an export becomes a survey frame of the documented layout.

:func:`apply_profile` keeps completed respondents only, scores every question answer by
its label (the profile's labels over the named scale; missing-answer labels are
missing), reverses reversed items, and reports every problem with file, row and column
(a label the scale does not know, a code without a label, a date that is no date, a
column the profile names that the export lacks). Rows without a unit, role or date are
left out and counted. :func:`write_survey` writes the frame as CSV, read by
``hjemmekit validate`` and ``evaluate``.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.exports.base import Column, Export, problem
from hjemmekit.exports.profile import missing_set, profile_entries
from hjemmekit.exports.scales import fold_label, leading_number, score_of
from hjemmekit.io import Problem, ValidationReport
from hjemmekit.model import ImportProfile

__all__ = ["ImportResult", "LabelScore", "apply_profile", "preview", "scale_table",
           "write_survey"]

_KNOWN_BACKGROUND = {"seniority_years", "commute_minutes", "age_group"}


@dataclass
class ImportResult:
    """What :func:`apply_profile` made.

    - ``frame``: date (datetime64[ns]), unit (category), role (category: employee /
      manager), one float64 column per question (named as in ``questions``),
      home_days_wanted and home_days_actual (float64, when mapped), the background
      columns (float64 or category), one row per completed respondent kept;
    - ``problems``: every problem (:class:`hjemmekit.io.Problem`, ``.text(lang)``);
    - ``kept``; ``not_completed`` (left out as not completed); ``left_out``: other rows
      left out by reason (``no_unit``, ``no_role``, ``no_date``);
    - ``dropped``: the personal and free-text columns dropped at the door.
    """

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    kept: int = 0
    not_completed: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    background: list[str] = field(default_factory=list)
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self, lang: str = "en") -> list[str]:
        """One line per problem in ``lang`` (sorted, capped as ``validate`` does)."""
        return ValidationReport(list(self.problems), self.omitted).lines(lang)


@dataclass
class LabelScore:
    """One answer label of the question columns and its score (None: missing answer;
    ``known`` False: the scale does not know it)."""

    label: str
    score: float | None
    known: bool
    columns: list[str]
    count: int = 0


class _Problems:
    def __init__(self, export: Export, limit: int = 200) -> None:
        self.export = export
        self.items: list[Problem] = []
        self.omitted = 0
        self.limit = limit

    def add(self, row: int | None, col: Column | None, key: str, **params: Any) -> None:
        if len(self.items) >= self.limit:
            self.omitted += 1
            return
        line = None if row is None else self.export.line_of(row)
        file = col.source if col is not None and col.source else self.export.file
        self.items.append(problem(file, line, None if col is None else col.header, key,
                                  **params))


def _name_of(col: Column, profile: ImportProfile) -> str:
    return profile.names.get(col.key) or col.key


def _labels_of(export: Export, col: Column, values: Any) -> tuple[np.ndarray, list[str],
                                                                   np.ndarray]:
    """Codes into a column's distinct labels: codes (-1 missing), labels, and the rows
    whose code has no label (coded columns)."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return (np.asarray(values.cat.codes, dtype=np.intp), [str(x) for x in
                values.cat.categories], np.zeros(len(values), dtype=bool))
    arr = np.asarray(values)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if col.labels:
        codes_sorted = np.array(sorted(col.labels), dtype=np.float64)
        labels = [col.labels[c] for c in codes_sorted]
        found = _lookup(arr, codes_sorted)
        nolabel = (found < 0) & ~np.isnan(arr)
        return found, labels, nolabel
    arr = arr.astype(np.float64, copy=False)
    uniq, inv = np.unique(arr, return_inverse=True)
    labels = [f"{u:g}" for u in uniq]
    inv = np.where(np.isnan(arr), -1, inv.reshape(-1))
    return inv.astype(np.intp), labels, np.zeros(len(arr), dtype=bool)


_LUT_MAX = 1 << 16


def _lookup(arr: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position of each value of ``arr`` in the sorted ``keys`` (-1: not there, NaN).

    Survey codes are small whole numbers: then one lookup array indexed by the code
    (a few passes over the column); otherwise a binary search."""
    if not len(keys):
        return np.full(len(arr), -1, dtype=np.intp)
    if keys[0] >= 0 and keys[-1] < _LUT_MAX and np.all(keys == np.round(keys)):
        top = int(keys[-1]) + 1
        lut = np.full(top + 1, -1, dtype=np.intp)  # slot ``top``: outside the keys or NaN
        lut[keys.astype(np.intp)] = np.arange(len(keys))
        inside = (arr >= 0) & (arr < top)  # False for NaN
        idx = np.where(inside, arr, top).astype(np.intp)
        pos = lut[idx]
        pos[idx != arr] = -1  # not a whole number (1.5 is no code 1)
        return pos
    pos = np.minimum(np.searchsorted(keys, arr), len(keys) - 1)
    return np.where(keys[pos] == arr, pos, -1).astype(np.intp)


def _column_scores(
    export: Export, col: Column, values: Any, entries: dict[str, float | None],
    missing: frozenset[str], probs: _Problems, numbers: bool = False,
) -> np.ndarray:
    """Scores per row of one column (NaN: missing). ``numbers``: a label scores as the
    number it starts with ("2 dage" -> 2), for home days."""
    if pd.api.types.is_numeric_dtype(getattr(values, "dtype", None)) and not col.labels:
        return np.asarray(values, dtype=np.float64)
    codes, labels, nolabel = _labels_of(export, col, values)
    table = np.full(len(labels) + 1, np.nan)
    for i, label in enumerate(labels):
        if numbers:
            n, rest = leading_number(label)
            known, score = (True, n) if n is not None else score_of(label, entries, missing)
            if n is None and not known and fold_label(label) in missing:
                known, score = True, None
        else:
            known, score = score_of(label, entries, missing)
        if not known:
            rows = np.flatnonzero(codes == i)
            if len(rows):
                probs.add(int(rows[0]), col, "export_unknown_label", label=label,
                          count=len(rows))
            continue
        table[i] = np.nan if score is None else score
    for row in np.flatnonzero(nolabel)[:20].tolist():
        probs.add(row, col, "export_code_without_label",
                  code=f"{float(np.asarray(values, dtype=np.float64)[row]):g}")
    return table[codes]


def _texts(export: Export, col: Column, values: Any) -> tuple[np.ndarray, list[str]]:
    """Text values of a column as codes (-1 missing) into their distinct texts."""
    codes, labels, _ = _labels_of(export, col, values)
    return codes, labels


def _pick(export: Export, profile: ImportProfile, rows: int | None
          ) -> tuple[np.ndarray, Export]:
    completed = np.flatnonzero(export.completed)
    if rows is not None:
        completed = completed[:rows]
    return completed, export


def apply_profile(export: Export, profile: ImportProfile, *, rows: int | None = None
                  ) -> ImportResult:
    """The survey frame of ``export`` under ``profile`` (see the module's docstring).

    ``rows``: only the first so many completed respondents (for a preview).
    """
    probs = _Problems(export)
    entries = profile_entries(profile)
    missing = missing_set(profile)
    export.ensure(profile.date, profile.unit, profile.role, profile.home_days_wanted,
                  profile.home_days_actual, *profile.questions, *profile.background)
    keep, _ = _pick(export, profile, rows)
    data = export.data

    def column(key: str | None, what: str) -> Column | None:
        if key is None:
            return None
        try:
            col = export.column(key)
        except KeyError:
            probs.add(None, None, "export_column_not_found", column=key, what=what)
            return None
        if col.key not in data.columns:
            probs.add(None, col, "export_column_dropped", what=what)
            return None
        return col

    def values(col: Column) -> Any:
        v = data[col.key]
        if isinstance(v.dtype, pd.CategoricalDtype):
            return v.iloc[keep]
        return v.to_numpy()[keep]

    n = len(keep)
    out: dict[str, Any] = {}
    ok = np.ones(n, dtype=bool)
    left: dict[str, int] = {}

    # date
    if profile.date_value is not None:
        days = np.full(n, np.datetime64(profile.date_value, "ns"))
    else:
        dcol = column(profile.date, "date")
        if dcol is None:
            if profile.date is None:
                probs.add(None, None, "export_no_date")
            days = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        else:
            days = np.asarray(values(dcol), dtype="datetime64[ns]")
            if not np.issubdtype(np.asarray(data[dcol.key]).dtype, np.datetime64):
                probs.add(None, dcol, "export_not_a_time")
    days = days.astype("datetime64[D]").astype("datetime64[ns]")
    no_date = np.isnat(days)
    days = _wave_days(days, profile.waves)

    # unit
    ucol = column(profile.unit, "unit")
    if ucol is None and profile.unit is None:
        probs.add(None, None, "export_no_unit")
    unit = pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index([], dtype="str"))
    no_unit = np.zeros(n, dtype=bool)
    if ucol is not None:
        codes, labels = _texts(export, ucol, values(ucol))
        cats = pd.Index([" ".join(str(x).split()) for x in labels], dtype="str")
        unit = _categorical(codes, cats)
        no_unit = codes < 0

    # role
    rcol = column(profile.role, "role")
    no_role = np.zeros(n, dtype=bool)
    role_codes = np.zeros(n, dtype=np.int8)
    if rcol is not None:
        codes, labels = _texts(export, rcol, values(rcol))
        managers = {fold_label(m) for m in profile.managers}
        is_manager = np.array([fold_label(x) in managers for x in labels] + [False])
        role_codes = is_manager[codes].astype(np.int8)
        no_role = codes < 0
    role = pd.Categorical.from_codes(role_codes, categories=pd.Index(["employee", "manager"],
                                                                      dtype="str"))
    for reason, mask in (("no_date", no_date), ("no_unit", no_unit), ("no_role", no_role)):
        mask = mask & ok
        if mask.any():
            left[reason] = int(mask.sum())
        ok &= ~mask

    out["date"] = days
    out["unit"] = unit
    out["role"] = role
    questions: list[str] = []
    for key in profile.questions:
        col = column(key, "question")
        if col is None:
            continue
        scores = _column_scores(export, col, values(col), entries, missing, probs)
        if key in profile.reversed:
            scores = _reverse(export, col, scores, entries, missing)
        outside = ~np.isnan(scores) & ((scores < 0) | (scores > 10))
        for row in np.flatnonzero(outside)[:20].tolist():
            probs.add(int(keep[row]), col, "outside_answer_range", value=f"{scores[row]:g}",
                      low="0", high="10")
        name = _name_of(col, profile)
        out[name] = scores
        questions.append(name)
    for which in ("home_days_wanted", "home_days_actual"):
        col = column(getattr(profile, which), which)
        if col is None:
            continue
        scores = _column_scores(export, col, values(col), entries, missing, probs,
                                numbers=True)
        outside = ~np.isnan(scores) & ((scores < 0) | (scores > 5))
        for row in np.flatnonzero(outside)[:20].tolist():
            probs.add(int(keep[row]), col, "home_days_range", value=f"{scores[row]:g}",
                      low="0", high="5")
        out[which] = scores
    background: list[str] = []
    for key in profile.background:
        col = column(key, "background")
        if col is None:
            continue
        v = values(col)
        numeric = pd.api.types.is_numeric_dtype(getattr(v, "dtype", None)) and not col.labels
        name = _name_of(col, profile)
        if numeric:
            if name not in _KNOWN_BACKGROUND and key not in profile.names and not (
                    name.startswith(("bg_", "baggrund_"))):
                name = f"bg_{name}"
            out[name] = np.asarray(v, dtype=np.float64)
        else:
            codes, labels = _texts(export, col, v)
            out[name] = _categorical(codes, pd.Index([str(x) for x in labels], dtype="str"))
        background.append(name)

    frame = pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)
    if not ok.all():
        frame = frame.loc[ok].reset_index(drop=True)
    for c in ("unit", "role", *[b for b in background if isinstance(
            frame[b].dtype, pd.CategoricalDtype)]):
        frame[c] = frame[c].cat.remove_unused_categories()
    frame.attrs.update(kind="survey", questions=questions, background=background)
    return ImportResult(
        frame=frame, problems=probs.items, kept=len(frame),
        not_completed=export.not_completed if rows is None else 0, left_out=left,
        dropped=list(export.dropped), questions=questions, background=background,
        omitted=probs.omitted)


def _categorical(codes: np.ndarray, cats: pd.Index) -> pd.Categorical:
    """A categorical from codes into ``cats``, which may repeat (after folding blanks)."""
    uniq, inv = np.unique(np.asarray(cats, dtype=object).astype(str), return_inverse=True) if len(
        cats) else (np.array([], dtype=object), np.array([], dtype=np.intp))
    remap = np.append(inv.reshape(-1), -1).astype(np.intp)
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index(list(uniq), dtype="str"))


def _wave_days(days: np.ndarray, rule: str) -> np.ndarray:
    """Days as waves: ``day`` as they are; ``month``: the first day answered in each
    month; ``export``: the first day of all."""
    if rule == "day" or not len(days):
        return days
    valid = ~np.isnat(days)
    if not valid.any():
        return days
    if rule == "export":
        return np.where(valid, days[valid].min(), days)
    months = days.astype("datetime64[M]")
    uniq, inv = np.unique(months[valid], return_inverse=True)
    firsts = pd.Series(days[valid]).groupby(inv.reshape(-1)).min().to_numpy()
    out = days.copy()
    out[valid] = firsts[inv.reshape(-1)]
    return out


def _reverse(export: Export, col: Column, scores: np.ndarray,
             entries: dict[str, float | None], missing: frozenset[str]) -> np.ndarray:
    """Scores the other way round: lo + hi - score, on 1-5 or (with a 0 or a score
    above 5 among the column's labels or answers) on 0-10."""
    known = [s for s in (score_of(x, entries, missing)[1] for x in col.label_list())
             if s is not None]
    seen = scores[~np.isnan(scores)]
    every = np.concatenate([np.asarray(known, dtype=np.float64), seen])
    if not len(every):
        return scores
    hi = 10.0 if every.max() > 5 else 5.0
    lo = 0.0 if every.min() < 1 or hi == 10.0 else 1.0
    return lo + hi - scores


def preview(export: Export, profile: ImportProfile, rows: int = 5) -> pd.DataFrame:
    """The first ``rows`` completed respondents as they will be read (a survey frame)."""
    return apply_profile(export, profile, rows=rows).frame.head(rows)


def scale_table(export: Export, profile: ImportProfile) -> list[LabelScore]:
    """Every answer label of the profile's question columns with its score, in order of
    score (missing answers, then labels the scale does not know, last)."""
    entries = profile_entries(profile)
    missing = missing_set(profile)
    rows: dict[str, LabelScore] = {}
    for key in profile.questions:
        try:
            col = export.column(key)
        except KeyError:
            continue
        if col.kind == "numeric" or col.key not in export.data:
            continue
        v = export.data[col.key]
        codes, labels, _ = _labels_of(export, col, v.iloc[np.flatnonzero(export.completed)]
                                      if isinstance(v.dtype, pd.CategoricalDtype) else
                                      v.to_numpy()[export.completed])
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        for i, label in enumerate(labels):
            known, score = score_of(label, entries, missing)
            entry = rows.setdefault(fold_label(label), LabelScore(label, score, known, []))
            if key not in entry.columns:
                entry.columns.append(key)
            entry.count += int(counts[i])
    return sorted(rows.values(), key=lambda r: (not r.known, r.score is None,
                                                r.score if r.score is not None else 0,
                                                fold_label(r.label)))


def write_survey(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a survey frame as CSV (comma, UTF-8, ISO dates, whole numbers without
    decimals): a temporary file in the same folder, then renamed over ``path``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrays = []
    special = False  # a text with a comma, quote or line end: quote the texts
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            arrays.append(pa.array(s.to_numpy().astype("datetime64[D]"), type=pa.date32(),
                                   mask=s.isna().to_numpy()))
        elif isinstance(s.dtype, pd.CategoricalDtype):
            texts = [str(x) for x in s.cat.categories]
            special = special or any(ch in x for x in texts for ch in ',"\r\n')
            codes = s.cat.codes.to_numpy()
            arrays.append(pa.DictionaryArray.from_arrays(
                pa.array(codes, mask=codes < 0), pa.array(texts, type=pa.string())).cast(
                    pa.string()))
        else:
            # NaN is null; whole numbers are written without decimals: arrow's safe cast
            # to the smallest integer type that holds them (it refuses fractions and
            # overflow), else the floats as they are.
            values = pa.array(s.to_numpy(dtype=np.float64, na_value=np.nan), from_pandas=True)
            for kind in (pa.int8(), pa.int16(), pa.int32()):
                try:
                    values = values.cast(kind)
                    break
                except pa.ArrowInvalid:
                    continue
            arrays.append(values)
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    del arrays
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    quoting = "needed" if special else "none"
    # Big tables in parts, formatted on threads (pyarrow lets go of the GIL), written in
    # order.
    parts = max(1, min(_cpus(), table.num_rows // 200_000))
    step = -(-table.num_rows // parts) if parts else 0

    def text(i: int) -> pa.Buffer:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table.slice(i * step, step), sink, write_options=pacsv.WriteOptions(
            include_header=False, quoting_style=quoting))
        return sink.getvalue()

    try:
        with open(tmp, "wb") as f:
            f.write(header.getvalue().encode("utf-8"))
            if parts == 1:
                f.write(text(0))
            else:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(parts) as pool:
                    for buf in pool.map(text, range(parts)):
                        f.write(buf)
                        del buf
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
