"""The workbook document: pydantic models for the five steps and the decision log.

One JSON document per workbook. Keys of choices (context factors, tools, questions,
requirements, ...) are stable English identifiers; their labels live in the message
catalogs (``hjemmekit.i18n``), so a document reads the same in Danish and English.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import date as Date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1
"""The version of the document this code writes."""

MAX_TEXT = 20_000
"""Longest free text accepted in one field (characters)."""

Language = Literal["da", "en"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")

# Step 1: the context factors the guidance names.
CONTEXT_FACTORS = ("reorganised", "relocated", "settled_culture", "new_employees", "other")

# Step 2: the guidance's example purposes and tools.
GOAL_PURPOSES = ("concentration", "flexibility", "knowledge_sharing")
TOOLS = (
    "quiet_zones",
    "smaller_rooms",
    "home_working",
    "outer_hours",
    "open_plan",
    "physical_presence",
    "knowledge_meetings",
)
SUGGESTED_TOOLS: dict[str, tuple[str, ...]] = {
    "concentration": ("quiet_zones", "home_working"),
    "flexibility": ("outer_hours", "home_working"),
    "knowledge_sharing": ("open_plan", "physical_presence", "knowledge_meetings"),
}
IndicatorKind = Literal["survey", "sickleave", "production", "dialogue", "other"]

# Step 3: the leadership's preliminary discussion and the guidance's eight questions.
DISCUSSION_THEMES = (
    "productivity",
    "quality",
    "competences",
    "wellbeing",
    "recruitment_retention",
)
SUITABILITY_QUESTIONS = (
    "task",
    "employee_ready",
    "manager_ready",
    "top_management",
    "colleagues",
    "culture",
    "training",
    "equipment",
)
Answer = Literal["ja", "delvist", "nej", "ved_ikke"]
CaseKind = Literal["unit", "role", "task"]
Verdict = Literal["suitable", "partly", "not_suitable", "undecided"]

# Step 4: arrangement.
ArrangementKind = Literal["ad_hoc", "fixed_recurring"]
MeetingMode = Literal["physical", "virtual", "hybrid"]
REQUIREMENTS = (
    "su_informed",
    "local_agreement",
    "individual_agreements",
    "apv_updated",
    "screen_equipment",
)
ARRANGEMENT_REFLECTIONS = ("ad_hoc_need", "fixed_need", "meeting_rules")

# Step 5: trial.
DataSource = Literal["survey", "dialogue", "production", "sickleave"]
DATA_SOURCES: tuple[DataSource, ...] = ("survey", "dialogue", "production", "sickleave")
ExportTool = Literal["surveyxact", "forms", "spss", "google"]
WaveRule = Literal["day", "month", "export"]
DEFAULT_MISSING_LABELS: tuple[str, ...] = (
    "Ved ikke", "Ved ikke/ikke relevant", "Ikke relevant", "Ønsker ikke at svare",
    "Vil ikke svare", "Ikke besvaret", "Kan ikke svare", "Har ingen mening",
    "Don't know", "Do not know", "Dont know", "Not relevant", "Not applicable", "N/A",
    "Prefer not to say", "Prefer not to answer", "No answer", "Not answered",
)  # fmt: skip
"""Answer labels that are missing answers by default (an import profile's ``missing``)."""
TRIAL_REFLECTIONS = (
    "attention_points",
    "performance",
    "who_wants",
    "manager_experience",
    "leaders_vs_employees",
)


def new_id() -> str:
    """A short random identifier, safe in file names."""
    return uuid.uuid4().hex[:12]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class _Model(BaseModel):
    """Base: unknown keys are an error, strings are stripped of surrounding blanks."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_assignment=True)


Text = str
"""Free text; stored as typed and always shown as plain text."""


def _limit(v: str) -> str:
    if len(v) > MAX_TEXT:
        raise ValueError(f"text is longer than {MAX_TEXT} characters")
    return v


def _keyed(keys: tuple[str, ...], blank: Callable[[], Any], what: str) -> Any:
    """A validator for a dict with one entry per key: unknown keys are an error, missing
    ones get ``blank()``, and the entries come in the order of ``keys``."""

    def check(v: dict[str, Any]) -> dict[str, Any]:
        unknown = set(v) - set(keys)
        if unknown:
            raise ValueError(f"unknown {what}: {', '.join(sorted(unknown))}")
        return {k: v.get(k, blank()) for k in keys}

    return check


class Note(_Model):
    """A choice ticked with a note."""

    selected: bool = False
    note: Text = ""

    _check = field_validator("note")(_limit)


# --- Step 1 ---------------------------------------------------------------------------


class ContextStep(_Model):
    notes: Text = ""
    factors: dict[str, Note] = Field(default_factory=lambda: {k: Note() for k in CONTEXT_FACTORS})
    other_label: str = ""
    statement: Text = ""

    _check = field_validator("notes", "statement")(_limit)

    _known_factors = field_validator("factors")(_keyed(CONTEXT_FACTORS, Note, "context factor(s)"))


# --- Step 2 ---------------------------------------------------------------------------


class Goal(_Model):
    id: str = Field(default_factory=new_id)
    purpose: str = ""
    """Free text, or empty when ``purpose_key`` names one of the guidance's purposes."""
    purpose_key: str | None = None
    tools: list[str] = Field(default_factory=list)
    """Tool keys from ``TOOLS`` or own tools from ``GoalsStep.own_tools``."""
    indicator_kind: IndicatorKind | None = None
    indicator: str = ""
    """What is measured: a survey question column, a production metric, ..."""
    target: str = ""
    target_value: float | None = None
    direction: Literal["increase", "decrease", "keep"] | None = None


class GoalsStep(_Model):
    goals: list[Goal] = Field(default_factory=list)
    own_tools: list[str] = Field(default_factory=list)


# --- Step 3 ---------------------------------------------------------------------------


class Discussion(_Model):
    advantages: Text = ""
    drawbacks: Text = ""

    _check = field_validator("advantages", "drawbacks")(_limit)


class CaseAnswer(_Model):
    answer: Answer | None = None
    note: Text = ""

    _check = field_validator("note")(_limit)


class Case(_Model):
    id: str = Field(default_factory=new_id)
    name: str
    kind: CaseKind = "unit"
    description: Text = ""
    answers: dict[str, CaseAnswer] = Field(
        default_factory=lambda: {q: CaseAnswer() for q in SUITABILITY_QUESTIONS}
    )
    verdict: Verdict = "undecided"
    verdict_note: Text = ""

    _known_questions = field_validator("answers")(
        _keyed(SUITABILITY_QUESTIONS, CaseAnswer, "question(s)")
    )


class SuitabilityStep(_Model):
    discussion: dict[str, Discussion] = Field(
        default_factory=lambda: {t: Discussion() for t in DISCUSSION_THEMES}
    )
    cases: list[Case] = Field(default_factory=list)

    _known_themes = field_validator("discussion")(_keyed(DISCUSSION_THEMES, Discussion, "theme(s)"))

    @field_validator("cases")
    @classmethod
    def _unique_names(cls, v: list[Case]) -> list[Case]:
        seen: set[str] = set()
        for case in v:
            key = case.name.strip().casefold()
            if key in seen:
                raise ValueError(f"two cases are named {case.name!r}")
            seen.add(key)
        return v


# --- Step 4 ---------------------------------------------------------------------------


class MeetingRule(_Model):
    meeting_type: str
    mode: MeetingMode = "hybrid"
    note: Text = ""


class RequirementStatus(_Model):
    done: bool = False
    date: Date | None = None
    note: Text = ""


class CaseArrangement(_Model):
    case_id: str
    kind: ArrangementKind | None = None
    home_days: list[Weekday] = Field(default_factory=list)
    """Fixed home days in a week (fixed recurring)."""
    office_days: list[Weekday] = Field(default_factory=list)
    """Fixed office days, when everyone is in."""
    home_days_per_week: float | None = Field(default=None, ge=0, le=5)
    """Average home days a week, for ad hoc arrangements without fixed days."""
    screen_work_at_home: bool = True
    meeting_rules: list[MeetingRule] = Field(default_factory=list)
    requirements: dict[str, RequirementStatus] = Field(default_factory=dict)
    reflections: dict[str, str] = Field(default_factory=dict)

    @field_validator("office_days")
    @classmethod
    def _sorted_days(cls, v: list[Weekday]) -> list[Weekday]:
        return [d for d in WEEKDAYS if d in v]


class ScenarioRule(_Model):
    """One weekday pattern in a scenario, for a set of units and/or a step-3 case.

    The units it covers: those named in ``units``, the unit a linked case names (a case
    whose name is a unit's name), and with ``all_units`` every unit no earlier rule
    covers. The first rule that covers a unit applies to it. Choosing the scenario writes
    the pattern into the step-4 arrangement of ``case_id`` (see ``hjemmekit.scenarios``).
    """

    case_id: str | None = None
    units: list[str] = Field(default_factory=list)
    all_units: bool = False
    kind: ArrangementKind | None = None
    home_days: list[Weekday] = Field(default_factory=list)
    office_days: list[Weekday] = Field(default_factory=list)
    home_days_per_week: float | None = Field(default=None, ge=0, le=5)
    screen_work_at_home: bool = True

    @field_validator("home_days", "office_days")
    @classmethod
    def _weekday_order(cls, v: list[Weekday]) -> list[Weekday]:
        return [d for d in WEEKDAYS if d in v]

    @field_validator("units")
    @classmethod
    def _distinct_units(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(u for u in v if u.strip()))

    @model_validator(mode="after")
    def _home_or_office(self) -> ScenarioRule:
        both = [d for d in self.home_days if d in self.office_days]
        if both:
            raise ValueError(f"{', '.join(both)}: a day cannot be both a home and an office day")
        return self


def tick_day(pattern: CaseArrangement | ScenarioRule, which: str, day: str, on: bool) -> None:
    """Tick (or untick) ``day`` as a home (``which="home"``) or office day of an
    arrangement or a scenario rule; a day cannot be both."""
    mine, other = ("home_days", "office_days") if which == "home" else ("office_days", "home_days")
    if on and day in getattr(pattern, other):
        raise ValueError(f"{day} cannot be both a home day and an office day")
    days = set(getattr(pattern, mine))
    days = days | {day} if on else days - {day}
    setattr(pattern, mine, [d for d in WEEKDAYS if d in days])


class Scenario(_Model):
    """An arrangement to compare: a named list of rules; units no rule covers come in
    every day."""

    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(default="", max_length=200)
    note: Text = ""
    rules: list[ScenarioRule] = Field(default_factory=list)

    _check = field_validator("note")(_limit)

    @field_validator("rules")
    @classmethod
    def _one_rule_per_case(cls, v: list[ScenarioRule]) -> list[ScenarioRule]:
        seen: set[str] = set()
        for rule in v:
            if rule.case_id is None:
                continue
            if rule.case_id in seen:
                raise ValueError(f"two rules of a scenario are for the case {rule.case_id!r}")
            seen.add(rule.case_id)
        return v


class ArrangementStep(_Model):
    arrangements: list[CaseArrangement] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    """Arrangements compared side by side (``hjemmekit.scenarios``)."""
    chosen: str | None = None
    """Id of the scenario last copied into ``arrangements``."""


# --- Step 5 ---------------------------------------------------------------------------


class Metric(_Model):
    id: str = Field(default_factory=new_id)
    source: DataSource
    name: str
    """Survey question column, production metric, or 'sick_days'."""
    goal_id: str | None = None
    target: str = ""


class PrivacySettings(_Model):
    min_answers: int = Field(default=5, ge=3)
    """Fewest answer sets per survey wave behind a shown figure (k)."""
    min_fte: float = Field(default=10.0, ge=5)
    """Fewest årsværk on average behind a shown sick-leave figure."""


class TrialSize(_Model):
    """The assumptions behind "how big must the trial be" (step 5, before any data)."""

    response_rate: float = Field(default=0.7, gt=0, le=1)
    """Expected share of the employees who answer each survey wave (0-1)."""
    waves_baseline: int | None = Field(default=None, ge=1, le=36)
    """Survey waves planned in the baseline period (None: one a month of the period)."""
    waves_trial: int | None = Field(default=None, ge=1, le=36)
    """Survey waves planned in the trial period (None: one a month of the period)."""


class ImportProfile(_Model):
    """How a survey tool's export becomes a survey file (``hjemmekit.exports``).

    Columns are named by their key in the export: the variable name for SurveyXact and
    SPSS, the header for Microsoft Forms and Google Forms. Saved in the workbook so that
    the next wave of the same survey imports in one click.
    """

    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(default="", max_length=200)
    tool: ExportTool | None = None
    date: str | None = None
    """The column giving the date; None: the completion time."""
    date_value: Date | None = None
    """One date for every answer set, instead of a column."""
    waves: WaveRule = "day"
    """Answer sets dated by their day, by the first day answered in their month
    (``month``), or all by the export's first day (``export``)."""
    unit: str | None = None
    role: str | None = None
    managers: list[str] = Field(default_factory=list)
    """Answers of the role column that mean manager (every other answer: employee)."""
    questions: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)
    """Column name in the survey file per column key (default: the variable name or
    header)."""
    home_days_wanted: str | None = None
    home_days_actual: str | None = None
    background: list[str] = Field(default_factory=list)
    scale_name: str = "auto"
    """A built-in scale (``hjemmekit.exports.scales.SCALES``) or ``auto`` (all)."""
    scale: dict[str, float | None] = Field(default_factory=dict)
    """Answer label -> score, before the built-in scale; None: a missing answer."""
    reversed: list[str] = Field(default_factory=list)
    """Question columns scored the other way round (5 -> 1 on 1-5, 10 -> 0 on 0-10)."""
    missing: list[str] = Field(default_factory=lambda: list(DEFAULT_MISSING_LABELS))
    """Answer labels that are missing answers ("Ved ikke", "Don't know", ...)."""


class TrialStep(_Model):
    baseline_start: Date | None = None
    baseline_end: Date | None = None
    start: Date | None = None
    end: Date | None = None
    review_dates: list[Date] = Field(default_factory=list)
    trial_units: list[str] = Field(default_factory=list)
    comparison_units: list[str] = Field(default_factory=list)
    data_sources: list[DataSource] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    reflections: dict[str, str] = Field(default_factory=dict)
    conclusions: Text = ""
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    size: TrialSize = Field(default_factory=TrialSize)
    """Expected response rate and survey waves, for the smallest detectable effect."""
    example_data: str | None = Field(default=None, pattern=r"^[a-z0-9_-]{1,40}$")
    """A bundled example data folder (``data/examples/<name>``) used until the workbook
    has data files of its own (e.g. ``"medium"``)."""
    import_profiles: list[ImportProfile] = Field(default_factory=list)
    """Mappings of survey-tool exports to the survey file, one per survey."""


# --- Decision log and the document ----------------------------------------------------


class Decision(_Model):
    date: Date
    decision: str
    by: str = ""
    why: Text = ""


ShareKind = Literal["user", "group"]
ShareAccess = Literal["read", "edit"]


class Share(_Model):
    """The workbook is shared with a JupyterHub user or group, to read or to edit.

    Names are JupyterHub's user and group names, compared exactly (see
    ``hjemmekit.access``). Only the owner adds or removes shares.
    """

    kind: ShareKind
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\s/\\]+$")
    access: ShareAccess = "read"


class Workbook(_Model):
    """The whole workbook document.

    ``owner`` is the JupyterHub user who created it (None: a workbook from before
    hosting, which on a hub nobody may open until ``hjemmekit owner`` gives it an
    owner); ``shares`` lists who else may read or edit it.
    """

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    title: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=200)
    language: Language = "da"
    revision: int = Field(default=0, ge=0)
    created: datetime = Field(default_factory=now)
    updated: datetime = Field(default_factory=now)
    context: ContextStep = Field(default_factory=ContextStep)
    goals: GoalsStep = Field(default_factory=GoalsStep)
    suitability: SuitabilityStep = Field(default_factory=SuitabilityStep)
    arrangement: ArrangementStep = Field(default_factory=ArrangementStep)
    trial: TrialStep = Field(default_factory=TrialStep)
    decisions: list[Decision] = Field(default_factory=list)
    owner: str | None = Field(default=None, min_length=1, max_length=200)
    shares: list[Share] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


# --- Loading, migration ---------------------------------------------------------------


class DocumentError(ValueError):
    """A workbook document that cannot be read; the message names what and where."""


Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_v0(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0: documents from before versioning, with ``decision_log`` and no ids."""
    doc = dict(doc)
    if "decision_log" in doc and "decisions" not in doc:
        doc["decisions"] = doc.pop("decision_log")
    doc.setdefault("id", new_id())
    doc["schema_version"] = 1
    return doc


MIGRATIONS: dict[int, Migration] = {0: _from_v0}
"""``MIGRATIONS[n]`` turns a version-n document into version n+1."""


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a raw document up to ``SCHEMA_VERSION``; refuse unknown newer ones."""
    version = doc.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise DocumentError(f"schema_version: {version!r} is not a version number")
    if version > SCHEMA_VERSION:
        raise DocumentError(
            f"schema_version {version} is newer than this hjemmekit understands "
            f"({SCHEMA_VERSION}); update hjemmekit to open this workbook"
        )
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["schema_version"]
    return doc


def format_validation_error(err: ValidationError) -> str:
    """One line per problem: ``field.path: message``."""
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(document)"
        lines.append(f"{where}: {e['msg']}")
    return "\n".join(lines)


def load_workbook(doc: dict[str, Any] | str | bytes) -> Workbook:
    """Validate (and migrate) a workbook from a dict or JSON text."""
    import json

    if isinstance(doc, str | bytes):
        try:
            doc = json.loads(doc)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise DocumentError(f"not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise DocumentError("a workbook must be a JSON object")
    doc = migrate(doc)
    try:
        return Workbook.model_validate(doc)
    except ValidationError as e:
        raise DocumentError(format_validation_error(e)) from None


def json_schema() -> dict[str, Any]:
    """The JSON schema of the current document."""
    return Workbook.model_json_schema()


def write_schema(path: str | None = None) -> str:
    """Write the JSON schema next to this module (or to ``path``); returns the path."""
    import json
    from pathlib import Path

    target = Path(path) if path else Path(__file__).with_name("workbook.schema.json")
    target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return str(target)


if __name__ == "__main__":
    print(write_schema())
