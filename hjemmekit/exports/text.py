"""Text files and values of exports: encodings (UTF-16, UTF-8, cp1252), delimiters, days."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from hjemmekit.io import sniff as _io_sniff

__all__ = ["decode", "encoding_of", "parse_days", "read_table", "sniff"]


def encoding_of(data: bytes) -> str:
    """utf-16 (with a BOM, or with NUL bytes), utf-8-sig, utf-8 or cp1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    sample = bytes(data[:1 << 22])  # big files: the first 4 MB (the reader checks on)
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if len(sample) < len(data) and e.start >= len(sample) - 4:
            return "utf-8"  # a character cut at the sample's end
        return "cp1252"


def decode(data: bytes) -> str:
    return data.decode(encoding_of(data), errors="replace")


def sniff(line: str) -> str:
    """The delimiter of a header line: tab, semicolon or comma (outside quotes)."""
    return _io_sniff(line, order=("\t", ";", ","))


def read_table(data: bytes | str, header: bool = True) -> tuple[list[str], list[list[str]]]:
    """A small CSV (any of the encodings and delimiters) as header and rows of text."""
    text = decode(data) if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    m = re.fullmatch(r"\s*sep=(.)\s*", first)
    if m:
        sep = m[1]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        sep = sniff(first)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)
            if r and any(x.strip() for x in r)]
    if not header:
        return [], rows
    if not rows:
        return [], []
    return [" ".join(h.split()) for h in rows[0]], rows[1:]


_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_XYZ = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _token(value: Any) -> str:
    text = str(value).strip()
    return re.split(r"[ T]", text, maxsplit=1)[0] if text else ""


def parse_days(values: pd.Series | np.ndarray | list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Dates and times (text, datetime or Excel serial numbers) as their day.

    Returns datetime64[ns] (NaT for blanks and bad values) and a mask of bad values.
    Text days: 2026-03-15, 2026/03/15, 15-03-2026, 15.03.2026, 15/03/2026; with slashes
    and both parts at most 12, day first unless some value shows month first
    (3/25/2026, the US format of Forms and Google).
    """
    s = pd.Series(values, copy=False)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        days = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) else s
        out = days.dt.normalize().to_numpy(dtype="datetime64[ns]")
        return out, np.zeros(len(s), dtype=bool)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    tokens = [u if isinstance(u, datetime | date | pd.Timestamp | int | float | np.number)
              else _token(u) for u in uniques]
    month_first = False
    for tok in tokens:
        if isinstance(tok, str) and (m := _XYZ.fullmatch(tok)) and "/" in tok:
            if int(m[2]) > 12:
                month_first = True
            elif int(m[1]) > 12:
                month_first = False
                break
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    bad = np.zeros(len(uniques) + 1, dtype=bool)
    for i, tok in enumerate(tokens):
        day = _one_day(tok, month_first)
        if day is None:
            continue
        if day is False:
            bad[i] = True
        else:
            parsed[i] = day
    return parsed[codes], bad[codes]


def _one_day(tok: Any, month_first: bool) -> Any:
    if isinstance(tok, datetime | pd.Timestamp):
        return np.datetime64(tok.date(), "ns")
    if isinstance(tok, date):
        return np.datetime64(tok, "ns")
    if isinstance(tok, int | float | np.number):
        if isinstance(tok, float) and np.isnan(tok):
            return None
        if 1 <= tok < 2958466:
            return (_EXCEL_EPOCH + np.timedelta64(int(tok), "D")).astype("datetime64[ns]")
        return False
    if not tok:
        return None
    try:
        if m := _YMD.fullmatch(tok):
            return np.datetime64(date(int(m[1]), int(m[2]), int(m[3])), "ns")
        if m := _XYZ.fullmatch(tok):
            a, b = int(m[1]), int(m[2])
            d, mo = (b, a) if month_first and "/" in tok else (a, b)
            return np.datetime64(date(int(m[3]), mo, d), "ns")
    except ValueError:
        return False
    return False


def arrow_days(arr: Any) -> np.ndarray | None:
    """A pyarrow column of date-and-time text as days (datetime64[ns], NaT for blanks and
    bad values), parsed once per distinct day in C-speed passes; None when most values
    are no dates."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    tokens = pc.list_element(pc.utf8_split_whitespace(arr, max_splits=1), 0)
    encoded = pc.dictionary_encode(tokens)
    uniques = encoded.dictionary.to_pylist()
    days, bad = parse_days(np.array(uniques, dtype=object))
    if len(uniques) and bad.sum() * 2 > len(uniques):
        return None
    days = np.append(days, np.datetime64("NaT", "ns"))
    idx = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False)
    return days[idx]
