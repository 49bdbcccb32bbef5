"""Answer scales: from an answer's label ("Meget enig", "Strongly agree", "7") to a score.

Built in (:data:`SCALES`, names for ``--scale``):

- ``agree-da``: Helt uenig / Meget uenig 1, Uenig / Overvejende uenig / Delvis uenig 2,
  Hverken enig eller uenig / Hverken eller / Neutral 3, Enig / Overvejende enig /
  Delvis enig 4, Helt enig / Meget enig 5;
- ``agree-en``: Strongly disagree 1, Disagree 2, Neither agree nor disagree 3, Agree 4,
  Strongly agree 5;
- ``satisfaction-da``: Meget utilfreds 1 ... Meget tilfreds 5; ``satisfaction-en``:
  Very dissatisfied 1 ... Very satisfied 5;
- ``extent-da``: I meget lav grad 1 ... I meget høj grad 5 (the Danish APV and
  wellbeing surveys); ``extent-en``: To a very small extent 1 ... To a very large extent 5;
- ``0-10``: the numbers 0 to 10 (also with text after them: "10 - I meget høj grad").

``auto`` (the default) is all of them at once: their labels do not collide. Labels are
matched without regard to case, blanks, punctuation at the ends and a leading number
("5 = Helt enig", "(1) Helt uenig"). :data:`MISSING_LABELS` ("Ved ikke", "Don't know",
"Ønsker ikke at svare", "Not relevant", ...) are missing answers, never a score.

A scale file (``--scale FILE``) is CSV or JSON: ``label,score`` lines (a blank score
or ``missing`` makes the label a missing answer), or a JSON object ``{"label": score}``
(``null`` for missing).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from hjemmekit.model import DEFAULT_MISSING_LABELS

__all__ = [
    "MISSING_LABELS",
    "SCALES",
    "ScaleError",
    "fold_label",
    "leading_number",
    "read_scale_file",
    "scale_entries",
    "score_of",
]

SCALES: dict[str, dict[str, float]] = {
    "agree-da": {
        "Helt uenig": 1, "Meget uenig": 1, "Uenig": 2, "Overvejende uenig": 2,
        "Delvis uenig": 2, "Delvist uenig": 2, "Hverken enig eller uenig": 3,
        "Hverken/eller": 3, "Hverken eller": 3, "Neutral": 3, "Enig": 4,
        "Overvejende enig": 4, "Delvis enig": 4, "Delvist enig": 4, "Helt enig": 5,
        "Meget enig": 5,
    },
    "agree-en": {
        "Strongly disagree": 1, "Disagree": 2, "Somewhat disagree": 2,
        "Neither agree nor disagree": 3, "Neither agree or disagree": 3, "Neutral": 3,
        "Agree": 4, "Somewhat agree": 4, "Strongly agree": 5,
    },
    "satisfaction-da": {
        "Meget utilfreds": 1, "Utilfreds": 2, "Hverken tilfreds eller utilfreds": 3,
        "Tilfreds": 4, "Meget tilfreds": 5,
    },
    "satisfaction-en": {
        "Very dissatisfied": 1, "Dissatisfied": 2, "Neither satisfied nor dissatisfied": 3,
        "Satisfied": 4, "Very satisfied": 5,
    },
    "extent-da": {
        "I meget lav grad": 1, "I lav grad": 2, "I nogen grad": 3, "I høj grad": 4,
        "I meget høj grad": 5,
    },
    "extent-en": {
        "To a very small extent": 1, "To a small extent": 2, "To some extent": 3,
        "To a large extent": 4, "To a very large extent": 5,
    },
    "0-10": {str(i): i for i in range(11)},
}  # fmt: skip
"""The built-in scales: name -> label -> score."""

MISSING_LABELS: tuple[str, ...] = DEFAULT_MISSING_LABELS
"""Labels that are missing answers (also kept in a profile, editable)."""

AUTO = "auto"


class ScaleError(ValueError):
    """A scale name or file that cannot be used; the message says why."""


_LEADING = re.compile(r"^\s*[\(\[]?\s*(\d{1,2}(?:[.,]\d+)?)\s*[\)\]]?\s*(?:[=:.\-–—]\s*)?(.*)$")


def fold_label(label: object) -> str:
    """A label for matching: NFC, case-folded, blanks collapsed, end punctuation dropped."""
    text = unicodedata.normalize("NFC", str(label)).casefold()
    text = text.replace("’", "'").replace("`", "'")
    text = " ".join(text.split())
    return text.strip(" .:;!-–—*")


def leading_number(label: object) -> tuple[float | None, str]:
    """The number a label starts with and the text after it: "5 = Helt enig" -> (5.0,
    "helt enig"); (None, folded label) without one."""
    folded = fold_label(label)
    m = _LEADING.match(folded)
    if not m:
        return None, folded
    number = float(m[1].replace(",", "."))
    return number, fold_label(m[2])


def scale_entries(name: str = AUTO) -> dict[str, float]:
    """Folded label -> score of a built-in scale (``auto``: all of them)."""
    if name == AUTO:
        out: dict[str, float] = {}
        for entries in SCALES.values():
            for label, score in entries.items():
                out.setdefault(fold_label(label), float(score))
        return out
    if name not in SCALES:
        raise ScaleError(f"unknown scale '{name}' (built in: {AUTO}, {', '.join(SCALES)})")
    return {fold_label(k): float(v) for k, v in SCALES[name].items()}


_MISSING_FOLDED = frozenset(fold_label(x) for x in MISSING_LABELS)


def score_of(
    label: object, entries: dict[str, float | None], missing: frozenset[str] | None = None,
) -> tuple[bool, float | None]:
    """(known, score) of one answer label: score None for a missing answer.

    ``entries`` is folded label -> score (None: missing). A label is looked up as it is,
    then without its leading number; a number alone (or with text the scale does not
    know, "10 - I meget høj grad") scores as that number when the scale has it (0-10).
    Missing-answer labels (``missing``, folded; default :data:`MISSING_LABELS`) are
    known and score None.
    """
    missing = _MISSING_FOLDED if missing is None else missing
    folded = fold_label(label)
    if not folded:
        return True, None
    if folded in entries:
        return True, entries[folded]
    if folded in missing:
        return True, None
    number, rest = leading_number(label)
    if rest and rest in entries:
        return True, entries[rest]
    if rest and rest in missing:
        return True, None
    if number is not None:
        key = fold_label(f"{number:g}")
        if key in entries:
            return True, entries[key]
    return False, None


def read_scale_file(path: str | Path) -> dict[str, float | None]:
    """A scale from a CSV (``label,score``) or JSON (``{"label": score}``) file: folded
    label -> score (None: a missing answer). Raises :class:`ScaleError`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise ScaleError(f"{p}: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    out: dict[str, float | None] = {}
    if p.suffix.casefold() == ".json" or text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise ScaleError(f"{p}: not valid JSON: {e}") from None
        if not isinstance(doc, dict):
            raise ScaleError(f"{p}: a scale file holds one JSON object: label -> score")
        for label, score in doc.items():
            if score is not None and not isinstance(score, int | float):
                raise ScaleError(f"{p}: '{label}': {score!r} is not a number")
            out[fold_label(label)] = None if score is None else float(score)
        return out
    import csv
    import io

    sample = text.split("\n", 1)[0]
    sep = ";" if sample.count(";") > sample.count(",") else ("\t" if "\t" in sample else ",")
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=sep), 1):
        if not row or not "".join(row).strip():
            continue
        label = row[0]
        score = row[1].strip() if len(row) > 1 else ""
        if number == 1 and fold_label(label) in ("label", "svar", "etiket", "answer"):
            continue
        if score.casefold() in ("", "missing", "mangler", "na", "none"):
            out[fold_label(label)] = None
            continue
        try:
            out[fold_label(label)] = float(score.replace(",", "."))
        except ValueError:
            raise ScaleError(f"{p}:{number}: '{score}' is not a score (a number, or blank "
                             "for a missing answer)") from None
    if not out:
        raise ScaleError(f"{p}: no labels (write one 'label,score' per line)")
    return out
