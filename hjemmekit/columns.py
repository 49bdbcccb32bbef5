"""The names hjemmekit accepts for data files, their columns and their values, and
matching a name as written to one of them (see DESIGN.md, "Data files")."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

KINDS: tuple[str, ...] = ("units", "survey", "sickleave", "production", "dialogue")

#: Accepted column names: kind -> canonical (English) name -> other accepted names.
#: Matching ignores case, surrounding blanks, and treats spaces, hyphens and other
#: punctuation as ``_``; æ/ø/å may also be written ae/oe/aa (or o/a).
COLUMN_NAMES: dict[str, dict[str, list[str]]] = {
    "units": {
        "unit": ["enhed", "afdeling"],
        "group": ["gruppe"],
        "parent": ["overordnet", "overenhed", "overordnet_enhed", "parent_unit"],
        "headcount": ["antal_ansatte", "medarbejdere", "ansatte", "antal_medarbejdere",
                      "employees"],
        "desks": ["arbejdspladser", "pladser", "antal_pladser", "skriveborde"],
    },
    "survey": {
        "date": ["dato", "svardato"],
        "unit": ["enhed", "afdeling"],
        "role": ["rolle"],
        "home_days_wanted": ["ønskede_hjemmedage", "hjemmedage_ønsket"],
        "home_days_actual": ["faktiske_hjemmedage", "hjemmedage_faktisk"],
        "seniority_years": ["anciennitet_år", "anciennitet"],
        "commute_minutes": ["transporttid_min", "transporttid", "transporttid_minutter"],
        "age_group": ["aldersgruppe", "alder"],
    },
    "sickleave": {
        "unit": ["enhed", "afdeling"],
        "month": ["måned"],
        "fte": ["årsværk"],
        "sick_days": ["sygedage", "sygefraværsdage", "fraværsdage"],
        "sick_hours": ["sygetimer", "sygefraværstimer", "fraværstimer"],
    },
    "production": {
        "unit": ["enhed", "afdeling"],
        "period": ["periode"],
        "metric": ["nøgletal", "måling", "indikator"],
        "value": ["værdi"],
    },
    "dialogue": {
        "date": ["dato"],
        "unit": ["enhed", "afdeling"],
        "theme": ["tema", "emne"],
        "note": ["notat", "bemærkning"],
    },
}

#: File names (stems) that tell the kind of a data file: ``survey.csv``,
#: ``sygefravær.xlsx``, ... (matched like column names).
FILE_NAMES: dict[str, list[str]] = {
    "units": ["units", "unit", "enheder", "enhed"],
    "survey": ["survey", "surveys", "spørgeskema", "spørgeskemaer", "måling", "målinger",
               "besvarelser"],
    "sickleave": ["sickleave", "sick_leave", "sygefravær", "fravær"],
    "production": ["production", "produktion", "produktionsdata"],
    "dialogue": ["dialogue", "dialog", "dialogmøder"],
}

#: kind -> canonical column -> (value type, column required, value required).
SPEC: dict[str, dict[str, tuple[str, bool, bool]]] = {
    "units": {
        "unit": ("text", True, True),
        "group": ("group", True, False),
        "parent": ("text", False, False),
        "headcount": ("count", False, False),
        "desks": ("count", False, False),
    },
    "survey": {
        "date": ("date", True, True),
        "unit": ("text", True, True),
        "role": ("role", True, True),
        "home_days_wanted": ("home_days", False, False),
        "home_days_actual": ("home_days", False, False),
        "seniority_years": ("background", False, False),
        "commute_minutes": ("background", False, False),
        "age_group": ("background", False, False),
    },
    "sickleave": {
        "unit": ("text", True, True),
        "month": ("month", True, True),
        "fte": ("count", True, True),
        "sick_days": ("count", False, True),  # or sick_hours (hjemmekit.sickperiods)
        "sick_hours": ("count", False, True),
    },
    "production": {
        "unit": ("text", True, True),
        "period": ("period", True, True),
        "metric": ("text", True, True),
        "value": ("number", True, True),
    },
    "dialogue": {
        "date": ("date", True, True),
        "unit": ("text", True, True),
        "theme": ("text", True, False),
        "note": ("text", True, False),
    },
}

#: Accepted group values ("": no group) and roles.
GROUP_VALUES: dict[str, list[str]] = {
    "trial": ["forsøg", "forsøgsgruppe", "forsøgsenhed", "trial", "treatment", "test"],
    "comparison": ["sammenligning", "sammenligningsgruppe", "sammenligningsenhed",
                   "kontrol", "kontrolgruppe", "comparison", "control"],
    "": ["ingen", "none", "-"],
}
ROLE_VALUES: dict[str, list[str]] = {
    "employee": ["medarbejder", "medarbejdere", "ansat", "employee", "employees", "staff"],
    "manager": ["leder", "ledere", "chef", "manager", "managers"],
}
#: Respondent id columns and prefixes of columns that are always background.
ID_NAMES = ["id", "respondent", "respondent_id", "respondentid", "response_id", "svar_id",
             "løbenummer", "lnr"]
BACKGROUND_PREFIXES = ("bg_", "baggrund_")


def fold(text: str) -> str:
    """Case-fold, NFC-normalise and turn punctuation and blanks into ``_``."""
    text = unicodedata.normalize("NFC", str(text)).strip().casefold()
    return re.sub(r"[^\w]+", "_", text).strip("_")


def name_keys(text: str) -> set[str]:
    """Matching keys for a name: æøå as ae/oe/aa and as ae/o/a."""
    folded = fold(text)
    return {
        folded.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"),
        folded.replace("æ", "ae").replace("ø", "o").replace("å", "a"),
    }


def _lookup(table: dict[str, list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for canonical, aliases in table.items():
        for alias in [canonical, *aliases]:
            for key in name_keys(alias):
                out.setdefault(key, canonical)
    return out


COLUMN_LOOKUP = {kind: _lookup(table) for kind, table in COLUMN_NAMES.items()}
FILE_LOOKUP = _lookup(FILE_NAMES)
GROUP_LOOKUP = _lookup(GROUP_VALUES)
ROLE_LOOKUP = _lookup(ROLE_VALUES)
ID_KEYS = set().union(*(name_keys(n) for n in ID_NAMES))


def match(name: str, lookup: dict[str, str]) -> str | None:
    """The canonical name ``name`` stands for in ``lookup`` (one made by ``_lookup``)."""
    for key in name_keys(name):
        if key in lookup:
            return lookup[key]
    return None


def infer_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind of data a file holds, from its name (``survey.csv``, ``sygefravær.xlsx``).

    The whole stem is tried first, then its parts (``survey_2026.csv``); None when no
    kind or more than one kind matches.
    """
    stem = Path(path).name.split(".")[0]
    kind = match(stem, FILE_LOOKUP)
    if kind:
        return kind
    found = {FILE_LOOKUP[k] for part in fold(stem).split("_") if part
             for k in name_keys(part) if k in FILE_LOOKUP}
    return found.pop() if len(found) == 1 else None


def column_names_markdown() -> str:
    """The accepted column names of every kind as a Markdown table (for the README)."""
    rows = ["| Kind | Column | Also accepted | Required |", "|---|---|---|---|"]
    for kind, table in COLUMN_NAMES.items():
        for canonical, aliases in table.items():
            _, column_required, _ = SPEC[kind][canonical]
            required = "yes" if column_required else "no"
            names = ", ".join(f"`{a}`" for a in aliases)
            rows.append(f"| {kind} | `{canonical}` | {names} | {required} |")
    rows.append("| survey | *one per question* | any other numeric column | at least "
                "one usually |")
    return "\n".join(rows) + "\n"


def is_background_name(header: str) -> bool:
    """A survey column that is background by its name: ``bg_...``, a respondent id."""
    folded = fold(header)
    return folded.startswith(BACKGROUND_PREFIXES) or bool(name_keys(header) & ID_KEYS)
