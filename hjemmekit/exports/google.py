"""Google Forms exports (CSV, "Download responses").

The first column is ``Timestamp`` (a Danish account: ``Tidsstempel``), then one column
per question; a grid question gives one column per statement, headed
``Question [Statement]``. Answers are label text. Every row is a submitted response
(completed). ``Email Address`` / ``E-mailadresse`` and ``Username`` are never kept.
"""

from __future__ import annotations

import numpy as np

from hjemmekit.exports.base import Export, ExportError, Source, fold, problem
from hjemmekit.exports.labeltext import build_label_export
from hjemmekit.exports.text import read_table

__all__ = ["TIMESTAMP", "is_google", "read_google"]

TIMESTAMP = {fold(n) for n in ("Timestamp", "Tidsstempel", "Tidsstempel for svar")}
SYSTEM = {fold(n) for n in ("Score", "Point", "Total score")}


def is_google(headers: list[str]) -> bool:
    return bool(headers) and any(fold(h) in TIMESTAMP for h in headers[:2])


def read_google(source: Source) -> Export:
    headers, rows = read_table(source.data)
    if not headers:
        raise ExportError([problem(source.name, None, None, "empty")])
    cells = [[row[i] if i < len(row) else None for row in rows] for i in range(len(headers))]
    return build_label_export("google", source.name, headers, list(cells), None, SYSTEM,
                              lines=np.arange(2, len(rows) + 2, dtype=np.int64))
