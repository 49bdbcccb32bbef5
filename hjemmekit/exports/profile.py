"""Suggesting an :class:`~hjemmekit.model.ImportProfile` for an export, and what it
cannot decide (:func:`undecided`: the field and its candidate columns)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from hjemmekit.exports.base import Column, Export, fold
from hjemmekit.exports.scales import fold_label, leading_number, scale_entries, score_of
from hjemmekit.i18n import t
from hjemmekit.model import ImportProfile

__all__ = ["Undecided", "column_scores", "missing_set", "profile_entries", "suggest_profile",
           "undecided"]

_UNIT = re.compile(r"(^|[_ ])(enhed|enheder|afdeling|afd|unit|department|dept|kontor|team|"
                   r"center|arbejdssted|organisatorisk_enhed|sektion|section|division|"
                   r"office)([_ ]|$)|hvilken_enhed|which_unit|hvor_arbejder_du|"
                   r"where_do_you_work")
_ROLE = re.compile(r"(^|[_ ])(rolle|role|stilling|position|personaleansvar|lederansvar|"
                   r"leder|manager|ledelsesansvar|job_type|stillingskategori)([_ ]|$)")
_HOME = re.compile(r"hjemmedag|hjemmearbejdsdag|home_?days?|dage?_hjemme|days?_(at|from)_home|"
                   r"dage_om_ugen.*hjemme|days_a_week.*home|days_per_week.*home")
_WANTED = re.compile(r"ønsk|onsk|want|wish|gerne|prefer|foretræk|ideel|ideal")
_ACTUAL = re.compile(r"faktisk|actual|typisk|typical|har_du_arbejdet|did_you|worked|"
                     r"arbejdede")
_MANAGER = {fold_label(x) for x in (
    "leder", "ledere", "chef", "manager", "managers", "leder/chef", "chef/leder",
    "leder med personaleansvar", "mellemleder", "topleder", "direktør", "kontorchef",
    "teamleder", "sektionsleder", "afdelingsleder", "line manager", "people manager",
    "manager with staff responsibility", "ja, jeg er leder", "yes, i am a manager")}
_YES = {fold_label(x) for x in ("ja", "yes")}
_COMPLETION = {fold(x) for x in (
    "closetime", "completion time", "fuldførelsestidspunkt", "færdiggørelsestidspunkt",
    "afslutningstidspunkt", "tidspunkt for fuldførelse", "sluttidspunkt", "timestamp",
    "tidsstempel", "tidsstempel for svar", "submitdate", "enddate", "submitted")}
_FALLBACK_DATES = {fold(x) for x in ("modified", "created", "starttime", "start time",
                                     "starttidspunkt", "startdate")}


@dataclass
class Undecided:
    """A field of the profile that cannot be decided, with its candidates: columns
    (``unit``, ``role``, ``date``, ``questions``) or answers (``managers``)."""

    field: str
    candidates: list[Column] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def text(self, lang: str = "en") -> str:
        if self.field == "managers":
            shown = ", ".join(f"'{a}'" for a in self.answers) or "-"
            return t("problems.export_undecided_managers", lang, answers=shown)
        if not self.candidates and self.field in ("unit", "date"):
            return t(f"problems.export_no_{self.field}", lang)
        shown = "; ".join(f"'{c.key}'" + (f" ({_short(c.text)})" if c.text and
                                           fold(c.text) != fold(c.key) else "")
                          for c in self.candidates) or "-"
        return t(f"problems.export_undecided_{self.field}", lang, candidates=shown)


def _short(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."


def _names(c: Column) -> str:
    return " ".join(fold(x) for x in (c.key, c.header, c.variable or "", c.text) if x)


def missing_set(profile: ImportProfile) -> frozenset[str]:
    return frozenset(fold_label(x) for x in profile.missing)


def profile_entries(profile: ImportProfile) -> dict[str, float | None]:
    """Folded label -> score: the profile's own labels over the named scale."""
    entries: dict[str, float | None] = dict(scale_entries(profile.scale_name))
    for label, score in profile.scale.items():
        entries[fold_label(label)] = score
    return entries


def column_scores(
    col: Column, labels: list[str], entries: dict[str, float | None], missing: frozenset[str],
) -> tuple[list[float | None], list[str]]:
    """Scores of a column's labels and the labels the scale does not know."""
    scores: list[float | None] = []
    unknown: list[str] = []
    for label in labels:
        known, score = score_of(label, entries, missing)
        if not known:
            unknown.append(label)
        scores.append(score)
    return scores, unknown


def _is_question(col: Column, export: Export, entries: dict[str, float | None],
                 missing: frozenset[str]) -> bool:
    if col.kind == "numeric":
        values = np.asarray(export.data[col.key], dtype=np.float64)
        values = values[~np.isnan(values)]
        return bool(len(values)) and bool(np.all((values >= 0) & (values <= 10))) and bool(
            np.all(values == np.round(values))) and len(np.unique(values)) >= 2
    if col.kind != "closed":
        return False
    labels = col.label_list()
    if not labels:
        return False
    scores, unknown = column_scores(col, labels, entries, missing)
    scored = {s for s in scores if s is not None}
    # Mostly on the scale: a question (the labels it does not know are reported when
    # the profile is applied).
    return len(scored) >= 2 and len(unknown) * 2 < len(labels)


def suggest_profile(export: Export, profile: ImportProfile | None = None) -> ImportProfile:
    """A profile for ``export``: what can be told from headers, labels and answers.

    Starts from ``profile`` (its decided fields are kept) or a new one. The unit, role
    and home-days columns are found by their names (Danish or English), questions by
    their labels being on the scale, the date is the completion time; every other
    closed or numeric column is kept as background. See :func:`undecided` for what is
    still open.
    """
    p = (profile or ImportProfile()).model_copy(deep=True)
    p.tool = export.tool  # type: ignore[assignment]
    entries = profile_entries(p)
    missing = missing_set(p)
    cols = export.kept("closed", "numeric")
    if p.date is None and p.date_value is None:
        dates = export.kept("datetime")
        pick = next((c for c in dates if fold(c.key) in _COMPLETION), None) or next(
            (c for c in dates if fold(c.key) in _FALLBACK_DATES), None)
        if pick is None and len(dates) == 1:
            pick = dates[0]
        if pick is not None:
            p.date = pick.key
    if p.date is not None:
        export.ensure(p.date)
    if p.date is not None and p.date in export.data:
        p.waves = _waves(export, p.date)  # type: ignore[assignment]
    used = {p.unit, p.role, p.home_days_wanted, p.home_days_actual, *p.questions,
            *p.background}
    if p.home_days_wanted is None or p.home_days_actual is None:
        for c in cols:
            names = _names(c)
            if c.key in used or not _HOME.search(names):
                continue
            if p.home_days_actual is None and _ACTUAL.search(names):
                p.home_days_actual = c.key
            elif p.home_days_wanted is None and (_WANTED.search(names) or not _ACTUAL.search(
                    names)):
                p.home_days_wanted = c.key
            used.add(c.key)
    used |= {p.home_days_wanted, p.home_days_actual}
    if not p.questions:
        p.questions = [c.key for c in cols if c.key not in used
                       and _is_question(c, export, entries, missing)]
    used |= set(p.questions)
    if p.unit is None:
        hits = [c for c in cols if c.kind == "closed" and c.key not in used
                and _UNIT.search(_names(c))]
        if len(hits) == 1:
            p.unit = hits[0].key
    used.add(p.unit)
    if p.role is None:
        hits = [c for c in cols if c.key not in used and _ROLE.search(_names(c))]
        if len(hits) == 1:
            p.role = hits[0].key
    used.add(p.role)
    if p.role is not None and not p.managers and p.role in export.data:
        p.managers = _managers(export.column(p.role))
    if not p.background and p.unit is not None:
        p.background = [c.key for c in cols if c.key not in used]
    return p


def _managers(col: Column) -> list[str]:
    labels = col.label_list()
    hits = [x for x in labels if fold_label(x) in _MANAGER or leading_number(x)[1] in _MANAGER]
    if not hits and re.search(r"leder|manager|personaleansvar|staff_responsib",
                              _names(col)):
        hits = [x for x in labels if fold_label(x) in _YES]
    return hits


def _waves(export: Export, key: str) -> str:
    """``day`` when there is one answer day per month (waves dated as they are), else
    ``month`` (answers spread over days: one wave per month)."""
    days = np.asarray(export.data[key], dtype="datetime64[ns]")[export.completed]
    days = days[~np.isnat(days)]
    if not len(days):
        return "day"
    distinct = np.unique(days.astype("datetime64[D]"))
    months = np.unique(distinct.astype("datetime64[M]"))
    return "day" if len(distinct) == len(months) else "month"


def undecided(export: Export, profile: ImportProfile) -> list[Undecided]:
    """What ``profile`` leaves open for ``export``, each with its candidates:

    - ``unit``: no unit column (candidates: closed columns, the likely ones first);
    - ``role``: several columns could be the role;
    - ``managers``: a role column without the answers that mean manager;
    - ``date``: no date column or date (candidates: the time columns);
    - ``questions``: no question column and no home-days column.
    """
    out: list[Undecided] = []
    used = {profile.home_days_wanted, profile.home_days_actual, *profile.questions}
    closed = [c for c in export.kept("closed") if c.key not in used]
    if profile.unit is None:
        likely = [c for c in closed if _UNIT.search(_names(c))]
        out.append(Undecided("unit", likely + [c for c in closed if c not in likely]))
    if profile.role is None:
        hits = [c for c in closed if c.key != profile.unit and _ROLE.search(_names(c))]
        if len(hits) > 1:
            out.append(Undecided("role", hits))
    elif not profile.managers and profile.role in export.data:
        out.append(Undecided("managers", answers=export.column(profile.role).label_list()))
    if profile.date is None and profile.date_value is None:
        out.append(Undecided("date", export.kept("datetime")))
    if not profile.questions and not profile.home_days_wanted and not profile.home_days_actual:
        out.append(Undecided("questions", [c for c in export.kept("closed", "numeric")
                                           if c.key not in (profile.unit, profile.role)]))
    return out
