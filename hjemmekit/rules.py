"""The rules of the Danish state around home working, turned into flags with sources.

Step 4 of the workbook: from a case's arrangement (and the whole workbook) work out what
the rules require, why, where that rule is written, and whether the workplace has done
it. Pure functions over the model: no widgets, no I/O.

The rules (see ``guidance/regler-og-rammer.md``):

- Fixed recurring home working falls under the state's framework agreement on distance
  work: a local agreement (lokalaftale) with the shop steward and an individual
  agreement with each employee covering eight elements. Distance work may only cover
  part of the agreed working time.
- Regularity, not the number of days, decides the kind: an "ad hoc" arrangement with
  fixed home days is fixed recurring.
- The cooperation committee (SU) is informed, and can discuss it, before management
  decides on fixed recurring home working; workplace-wide guidelines go to SU first.
- The special screen-work requirements at home apply when home screen work is regular
  and more than two days a week on average over a month (exactly two: not required).
- The workplace assessment (APV) covers home working whatever its extent.

Every flag's texts live in the ``rules`` message catalog (``t("rules.<key>", lang)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from babel.dates import get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

from hjemmekit.i18n import DEFAULT_LANGUAGE, has, t
from hjemmekit.model import REQUIREMENTS, WEEKDAYS, CaseArrangement, Workbook

__all__ = [
    "FLAG_KEYS",
    "INDIVIDUAL_AGREEMENT_ELEMENTS",
    "INFO_KEYS",
    "SCREEN_DAYS_LIMIT",
    "SOURCES",
    "Flag",
    "FlagKind",
    "Source",
    "effective_kind",
    "flags_for",
    "home_days_per_week",
    "open_requirements",
    "workbook_flags",
]

FlagKind = Literal["requirement", "info", "warning", "error"]
Level = Literal[
    "required", "recommended", "not_required", "undetermined", "info", "warning", "error"
]

SCREEN_DAYS_LIMIT = 2.0
"""The screen-work requirements at home apply above this many home days a week."""

INDIVIDUAL_AGREEMENT_ELEMENTS = (
    "who",
    "where",
    "time_frame",
    "contact_hours",
    "equipment",
    "costs",
    "start_date",
    "termination",
)
"""The eight elements an individual agreement on distance work covers."""

INFO_KEYS = ("choose_kind", "reclassify", "part_time_only")
"""Keys of the flags that are not requirements: info, warning, error."""

FLAG_KEYS = INFO_KEYS + REQUIREMENTS
"""Every key a flag can have."""

_LOCALES = {"da": "da_DK", "en": "en_GB"}
_UNDETERMINED = frozenset({"kind_unknown", "screen_days_unknown"})
"""Reasons meaning: the rules cannot tell yet."""


# --- Sources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A public source of a rule, written as in ``regler-og-rammer.md``.

    ``title`` is the source's own (Danish) title; ``key`` names a translated title in
    the catalog (``rules.source.<key>``). ``url_path`` is the address as the guidance
    gives it (host, then path), or empty when it gives none.
    """

    title: str
    publisher: str
    url_path: str = ""
    key: str = ""

    def display_title(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The title in ``lang`` when the catalog has one, else the source's own."""
        catalog_key = f"rules.source.{self.key}"
        return t(catalog_key, lang) if self.key and has(catalog_key, lang) else self.title

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``Publisher: title (address)``."""
        head = f"{self.publisher}: {self.display_title(lang)}"
        return f"{head} ({self.url_path})" if self.url_path else head


_MEDST = "Medarbejder- og Kompetencestyrelsen (MEDST)"

SOURCES: dict[str, Source] = {
    "medst_arrangement": Source(
        title="Regler og rammer – Tilrettelæggelse, med siderne Lokalaftale og Individuel aftale",
        publisher=_MEDST,
        url_path="medst.dk, …/regler-og-rammer/tilrettelaeggelse/",
        key="medst_arrangement",
    ),
    "pav_distance": Source(
        title=(
            "Distancearbejde – Rammeaftale om distancearbejde, "
            "Finansministeriets cirkulære af 6. juli 2005 med vejledning fra 2006"
        ),
        publisher=_MEDST,
        url_path="pav.medst.dk, arbejdstidsregler-mv/distancearbejde/",
        key="pav_distance",
    ),
    "medst_su": Source(
        title="Regler og rammer – Samarbejdsudvalg og tillidsrepræsentanter",
        publisher=_MEDST,
        url_path="medst.dk, …/regler-og-rammer/samarbejdsudvalg-og-tillidsrepraesentanter/",
        key="medst_su",
    ),
    "at_home_working": Source(
        title=(
            "Regler om arbejdsmiljø ved hjemmearbejde, i kraft fra 30. april 2022 "
            "(vejledning 3.1.7 om skærmarbejde)"
        ),
        publisher="Arbejdstilsynet",
        key="at_home_working",
    ),
}
"""The public sources the flags name, keyed by a short identifier."""


# --- Flags ------------------------------------------------------------------------------


def _format_days(value: float, lang: str) -> str:
    return format_decimal(value, format="#,##0.##", locale=_LOCALES.get(lang, "da_DK"))


def _weekday_list(days: tuple[str, ...], lang: str) -> str:
    names = get_day_names("wide", locale=_LOCALES.get(lang, "da_DK"))
    return format_list([names[WEEKDAYS.index(d)] for d in days], locale=_LOCALES.get(lang, "da_DK"))


def _unit(days: float, key: str, lang: str) -> str:
    return t(f"rules.unit.{key}{'' if days == 1 else 's'}", lang)


@dataclass(frozen=True)
class Flag:
    """One thing the rules say about an arrangement.

    ``kind`` is "requirement" for the five ``REQUIREMENTS`` (then ``required`` or
    ``recommended`` tell whether it applies here, and ``status`` whether it is done), or
    "info" / "warning" / "error" for the informational keys in ``INFO_KEYS``.
    ``reason_key`` is a full catalog key; ``params`` hold language-neutral facts
    (``weekdays``: the fixed home days, ``days``: home days a week or None).
    """

    key: str
    kind: FlagKind = "requirement"
    required: bool = False
    recommended: bool = False
    reason_key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
    also: tuple[Source, ...] = ()
    """Further sources of the same rule."""
    status: bool = False
    """True when the arrangement marks the requirement done (``requirements[key].done``)."""
    elements: tuple[str, ...] = ()
    """For the individual agreement: the keys of the eight elements it must cover."""
    determined: bool = True
    """False when the rules cannot tell yet (kind or days not filled in)."""

    @property
    def is_requirement(self) -> bool:
        return self.kind == "requirement"

    @property
    def done(self) -> bool:
        return self.status

    @property
    def open(self) -> bool:
        """Required and not marked done."""
        return self.required and not self.status

    @property
    def level(self) -> Level:
        if self.kind != "requirement":
            return self.kind
        if self.required:
            return "required"
        if not self.determined:
            return "undetermined"
        return "recommended" if self.recommended else "not_required"

    @property
    def sources(self) -> tuple[Source, ...]:
        return ((self.source,) if self.source else ()) + self.also

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Short name of the flag, e.g. "Lokalaftale med tillidsrepræsentanten"."""
        return t(f"rules.{self.key}", lang)

    def reason(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Why it applies (or does not), with the arrangement's facts filled in."""
        if not self.reason_key:
            return ""
        return t(self.reason_key, lang, **self._fields(lang))

    def level_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"rules.level.{self.level}", lang)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``label (level): reason``: one line for lists and the decision document."""
        return t(
            "rules.text",
            lang,
            label=self.label(lang),
            level=self.level_text(lang),
            reason=self.reason(lang),
        )

    def source_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``Kilde: ...`` naming every source of the flag; empty when it has none."""
        if not self.sources:
            return ""
        return t("rules.source_prefix", lang, sources="; ".join(s.text(lang) for s in self.sources))

    def element_labels(self, lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
        """``(key, label)`` of each element the agreement covers."""
        return [(e, t(f"rules.element.{e}", lang)) for e in self.elements]

    def _fields(self, lang: str) -> dict[str, str]:
        weekdays: tuple[str, ...] = tuple(self.params.get("weekdays", ()))
        days: float | None = self.params.get("days")
        fields: dict[str, str] = {"weekdays": _weekday_list(weekdays, lang) if weekdays else ""}
        if days is None:
            fields["days"] = "?"
            fields["day_unit"] = t("rules.unit.home_days", lang)
            fields["pattern"] = t("rules.pattern.none", lang)
        else:
            fields["days"] = _format_days(days, lang)
            fields["day_unit"] = _unit(days, "home_day", lang)
            if weekdays:
                fields["pattern"] = t(
                    "rules.pattern.weekdays",
                    lang,
                    days=fields["days"],
                    day_unit=_unit(days, "fixed_day", lang),
                    weekdays=fields["weekdays"],
                )
            else:
                fields["pattern"] = t(
                    "rules.pattern.average", lang, days=fields["days"], day_unit=fields["day_unit"]
                )
        return fields


# --- The rules --------------------------------------------------------------------------


def _weekdays(arrangement: CaseArrangement) -> tuple[str, ...]:
    """The fixed home days, without repeats, Monday first."""
    return tuple(d for d in WEEKDAYS if d in arrangement.home_days)


def home_days_per_week(arrangement: CaseArrangement) -> float | None:
    """Home days a week: the number of fixed home days, else the average given, else None."""
    fixed = _weekdays(arrangement)
    if fixed:
        return float(len(fixed))
    if arrangement.home_days_per_week is not None:
        return float(arrangement.home_days_per_week)
    return None


def effective_kind(arrangement: CaseArrangement) -> Literal["ad_hoc", "fixed_recurring"] | None:
    """The kind the rules see: ad hoc with fixed home days is fixed recurring."""
    if arrangement.kind == "ad_hoc" and _weekdays(arrangement):
        return "fixed_recurring"
    return arrangement.kind


def _has_home_working(arrangement: CaseArrangement) -> bool:
    days = home_days_per_week(arrangement)
    return arrangement.kind is not None or (days is not None and days > 0)


def _any_fixed(workbook: Workbook | None) -> bool:
    if workbook is None:
        return False
    return any(effective_kind(a) == "fixed_recurring" for a in workbook.arrangement.arrangements)


def flags_for(arrangement: CaseArrangement, workbook: Workbook | None = None) -> list[Flag]:
    """All flags for one arrangement: informational ones first, then the five requirements.

    ``workbook`` lets the SU rule see the other arrangements: SU is required for every
    case once any arrangement in the workbook is fixed recurring.
    """
    kind = effective_kind(arrangement)
    weekdays = _weekdays(arrangement)
    days = home_days_per_week(arrangement)
    params: dict[str, Any] = {"weekdays": weekdays, "days": days}
    src = SOURCES

    def status(key: str) -> bool:
        state = arrangement.requirements.get(key)
        return bool(state and state.done)

    def info(key: str, kind_: FlagKind, reason: str, *sources: Source) -> Flag:
        return Flag(
            key=key,
            kind=kind_,
            reason_key=f"rules.reason.{reason}",
            params=dict(params),
            source=sources[0],
            also=sources[1:],
        )

    def requirement(
        key: str,
        reason: str,
        *sources: Source,
        required: bool = False,
        recommended: bool = False,
        elements: tuple[str, ...] = (),
    ) -> Flag:
        return Flag(
            key=key,
            required=required,
            recommended=recommended and not required,
            reason_key=f"rules.reason.{reason}",
            params=dict(params),
            source=sources[0],
            also=sources[1:],
            status=status(key),
            elements=elements,
            determined=reason not in _UNDETERMINED,
        )

    flags: list[Flag] = []
    fixed = kind == "fixed_recurring"

    # Informational flags.
    if kind is None:
        flags.append(info("choose_kind", "info", "choose_kind", src["medst_arrangement"]))
    elif arrangement.kind == "ad_hoc" and fixed:
        flags.append(info("reclassify", "warning", "reclassify", src["medst_arrangement"]))
    if days is not None and days >= 5:
        flags.append(
            info(
                "part_time_only",
                "error",
                "full_week_fixed" if fixed else "full_week_other",
                src["pav_distance"],
                src["medst_arrangement"],
            )
        )

    # SU: required for fixed recurring, and for every case once any case is fixed.
    if fixed:
        flags.append(requirement("su_informed", "su_fixed", src["medst_su"], required=True))
    elif _any_fixed(workbook):
        flags.append(requirement("su_informed", "su_workplace", src["medst_su"], required=True))
    elif kind == "ad_hoc":
        flags.append(requirement("su_informed", "su_ad_hoc", src["medst_su"], recommended=True))
    else:
        flags.append(requirement("su_informed", "kind_unknown", src["medst_su"]))

    # Local and individual agreements: fixed recurring only.
    agreement_sources = (src["medst_arrangement"], src["pav_distance"])
    if fixed:
        local_reason, individual_reason = "local_fixed", "individual_fixed"
    elif kind == "ad_hoc":
        local_reason = individual_reason = "ad_hoc_not_regulated"
    else:
        local_reason = individual_reason = "kind_unknown"
    flags.append(requirement("local_agreement", local_reason, *agreement_sources, required=fixed))
    flags.append(
        requirement(
            "individual_agreements",
            individual_reason,
            *agreement_sources,
            required=fixed,
            elements=INDIVIDUAL_AGREEMENT_ELEMENTS,
        )
    )

    # APV: any home working at all.
    at_home = _has_home_working(arrangement)
    flags.append(
        requirement(
            "apv_updated",
            "apv_home_working" if at_home else "apv_none",
            src["at_home_working"],
            required=at_home,
        )
    )

    # Screen work at home: more than two days a week on average.
    if not arrangement.screen_work_at_home:
        screen_reason, screen_required = "screen_none", False
    elif days is None:
        screen_reason, screen_required = "screen_days_unknown", False
    elif days > SCREEN_DAYS_LIMIT:
        screen_reason, screen_required = "screen_above", True
    else:
        screen_reason, screen_required = "screen_at_most_two", False
    flags.append(
        requirement(
            "screen_equipment", screen_reason, src["at_home_working"], required=screen_required
        )
    )
    return flags


def workbook_flags(workbook: Workbook) -> dict[str, list[Flag]]:
    """The flags of every arrangement in the workbook, keyed by case id."""
    return {a.case_id: flags_for(a, workbook) for a in workbook.arrangement.arrangements}


def open_requirements(workbook: Workbook) -> list[tuple[str, Flag]]:
    """``(case name, flag)`` for each requirement that applies and is not marked done.

    In the order of the arrangements, then of ``REQUIREMENTS``. A case id with no
    matching case is shown by its id.
    """
    names = {c.id: c.name for c in workbook.suitability.cases}
    result: list[tuple[str, Flag]] = []
    for arrangement in workbook.arrangement.arrangements:
        name = names.get(arrangement.case_id, arrangement.case_id)
        result.extend((name, f) for f in flags_for(arrangement, workbook) if f.open)
    return result
