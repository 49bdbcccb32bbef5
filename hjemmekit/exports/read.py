"""``read_export(sources)``: detect the tool and read its export (see the package docs)."""

from __future__ import annotations

import os
from typing import Any

from hjemmekit.exports.base import Export, ExportError, Source, as_sources, open_xlsx, problem
from hjemmekit.exports.forms import first_sheet_header, is_forms, read_forms
from hjemmekit.exports.google import is_google, read_google
from hjemmekit.exports.spss import is_spss, read_spss
from hjemmekit.exports.surveyxact import is_surveyxact, read_surveyxact
from hjemmekit.exports.text import decode, read_table

__all__ = ["detect_tool", "read_export"]


def _is_xlsx(s: Source) -> bool:
    return s.head(4) == b"PK\x03\x04"


def _sheets(sources: list[Source]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in sources:
        if not _is_xlsx(s):
            continue
        wb = open_xlsx(s)
        out[s.name] = list(wb.sheetnames)
        wb.close()
    return out


def detect_tool(sources: list[Source], sheets: dict[str, list[str]] | None = None) -> str | None:
    """``surveyxact``, ``forms``, ``spss``, ``google`` or None."""
    sheets = _sheets(sources) if sheets is None else sheets
    if len(sources) == 1 and is_spss(sources[0]):
        return "spss"
    if is_surveyxact(sources, sheets):
        return "surveyxact"
    if len(sources) == 1:
        s = sources[0]
        if s.name in sheets and is_forms(first_sheet_header(s)):
            return "forms"
        if s.name not in sheets and not s.head(8).startswith(b"\xd0\xcf\x11\xe0"):
            head = decode(s.head(65536)).split("\n", 1)[0]
            headers, _ = read_table(head + "\n")
            if is_google(headers):
                return "google"
            if is_forms(headers):
                return "forms-csv"
    return None


def read_export(
    sources: str | os.PathLike[str] | tuple[str, bytes] | list[Any],
) -> Export:
    """Read one export: a file, or SurveyXact's dataset/structure/labels CSV files.

    ``sources`` are paths or ``(filename, bytes)`` pairs (one, or a list). The tool is
    detected from the content. Personal columns are dropped at the door. Raises
    :class:`~hjemmekit.exports.ExportError` (one problem per line) for a file that is
    no export of a known tool or is broken (e.g. SurveyXact without Labels).
    """
    srcs = as_sources(sources)
    sheets = _sheets(srcs)
    tool = detect_tool(srcs, sheets)
    if tool == "spss":
        return read_spss(srcs[0])
    if tool == "surveyxact":
        return read_surveyxact(srcs, sheets)
    if tool == "forms":
        return read_forms(srcs[0])
    if tool == "google":
        return read_google(srcs[0])
    if tool == "forms-csv":
        from hjemmekit.exports.forms import COMPLETION, SYSTEM
        from hjemmekit.exports.labeltext import build_label_export

        headers, rows = read_table(srcs[0].data)
        cells = [[row[i] if i < len(row) else None for row in rows] for i in range(len(headers))]
        completion = next((h for h in headers if _fold(h) in COMPLETION), None)
        return build_label_export("forms", srcs[0].name, headers, list(cells), completion,
                                  SYSTEM)
    names = ", ".join(s.name for s in srcs)
    raise ExportError([problem(srcs[0].name, None, None, "export_unknown_tool", names=names)])


def _fold(text: str) -> str:
    from hjemmekit.exports.base import fold

    return fold(text)
