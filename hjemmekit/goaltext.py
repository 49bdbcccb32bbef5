"""Step 2 in words: names and texts of goals, tools, indicators and targets (no widgets).

Shared by the step-2 view, the step-5 view and the decision document, so a goal reads
the same everywhere.
"""

from __future__ import annotations

import math

from hjemmekit.i18n import t
from hjemmekit.model import TOOLS, Goal, Workbook


def goal_name(goal: Goal, lang: str) -> str:
    """The goal's name: its own text, else the guidance's purpose in ``lang``."""
    if goal.purpose.strip():
        return goal.purpose.strip()
    if goal.purpose_key:
        return t(f"goals.purpose_{goal.purpose_key}", lang)
    return "?"


def tool_name(tool: str, lang: str) -> str:
    """A guidance tool's label in ``lang``; an own tool is its own name."""
    return t(f"goals.tool_{tool}", lang) if tool in TOOLS else tool


def all_tools(wb: Workbook) -> list[str]:
    """The guidance's tools, then the workbook's own ones."""
    return [*TOOLS, *(x for x in wb.goals.own_tools if x not in TOOLS)]


def parse_number(text: str) -> float | None:
    """``"4,5"``/``"4.5"``/``"1.234,5"`` -> float; empty -> None; else ValueError."""
    s = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if not s:
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def format_number(value: float | None, lang: str) -> str:
    """A number as typed back: no grouping, decimal comma in Danish."""
    if value is None:
        return ""
    s = f"{value:.6f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "da" else s


def indicator_text(goal: Goal, lang: str) -> str:
    parts = []
    if goal.indicator_kind:
        parts.append(t(f"goals.kind_{goal.indicator_kind}", lang))
    if goal.indicator.strip():
        parts.append(goal.indicator.strip())
    return ": ".join(parts)


def target_text(goal: Goal, lang: str) -> str:
    parts = [goal.target.strip()] if goal.target.strip() else []
    if goal.target_value is not None:
        value = format_number(goal.target_value, lang)
        key = f"summary_{goal.direction}" if goal.direction else "summary_value"
        parts.append(t(f"goals.{key}", lang, value=value))
    elif goal.direction:
        parts.append(t(f"goals.direction_{goal.direction}", lang).lower())
    return "; ".join(parts)
