"""What an evaluation gives: its figures as dataclasses, and the JSON document they make
(``Evaluation.to_json``; the shape is in the README, hidden figures are null).

:mod:`hjemmekit.evaluation` computes them; :mod:`hjemmekit.evaluation_text` writes them as
text, :mod:`hjemmekit.report` and the app show them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from hjemmekit.evaluation import Design

GROUPS = ("trial", "comparison")
PERIODS = ("baseline", "during")
ROLES = ("employee", "manager")
SICKLEAVE = "sickleave"
"""The ``measure`` of sick-leave rows in the per-unit figures."""


class _Fields:
    """``to_dict``: the fields in their order, numbers through :func:`_num` and a pair as
    a list; a field named with an underscore is left out (as orjson leaves it out)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)  # type: ignore[arg-type]
                if not f.name.startswith("_")}


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, str | bool):
        return v
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    return _num(v)


@dataclass
class Cell:
    """One shown or hidden figure; a hidden one has ``value`` and ``n`` None."""

    value: float | None
    n: float | None
    suppressed: bool = False

    @classmethod
    def empty(cls) -> Cell:
        return cls(None, 0, False)


@dataclass
class Periods:
    baseline: Cell
    during: Cell

    def survey_dict(self) -> dict[str, Any]:
        return {
            "baseline": _num(self.baseline.value),
            "during": _num(self.during.value),
            "n_baseline": _num(self.baseline.n),
            "n_during": _num(self.during.n),
        }


@dataclass
class DiD:
    estimate: float | None
    ci95: tuple[float, float] | None = None
    se: float | None = None
    suppressed: bool = False
    ci95_cluster: tuple[float, float] | None = None
    """The unit-clustered interval (``hjemmekit.clustered``); survey DiDs only."""
    se_cluster: float | None = None
    units: tuple[int, int] | None = None
    """Units with answers behind a survey DiD: (trial, comparison)."""

    def to_dict(self) -> dict[str, Any]:
        ci = None if self.ci95 is None else [_num(self.ci95[0]), _num(self.ci95[1])]
        cl = self.ci95_cluster
        return {"estimate": _num(self.estimate), "ci95": ci,
                "ci95_cluster": None if cl is None else [_num(cl[0]), _num(cl[1])]}


@dataclass
class QuestionResult:
    question: str
    trial: Periods
    comparison: Periods
    did: DiD

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "trial": self.trial.survey_dict(),
            "comparison": self.comparison.survey_dict(),
            "did": self.did.to_dict(),
        }


@dataclass
class RoleResult(QuestionResult):
    role: str = "employee"

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, **super().to_dict()}


@dataclass
class SickGroup:
    baseline: Cell
    during: Cell
    """``n`` of a sick-leave cell is its average årsværk per month."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": _num(self.baseline.value),
            "during": _num(self.during.value),
            "fte_baseline": _num(self.baseline.n),
            "fte_during": _num(self.during.n),
        }


@dataclass
class SickLeaveResult:
    trial: SickGroup
    comparison: SickGroup
    did: DiD

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.trial.to_dict(),
            "comparison": self.comparison.to_dict(),
            "did": {"estimate": _num(self.did.estimate), "ci95": None},
        }


@dataclass
class ProductionResult:
    metric: str
    trial: Periods
    comparison: Periods
    did: DiD

    @staticmethod
    def _group(p: Periods) -> dict[str, Any]:
        b, d = p.baseline.value, p.during.value
        return {
            "baseline": _num(b),
            "during": _num(d),
            "change": None if b is None or d is None else _num(d - b),
            "n_baseline": _num(p.baseline.n),
            "n_during": _num(p.during.n),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "trial": self._group(self.trial),
            "comparison": self._group(self.comparison),
            "did": {"estimate": _num(self.did.estimate), "ci95": None},
        }


@dataclass
class UnitFigure(_Fields):
    """One unit's figure. orjson writes it as its ``to_dict()`` (fields in this order,
    ``_group`` left out for its underscore, NaN as null as ``_num`` makes it)."""

    unit: str
    _group: str
    measure: str
    """A survey question, or ``"sickleave"``."""
    period: str
    n: float | None
    """Answers (survey) or average årsværk per month (sick leave); None when hidden."""
    value: float | None
    suppressed: bool

    @property
    def group(self) -> str:
        return self._group


@dataclass
class GoalCheck(_Fields):
    goal_id: str
    purpose: str
    indicator_kind: str
    indicator: str
    target: str
    target_value: float | None
    direction: str | None
    measure: str
    """``"did"`` (difference-in-differences) or ``"change"`` (trial group only)."""
    estimate: float | None
    ci95: tuple[float, float] | None
    status: Literal["met", "not_met", "unknown"]
    reason: str | None = None


@dataclass
class WishFigure(_Fields):
    """Mean wanted home days for one category of a background (``None`` = not stated)."""

    background: str
    category: str | None
    n: float | None
    mean: float | None
    suppressed: bool


@dataclass
class HomeDaysCount(_Fields):
    """How many answer sets in a group and period want ``days`` home days (rounded)."""

    group: str
    period: str
    days: int
    count: int | None
    suppressed: bool


@dataclass
class TrendPoint:
    question: str
    group: str
    month: date
    value: float | None
    n: float | None
    suppressed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "group": self.group,
            "month": self.month.isoformat()[:7],
            "value": _num(self.value),
            "n": _num(self.n),
            "suppressed": self.suppressed,
        }


@dataclass
class ThemeCount(_Fields):
    group: str
    period: str
    theme: str
    count: int


@dataclass
class Warning_:
    code: str
    fields: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.fields}


@dataclass
class Evaluation:
    """All figures of one evaluation; hidden figures are already None."""

    design: Design
    groups: dict[str, str]
    questions: list[str]
    survey: list[QuestionResult] = field(default_factory=list)
    by_role: list[RoleResult] = field(default_factory=list)
    sickleave: SickLeaveResult | None = None
    production: list[ProductionResult] = field(default_factory=list)
    units: list[UnitFigure] = field(default_factory=list)
    goals: list[GoalCheck] = field(default_factory=list)
    wishes: list[WishFigure] = field(default_factory=list)
    home_days: list[HomeDaysCount] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    dialogue: list[ThemeCount] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    checks: list[Any] = field(default_factory=list)
    """``hjemmekit.checks.Check`` objects: can the DiD be trusted."""
    power: list[Any] = field(default_factory=list)
    """``hjemmekit.power.QuestionPower`` objects: the smallest detectable effects."""
    sums: Any = field(default=None, repr=False)
    """The per (unit, wave, role) survey sums the checks work from (``_Fine``)."""

    def question(self, name: str) -> QuestionResult | None:
        return next((q for q in self.survey if q.question == name), None)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON document (contract); no NaN, hidden figures are null."""
        return self._document([u.to_dict() for u in self.units])

    def to_json(self) -> bytes:
        """The JSON document as UTF-8, indented by two (``hjemmekit evaluate --json``):
        ``json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False)`` but for the form
        of some floats (``1e-05`` is ``0.00001``). orjson, several times faster on the
        whole state's 27 MB, writes the per-unit figures straight from the dataclasses."""
        import orjson

        return orjson.dumps(self._document(self.units),
                            option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY)

    def _document(self, units: list[Any]) -> dict[str, Any]:
        design = self.design.to_dict()
        design["units"] = {
            g: sorted(u for u, gg in self.groups.items() if gg == g) for g in GROUPS
        }
        sick = self.sickleave or _empty_sickleave()
        return {
            "design": design,
            "survey": [q.to_dict() for q in self.survey],
            "sickleave": sick.to_dict(),
            "units": units,
            "goals": [g.to_dict() for g in self.goals],
            "by_role": [r.to_dict() for r in self.by_role],
            "production": [p.to_dict() for p in self.production],
            "wishes": [w.to_dict() for w in self.wishes],
            "home_days_wanted": [h.to_dict() for h in self.home_days],
            "trend": [p.to_dict() for p in self.trend],
            "dialogue": [d.to_dict() for d in self.dialogue],
            "warnings": [w.to_dict() for w in self.warnings],
            "checks": [c.to_dict() for c in self.checks],
            "power": [p.to_dict() for p in self.power],
        }


def _num(x: Any) -> Any:
    """A JSON-safe number: Python float/int, None for missing or NaN."""
    if x is None:
        return None
    if isinstance(x, bool):
        return x
    if isinstance(x, int | np.integer):
        return int(x)
    f = float(x)
    return None if math.isnan(f) or math.isinf(f) else f


def _empty_sickleave() -> SickLeaveResult:
    def grp() -> SickGroup:
        return SickGroup(Cell.empty(), Cell.empty())

    return SickLeaveResult(grp(), grp(), DiD(None))
