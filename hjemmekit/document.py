"""The decision document's content, in plain blocks both formats render.

:func:`build` turns a workbook (and its trial data, when given or found) into a
:class:`Document`: sections holding paragraphs, lists, label/value facts, tables and
charts. ``hjemmekit.report`` writes it as HTML, ``hjemmekit.report_docx`` as Word, so the
two formats say the same.

Contents: title page; a one-page summary; one section per step of the guidance; the
trial design, the evaluation (when data are given or found) and the answers to the
reflection questions; the decision log; drafts to hand on (an SU briefing note, a local
agreement and individual agreements); the sources.

Hidden figures (privacy) are ``None`` in the evaluation and are never written.
No widgets are imported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from babel.lists import format_list
from babel.numbers import format_decimal

from hjemmekit import __version__
from hjemmekit.figuretext import FigureText
from hjemmekit.goaltext import goal_name, indicator_text, target_text, tool_name
from hjemmekit.i18n import LANGUAGES, day, has, number, t
from hjemmekit.model import (
    ARRANGEMENT_REFLECTIONS,
    CONTEXT_FACTORS,
    DISCUSSION_THEMES,
    SUITABILITY_QUESTIONS,
    TOOLS,
    TRIAL_REFLECTIONS,
    WEEKDAYS,
    Case,
    CaseArrangement,
    Decision,
    Workbook,
)
from hjemmekit.rules import (
    INDIVIDUAL_AGREEMENT_ELEMENTS,
    SCREEN_DAYS_LIMIT,
    SOURCES,
    effective_kind,
    flags_for,
    home_days_per_week,
    open_requirements,
)
from hjemmekit.verdict import ANSWER_COLOURS, VERDICT_COLOURS, suggest

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

    from hjemmekit.evaluation import Evaluation

__all__ = [
    "BLANK",
    "Bullets",
    "Chart",
    "Document",
    "Facts",
    "Para",
    "Quote",
    "Section",
    "Table",
    "TableCell",
    "build",
    "file_name",
]

Format = Literal["html", "docx"]
BLANK = "________"
"""A blank to fill in by hand, in the drafts."""
MAX_UNIT_ROWS = 80
"""Most units listed in one per-unit table."""
_LOCALES = {"da": "da_DK", "en": "en_GB"}
_GROUPS = ("trial", "comparison")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text without the control characters XML (and so Word) cannot hold."""
    return _XML_BAD.sub("", str(text))


# --- The document, in plain blocks -------------------------------------------------------


@dataclass
class Para:
    """A paragraph; ``label`` is written in bold before the text.

    ``kind``: "" (plain), "empty" (not filled in yet), "help" (small print), "source",
    "warning", "lead" (first paragraph of a section), "sign" (a signature line).
    """

    text: str
    label: str = ""
    kind: str = ""
    block: ClassVar[str] = "para"


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False
    block: ClassVar[str] = "bullets"


@dataclass
class Facts:
    """Label/value pairs (a description list in HTML, bold labels in Word); ``stacked``
    puts each label above its value (for long labels such as questions)."""

    rows: list[tuple[str, str]]
    stacked: bool = False
    block: ClassVar[str] = "facts"


@dataclass
class Quote:
    text: str
    block: ClassVar[str] = "quote"


@dataclass
class TableCell:
    """A table cell with colours (background, text), e.g. an answer in the matrix."""

    text: str
    colours: tuple[str, str] | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """A table with a caption, column headers and (by default) a row header column.

    ``widths`` are relative column widths (Word needs them; HTML lays out itself).
    """

    caption: str
    head: list[str]
    rows: list[list[str | TableCell]]
    row_header: bool = True
    widths: list[float] | None = None
    css: str = ""
    block: ClassVar[str] = "table"


@dataclass
class Chart:
    """A chart: the matplotlib figure, its alt text (the numbers shown) and a caption."""

    key: str
    figure: MplFigure
    alt: str
    caption: str
    block: ClassVar[str] = "chart"


Block = Para | Bullets | Facts | Quote | Table | Chart


@dataclass
class Section:
    """A heading (HTML ``h{level}``; Word ``Heading {level-1}``) and what follows it."""

    id: str
    title: str
    level: int = 2
    content: list[Block | Section] = field(default_factory=list)
    block: ClassVar[str] = "section"

    def add(self, *items: Block | Section) -> Section:
        self.content.extend(items)
        return self

    def sub(self, id_: str, title: str) -> Section:
        """A new subsection one level down, appended."""
        s = Section(f"{self.id}-{id_}", title, self.level + 1)
        self.content.append(s)
        return s

    def walk(self) -> Iterable[Block | Section]:
        for item in self.content:
            yield item
            if isinstance(item, Section):
                yield from item.walk()


@dataclass
class Document:
    lang: str
    kicker: str
    title: str
    organisation: str
    meta: list[tuple[str, str]]
    intro: str
    sections: list[Section]
    footer: str
    name: str
    """File name stem, e.g. ``beslutningsgrundlag-eksempel``."""

    def walk(self) -> Iterable[Block | Section]:
        for s in self.sections:
            yield s
            yield from s.walk()


# --- Small helpers ------------------------------------------------------------------------


class _Text:
    """Messages and formats in one language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
        self.lang = lang

    def __call__(self, key: str, **fields: object) -> str:
        """A message of the report catalog (``report.<key>``)."""
        return t(f"report.{key}", self.lang, **fields)

    def other(self, key: str, **fields: object) -> str:
        """A message of another catalog (``domain.key``)."""
        return t(key, self.lang, **fields)

    def day(self, d: date | None) -> str:
        return day(d, self.lang) if d else self("not_set")

    def long_day(self, d: date) -> str:
        return day(d, self.lang, "long")

    def num(self, x: float | None, digits: int = 2) -> str:
        return "–" if x is None else number(x, self.lang, digits)

    def days(self, x: float) -> str:
        """A number of days: ``2``, ``1,5``."""
        return format_decimal(x, format="#,##0.#", locale=_LOCALES[self.lang])

    def join(self, items: Sequence[str]) -> str:
        """``a, b og c`` / ``a, b and c``."""
        items = [i for i in items if i]
        if not items:
            return ""
        return format_list(list(items), locale=_LOCALES[self.lang])

    def period(self, start: date | None, end: date | None) -> str:
        if start is None and end is None:
            return self("not_set")
        return self("period_value", start=self.day(start), end=self.day(end))

    def weekdays(self, days: Iterable[str]) -> str:
        return self.join([self.other(f"arrangement.day_{d}") for d in WEEKDAYS if d in days])

    def or_empty(self, text: str) -> str:
        return text.strip() if text and text.strip() else self("empty")

    def or_fill(self, text: str) -> str:
        return text.strip() if text and text.strip() else self("fill")


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def _question_label(question: str, lang: str) -> str:
    """A survey question's wording when it is one of the example questions."""
    try:
        from hjemmekit.trialdata import question_label
    except ImportError:  # pragma: no cover - trialdata is part of the package
        return question
    return question_label(question, lang)


def file_name(wb: Workbook, fmt: Format) -> str:
    """``beslutningsgrundlag-<id>.html`` (or ``.docx``)."""
    return f"beslutningsgrundlag-{wb.id}.{fmt}"


# --- Data and the evaluation ------------------------------------------------------------


@dataclass
class _Data:
    """The data behind the evaluation and a line saying where they come from."""

    dataset: Any = None
    source: str = ""
    problems: list[str] = field(default_factory=list)


def _resolve_data(wb: Workbook, data: Any, tx: _Text) -> _Data:
    """``data`` as given: None (the workbook's example data, if any), a folder, a
    ``trialdata.TrialData`` or a data set (``hjemmekit.io.DataSet`` or alike)."""
    from hjemmekit import trialdata

    if data is None:
        folder = trialdata.example_folder(wb.trial.example_data)
        if folder is None:
            return _Data()
        found = trialdata.read_folder(folder, names={}, lang=tx.lang)
        return _Data(found.data, tx("data_example", name=wb.trial.example_data or ""),
                     list(found.problems))
    if isinstance(data, str | os.PathLike):
        dataset = trialdata.load(data)  # raises io.DataError: the caller reports it
        return _Data(dataset, tx("data_folder", name=Path(data).name or str(data),
                                 kinds=_kinds(dataset, tx)))
    if isinstance(data, trialdata.TrialData):
        if data.data is None:
            return _Data(None, "", list(data.problems))
        if data.source == "example":
            source = tx("data_example", name=data.example or "")
        else:
            source = tx("data_own", kinds=_kinds(data.data, tx))
        return _Data(data.data, source, list(data.problems))
    return _Data(data, tx("data_given", kinds=_kinds(data, tx)))


def _kinds(dataset: Any, tx: _Text) -> str:
    kinds = [k for k in ("units", "survey", "sickleave", "production", "dialogue")
             if getattr(dataset, k, None) is not None]
    return tx.join([tx(f"kind_{k}") for k in kinds]) or "–"


def _evaluate(wb: Workbook, found: _Data, tx: _Text) -> tuple[Evaluation | None, str]:
    """The evaluation, or None and why not."""
    if found.dataset is None:
        return None, tx("no_data")
    from hjemmekit.evaluation import Design, DesignError, evaluate

    try:
        design = Design.from_workbook(wb, getattr(found.dataset, "units", None))
    except DesignError as e:
        msg = str(e)
        if "baseline period" in msg:
            problem = tx("design_no_baseline")
        elif "trial period" in msg:
            problem = tx("design_no_trial")
        elif "overlap" in msg:
            problem = tx("design_overlap")
        else:
            problem = msg
        return None, tx("design_problem", problem=problem)
    return evaluate(found.dataset, design, wb), ""


# --- Building the document --------------------------------------------------------------


def build(
    wb: Workbook,
    lang: str = "da",
    data: Any = None,
    *,
    today: date | None = None,
    charts: bool = True,
) -> Document:
    """The decision document of ``wb`` in ``lang`` as plain blocks.

    ``data``: None finds the workbook's example data (``trial.example_data``), a folder
    is read with ``trialdata.load`` (raises ``hjemmekit.io.DataError``), a
    ``trialdata.TrialData`` or a data set is used as it is. ``charts=False`` leaves the
    charts out (quicker, e.g. for tests of the text).
    """
    tx = _Text(lang)
    found = _resolve_data(wb, data, tx)
    ev, why_not = _evaluate(wb, found, tx)
    return _Builder(wb, tx, ev, why_not, found, today or date.today(), charts).document()


class _Builder:
    def __init__(
        self, wb: Workbook, tx: _Text, ev: Evaluation | None, why_not: str, found: _Data,
        today: date, charts: bool,
    ) -> None:
        self.wb, self.tx, self.ev, self.why_not, self.found = wb, tx, ev, why_not, found
        self.today, self.charts = today, charts
        self.lang = tx.lang
        self.cases = {c.id: c for c in wb.suitability.cases}

    # --- the whole -----------------------------------------------------------------

    def document(self) -> Document:
        tx, wb = self.tx, self.wb
        meta = [
            (tx("meta_date"), tx.long_day(self.today)),
            (tx("meta_revision"), str(wb.revision)),
            (tx("meta_updated"), tx.long_day(wb.updated.date())),
        ]
        sections = [
            self.summary(),
            self.context(),
            self.goals(),
            self.suitability(),
            self.arrangement(),
            self.trial(),
            self.decision_log(),
            self.drafts(),
            self.sources(),
        ]
        return Document(
            lang=self.lang,
            kicker=tx("kicker"),
            title=wb.title.strip() or tx("untitled"),
            organisation=wb.organisation.strip() or tx("no_organisation"),
            meta=meta,
            intro=tx("intro"),
            sections=sections,
            footer=tx("footer", version=__version__, date=tx.day(self.today)),
            name=file_name(wb, "html").rsplit(".", 1)[0],
        )

    def case_name(self, case_id: str) -> str:
        case = self.cases.get(case_id)
        return case.name if case else self.tx("unknown_case", id=case_id)

    def step_title(self, no: int, step: str) -> str:
        return self.tx("step_heading", no=no, title=self.tx.other(f"steps.{step}_title"))

    def empty(self) -> Para:
        return Para(self.tx("empty"), kind="empty")

    # --- summary -------------------------------------------------------------------

    def latest_decision(self) -> Decision | None:
        if not self.wb.decisions:
            return None
        order = sorted(enumerate(self.wb.decisions), key=lambda p: (p[1].date, p[0]))
        return order[-1][1]

    def summary(self) -> Section:
        tx, wb = self.tx, self.wb
        s = Section("summary", tx("summary"))
        d = self.latest_decision()
        part = s.sub("decision", tx("summary_decision"))
        if d is None:
            part.add(Para(tx("no_decision"), kind="empty"))
        else:
            part.add(Facts([
                (tx("col_decision"), d.decision),
                (tx("col_date"), tx.day(d.date)),
                (tx("col_by"), tx.or_empty(d.by)),
                (tx("col_why"), tx.or_empty(d.why)),
            ]))

        part = s.sub("for-whom", tx("summary_for_whom"))
        included = [c for c in wb.suitability.cases if c.verdict in ("suitable", "partly")]
        others = [c for c in wb.suitability.cases if c.verdict not in ("suitable", "partly")]
        if not wb.suitability.cases:
            part.add(self.empty())
        else:
            if included:
                part.add(Bullets([self.case_line(c) for c in included]))
            else:
                part.add(Para(tx("no_suitable"), kind="empty"))
            if others:
                names = tx.join([f"{c.name} ({self.verdict(c.verdict)})" for c in others])
                part.add(Para(tx("not_included", cases=names)))

        part = s.sub("arrangement", tx("summary_arrangement"))
        lines = [f"{self.case_name(a.case_id)}: {self.pattern_line(a)}"
                 for a in wb.arrangement.arrangements]
        part.add(Bullets(lines) if lines else Para(tx("no_arrangement"), kind="empty"))

        part = s.sub("trial", tx("summary_trial"))
        tr = wb.trial
        part.add(Facts([
            (tx("trial_period"), tx.period(tr.start, tr.end)),
            (tx("baseline_period"), tx.period(tr.baseline_start, tr.baseline_end)),
            (tx("reviews"), tx.join([tx.day(x) for x in sorted(tr.review_dates)])
             or tx("no_reviews")),
            (tx("evaluation_status"), tx("evaluated") if self.ev else self.why_not),
        ]))
        if self.ev is not None and self.ev.goals:
            names = {g.id: goal_name(g, self.lang) for g in wb.goals.goals}
            part.add(Para(tx("goals_status"), kind="lead"))
            part.add(Bullets([
                tx("goal_status_line", goal=names.get(g.goal_id, g.purpose or g.goal_id),
                   status=self.tx.other(f"evaluation.status_{g.status}"))
                for g in self.ev.goals
            ]))

        part = s.sub("open", tx("summary_open"))
        if not wb.arrangement.arrangements:
            part.add(Para(tx("open_none_yet"), kind="empty"))
        else:
            missing = open_requirements(wb)
            if missing:
                part.add(Bullets([tx("open_line", case=name, label=f.label(self.lang))
                                  for name, f in missing]))
                part.add(Para(tx("open_sources"), kind="help"))
            else:
                part.add(Para(tx("no_open")))
        return s

    def verdict(self, v: str) -> str:
        return self.tx.other(f"suitability.verdict_{v}")

    def case_line(self, c: Case) -> str:
        kind = self.tx.other(f"suitability.kind_{c.kind}").lower()
        line = self.tx("case_line", name=c.name, kind=kind, verdict=self.verdict(c.verdict))
        return f"{line}. {c.verdict_note.strip()}" if _filled(c.verdict_note) else line

    def kind_text(self, a: CaseArrangement) -> str:
        tx = self.tx
        kind = effective_kind(a)
        if kind is None:
            return tx("kind_none")
        text = tx.other(f"arrangement.kind_short_{kind}")
        if a.kind == "ad_hoc" and kind == "fixed_recurring":
            text = tx("reclassified", kind=text)
        return text

    def average_days(self, days: float) -> str:
        """``1 hjemmedag om ugen i gennemsnit`` / ``2,5 hjemmedage ...``."""
        unit = self.tx.other("rules.unit.home_day" if days == 1 else "rules.unit.home_days")
        return self.tx("pattern_average", days=self.tx.days(days), unit=unit)

    def pattern_line(self, a: CaseArrangement) -> str:
        """``Fast tilbagevendende; hjemme tirsdag og torsdag; fremmøde mandag og onsdag``."""
        tx = self.tx
        parts = [self.kind_text(a)]
        if a.home_days:
            parts.append(tx("pattern_home", days=tx.weekdays(a.home_days)))
        elif a.home_days_per_week is not None:
            parts.append(self.average_days(a.home_days_per_week))
        if a.office_days:
            parts.append(tx("pattern_office", days=tx.weekdays(a.office_days)))
        if len(parts) == 1 and effective_kind(a) is not None:
            parts.append(tx("pattern_none"))
        return "; ".join(parts)

    # --- step 1 --------------------------------------------------------------------

    def context(self) -> Section:
        tx, c = self.tx, self.wb.context
        s = Section("step-1", self.step_title(1, "context"))
        selected = [k for k in CONTEXT_FACTORS if c.factors[k].selected]
        if not (selected or _filled(c.notes) or _filled(c.statement)):
            return s.add(self.empty())
        part = s.sub("factors", tx("factors_heading"))
        if selected:
            items = []
            for k in selected:
                label = tx.other(f"context.factor_{k}")
                if k == "other" and c.other_label.strip():
                    label = f"{label}: {c.other_label.strip()}"
                note = c.factors[k].note.strip()
                items.append(f"{label} – {note}" if note else label)
            part.add(Bullets(items))
        else:
            part.add(Para(tx("no_factors"), kind="empty"))
        s.sub("notes", tx("notes_heading")).add(
            Para(c.notes.strip()) if _filled(c.notes) else self.empty())
        s.sub("statement", tx("statement_heading")).add(
            Quote(c.statement.strip()) if _filled(c.statement) else self.empty())
        return s

    # --- step 2 --------------------------------------------------------------------

    def goals(self) -> Section:
        tx, lang = self.tx, self.lang
        s = Section("step-2", self.step_title(2, "goals"))
        goals = self.wb.goals.goals
        if not goals:
            return s.add(self.empty())
        used = {x for g in goals for x in g.tools}
        tools = [x for x in [*TOOLS, *self.wb.goals.own_tools] if x in used]
        tools = list(dict.fromkeys(tools + [x for g in goals for x in g.tools if x not in tools]))
        part = s.sub("matrix", tx("goals_matrix_heading"))
        if tools:
            rows: list[list[str | TableCell]] = [
                [goal_name(g, lang), *(tx("chosen") if x in g.tools else "" for x in tools)]
                for g in goals
            ]
            part.add(Table(tx("goals_matrix_caption"),
                           [tx("col_goal"), *(tool_name(x, lang) for x in tools)], rows,
                           widths=[2.2] + [1.0] * len(tools), css="matrix"))
            part.add(Para(tx("goals_matrix_help"), kind="help"))
        else:
            part.add(Para(tx("no_tools"), kind="empty"))
        part = s.sub("follow-up", tx("goals_followup_heading"))
        rows = [[goal_name(g, lang), tx.or_empty(indicator_text(g, lang)),
                 tx.or_empty(target_text(g, lang))] for g in goals]
        part.add(Table(tx("goals_followup_caption"),
                       [tx("col_goal"), tx("col_indicator"), tx("col_target")], rows,
                       widths=[2, 2, 3]))
        return s

    # --- step 3 --------------------------------------------------------------------

    def suitability(self) -> Section:
        tx, st = self.tx, self.wb.suitability
        s = Section("step-3", self.step_title(3, "suitability"))
        themes = [k for k in DISCUSSION_THEMES
                  if _filled(st.discussion[k].advantages) or _filled(st.discussion[k].drawbacks)]
        if not themes and not st.cases:
            return s.add(self.empty())
        part = s.sub("discussion", tx.other("suitability.discussion_heading"))
        if themes:
            rows: list[list[str | TableCell]] = [
                [tx.other(f"suitability.theme_{k}"), tx.or_empty(st.discussion[k].advantages),
                 tx.or_empty(st.discussion[k].drawbacks)] for k in themes]
            part.add(Table(tx("discussion_caption"),
                           [tx("col_theme"), tx("col_advantages"), tx("col_drawbacks")], rows,
                           widths=[1.3, 3, 3]))
        else:
            part.add(self.empty())
        part = s.sub("cases", tx.other("suitability.cases_heading"))
        if not st.cases:
            part.add(self.empty())
            return s
        part.add(self.matrix_table())
        part.add(Para(tx("matrix_help"), kind="help"))
        for c in st.cases:
            part.add(self.case_section(part, c))
        return s

    def answer(self, a: str | None) -> str:
        return self.tx.other(f"suitability.answer_{a or 'none'}")

    def matrix_table(self) -> Table:
        tx = self.tx
        head = [tx.other("suitability.matrix_case"),
                *(f"{i}. {tx.other(f'suitability.q_short_{q}')}"
                  for i, q in enumerate(SUITABILITY_QUESTIONS, 1)),
                tx.other("suitability.matrix_suggested"), tx.other("suitability.matrix_verdict")]
        rows: list[list[str | TableCell]] = []
        for c in self.wb.suitability.cases:
            cells: list[str | TableCell] = [c.name]
            for q in SUITABILITY_QUESTIONS:
                a = c.answers[q].answer
                cells.append(TableCell(self.answer(a), ANSWER_COLOURS[a or "none"]))
            sug = suggest(c).verdict
            cells.append(TableCell(self.verdict(sug), VERDICT_COLOURS[sug]))
            cells.append(TableCell(self.verdict(c.verdict), VERDICT_COLOURS[c.verdict]))
            rows.append(cells)
        return Table(tx.other("suitability.matrix_caption"), head, rows,
                     widths=[2.0] + [1.0] * 10, css="matrix")

    def case_section(self, parent: Section, c: Case) -> Section:
        tx = self.tx
        kind = tx.other(f"suitability.kind_{c.kind}").lower()
        s = Section(f"{parent.id}-{len(parent.content)}", tx("case_heading", name=c.name,
                                                              kind=kind), parent.level + 1)
        sug = suggest(c)
        facts = []
        if _filled(c.description):
            facts.append((tx("description"), c.description.strip()))
        facts += [
            (tx("suggested"), " ".join([self.verdict(sug.verdict) + ".", *sug.lines(self.lang)])),
            (tx("verdict"), self.verdict(c.verdict)),
            (tx("verdict_note"), tx.or_empty(c.verdict_note)),
        ]
        s.add(Facts(facts))
        rows: list[list[str | TableCell]] = []
        for i, q in enumerate(SUITABILITY_QUESTIONS, 1):
            a = c.answers[q]
            rows.append([f"{i}. {tx.other(f'suitability.q_{q}')}",
                         TableCell(self.answer(a.answer), ANSWER_COLOURS[a.answer or "none"]),
                         a.note.strip() or "–"])
        s.add(Table(tx("questions_caption", name=c.name),
                    [tx("col_question"), tx("col_answer"), tx("col_note")], rows,
                    widths=[3.2, 1.1, 3]))
        return s

    # --- step 4 --------------------------------------------------------------------

    def arrangement(self) -> Section:
        tx = self.tx
        s = Section("step-4", self.step_title(4, "arrangement"))
        arrangements = self.wb.arrangement.arrangements
        if not arrangements:
            return s.add(self.empty())
        chosen = next((sc for sc in self.wb.arrangement.scenarios
                       if sc.id == self.wb.arrangement.chosen), None)
        if chosen is not None:
            s.add(Para(chosen.name or "–", label=tx("chosen_scenario")))
        for n, a in enumerate(arrangements):
            case = self.cases.get(a.case_id)
            verdict = self.verdict(case.verdict) if case else "–"
            part = s.sub(str(n), tx("arrangement_heading", name=self.case_name(a.case_id),
                                    verdict=verdict))
            self.arrangement_part(part, a)
        return s

    def arrangement_part(self, part: Section, a: CaseArrangement) -> None:
        tx, lang = self.tx, self.lang
        name = self.case_name(a.case_id)
        days = home_days_per_week(a)
        part.add(Facts([
            (tx("kind"), self.kind_text(a)),
            (tx("home_days"), tx.weekdays(a.home_days) or tx("none")),
            (tx("office_days"), tx.weekdays(a.office_days) or tx("none")),
            (tx("days_per_week"), tx.days(days) if days is not None else tx("not_set")),
            (tx("screen_work"), tx("yes") if a.screen_work_at_home else tx("no")),
        ]))
        flags = flags_for(a, self.wb)
        for f in flags:
            if not f.is_requirement and f.key != "choose_kind":
                part.add(Para(f"{f.reason(lang)} {f.source_text(lang)}",
                              label=f"{f.level_text(lang).capitalize()}: {f.label(lang)}.",
                              kind="warning"))
        sub = part.sub("meetings", tx("meetings_heading"))
        if a.meeting_rules:
            rows: list[list[str | TableCell]] = [
                [m.meeting_type, tx.other(f"arrangement.mode_{m.mode}"), m.note.strip() or "–"]
                for m in a.meeting_rules]
            sub.add(Table(tx("meetings_caption", name=name),
                          [tx("col_meeting"), tx("col_mode"), tx("col_note")], rows,
                          widths=[2, 1.2, 3.5]))
        else:
            sub.add(Para(tx("no_meetings"), kind="empty"))
        sub = part.sub("rules", tx("requirements_heading"))
        rows = []
        for f in flags:
            if not f.is_requirement:
                continue
            state = a.requirements.get(f.key)
            if f.status:
                status = tx("status_done_date", date=tx.day(state.date)) if state and state.date \
                    else tx("status_done")
            elif f.required:
                status = tx("status_open")
            else:
                status = "–"
            if state and _filled(state.note):
                status = f"{status}. {state.note.strip()}"
            reason = f.reason(lang)
            if f.elements:
                reason += " " + tx("elements", elements=tx.join(
                    [label for _, label in f.element_labels(lang)]))
            rows.append([f.label(lang), f.level_text(lang), status,
                         f"{reason}\n{f.source_text(lang)}"])
        sub.add(Table(tx("requirements_caption", name=name),
                      [tx("col_requirement"), tx("col_applies"), tx("col_status"),
                       tx("col_reason")], rows, widths=[2, 1, 1.6, 4.5]))
        answered = [(tx.other(f"arrangement.r_{k}"), a.reflections.get(k, "").strip())
                    for k in ARRANGEMENT_REFLECTIONS]
        sub = part.sub("reflections", tx("arrangement_reflections_heading"))
        if any(v for _, v in answered):
            sub.add(Facts([(q, v or tx("unanswered")) for q, v in answered], stacked=True))
        else:
            sub.add(self.empty())

    # --- step 5 --------------------------------------------------------------------

    def trial(self) -> Section:
        tx, tr = self.tx, self.wb.trial
        s = Section("step-5", self.step_title(5, "trial"))
        design_empty = not any([tr.baseline_start, tr.baseline_end, tr.start, tr.end,
                                tr.review_dates, tr.trial_units, tr.comparison_units,
                                tr.data_sources, tr.metrics])
        part = s.sub("design", tx("design_heading"))
        if design_empty:
            part.add(self.empty())
        else:
            part.add(Facts([
                (tx("baseline_period"), tx.period(tr.baseline_start, tr.baseline_end)),
                (tx("trial_period"), tx.period(tr.start, tr.end)),
                (tx("reviews"), tx.join([tx.day(x) for x in sorted(tr.review_dates)])
                 or tx("no_reviews")),
                (tx("trial_units"), ", ".join(tr.trial_units) or tx("not_set")),
                (tx("comparison_units"), ", ".join(tr.comparison_units) or tx("not_set")),
                (tx("data_sources"), tx.join([tx(f"source_{x}") for x in tr.data_sources])
                 or tx("not_set")),
                (tx("privacy"), tx("privacy_value", k=tr.privacy.min_answers,
                                   fte=tx.num(tr.privacy.min_fte, 0))),
            ]))
            if tr.metrics:
                names = {g.id: goal_name(g, self.lang) for g in self.wb.goals.goals}
                rows: list[list[str | TableCell]] = [
                    [self.metric_label(m.source, m.name), tx(f"source_{m.source}"),
                     names.get(m.goal_id or "", "–") if m.goal_id else "–",
                     m.target.strip() or "–"] for m in tr.metrics]
                part.add(Table(tx("metrics_caption"),
                               [tx("col_metric"), tx("col_source"), tx("col_goal"),
                                tx("col_target")], rows, widths=[2.5, 1.3, 2, 1.5]))
            else:
                part.add(Para(tx("no_metrics"), kind="empty"))
        self.evaluation(s.sub("evaluation", tx("evaluation_heading")))
        part = s.sub("reflections", tx("reflections_heading"))
        answered = [(tx(f"reflection_{k}"), tr.reflections.get(k, "").strip())
                    for k in TRIAL_REFLECTIONS]
        if any(v for _, v in answered):
            part.add(Para(tx("reflections_source"), kind="source"))
            part.add(Facts([(q, v or tx("unanswered")) for q, v in answered], stacked=True))
        else:
            part.add(self.empty())
        part = s.sub("conclusions", tx("conclusions_heading"))
        part.add(Para(tr.conclusions.strip()) if _filled(tr.conclusions) else self.empty())
        return s

    def metric_label(self, source: str, name: str) -> str:
        if source == "survey":
            return _question_label(name, self.lang)
        if source == "sickleave":
            return self.tx("sick_days")
        key = f"metric_{name}"
        return self.tx(key) if has(f"report.{key}", self.lang) else name

    # --- the evaluation ------------------------------------------------------------

    def evaluation(self, s: Section) -> None:
        tx, ev = self.tx, self.ev
        if ev is None:
            s.add(Para(self.why_not, kind="empty"))
            for p in self.found.problems:
                s.add(Para(p, kind="help"))
            return
        self.findings(s, ev)
        d = ev.design
        n_trial = sum(1 for g in ev.groups.values() if g == "trial")
        n_comp = sum(1 for g in ev.groups.values() if g == "comparison")
        s.add(Para(self.found.source, kind="lead"))
        s.add(Facts([
            (tx("baseline_period"), tx.period(*d.baseline)),
            (tx("trial_period"), tx.period(*d.trial)),
            (tx("groups"), tx("groups_value", trial=n_trial, comparison=n_comp)),
            (tx("method"), tx("method_value")),
        ]))
        s.add(Para(self.hidden_line(ev), label=tx("privacy_label"), kind="warning"))
        for w in ev.warnings:
            s.add(Para(tx.other(f"evaluation.warn_{w.code}", **w.fields), kind="help"))
        f = _Fmt(ev, tx)
        names = {g.id: goal_name(g, self.lang) for g in self.wb.goals.goals}

        part = s.sub("goals", tx("ev_goals_heading"))
        if ev.goals:
            rows: list[list[str | TableCell]] = []
            for g in ev.goals:
                effect = f.hidden() if g.reason == "suppressed" else f.num(g.estimate)
                if g.measure == "change" and g.estimate is not None:
                    effect = tx("effect_change", value=effect)
                status = tx.other(f"evaluation.status_{g.status}")
                if g.reason:
                    reason_key = f"reason_{g.reason}"
                    reason = tx(reason_key) if has(f"report.{reason_key}", self.lang) \
                        else g.reason
                    status = f"{status}: {reason}"
                rows.append([names.get(g.goal_id, g.purpose or g.goal_id),
                             self.metric_label(g.indicator_kind, g.indicator),
                             g.target or f.num(g.target_value), effect, status])
            part.add(Table(tx("ev_goals_caption"),
                           [tx("col_goal"), tx("col_indicator"), tx("col_target"),
                            tx("col_effect"), tx("col_status")], rows,
                           widths=[1.6, 2, 1.6, 1, 1.8]))
        else:
            part.add(Para(tx("no_goal_checks"), kind="empty"))

        part = s.sub("survey", tx("survey_heading"))
        if ev.survey:
            rows = [[_question_label(q.question, self.lang), f.cell(q.trial.baseline),
                     f.cell(q.trial.during), f.cell(q.comparison.baseline),
                     f.cell(q.comparison.during), f.did(q.did), f.ci(q.did)] for q in ev.survey]
            part.add(Table(tx("survey_caption"), self.did_head(tx("col_question")), rows,
                           widths=[3, 1, 1, 1, 1, 1.1, 1.6]))
            part.add(Para(tx("survey_help"), kind="help"))
        else:
            part.add(Para(tx("no_survey"), kind="empty"))

        if ev.by_role:
            part = s.sub("roles", tx("roles_heading"))
            rows = [[f"{_question_label(r.question, self.lang)} "
                     f"({tx.other(f'evaluation.role_{r.role}')})",
                     f.cell(r.trial.baseline), f.cell(r.trial.during),
                     f.cell(r.comparison.baseline), f.cell(r.comparison.during), f.did(r.did),
                     f.ci(r.did)] for r in ev.by_role]
            part.add(Table(tx("roles_caption"), self.did_head(tx("col_question")), rows,
                           widths=[3, 1, 1, 1, 1, 1.1, 1.6]))

        part = s.sub("sickleave", tx("sickleave_heading"))
        sl = ev.sickleave
        if sl is not None:
            rows = []
            for g, grp in (("trial", sl.trial), ("comparison", sl.comparison)):
                b, du = grp.baseline, grp.during
                change = "–" if b.value is None or du.value is None else f.num(
                    du.value - b.value, 1)
                rows.append([f.group(g), f.cell(b, 1), f.cell(du, 1), change,
                             f.count(b, fte=True), f.count(du, fte=True)])
            part.add(Table(tx("sickleave_caption"),
                           [tx("col_group"), tx("col_before"), tx("col_during"),
                            tx("col_change"), tx("col_fte_before"), tx("col_fte_during")], rows,
                           widths=[2, 1, 1, 1, 1, 1]))
            part.add(Para(tx("sickleave_did", did=f.did(sl.did, 1))))
        else:
            part.add(Para(tx("no_sickleave"), kind="empty"))

        if ev.production:
            part = s.sub("production", tx("production_heading"))
            rows = [[self.metric_label("production", p.metric), f.cell(p.trial.baseline),
                     f.cell(p.trial.during), f.change(p.trial), f.cell(p.comparison.baseline),
                     f.cell(p.comparison.during), f.change(p.comparison), f.did(p.did)]
                    for p in ev.production]
            part.add(Table(tx("production_caption"),
                           [tx("col_metric"), tx("col_trial_before"), tx("col_trial_during"),
                            tx("col_trial_change"), tx("col_comparison_before"),
                            tx("col_comparison_during"), tx("col_comparison_change"),
                            tx("col_did")], rows, widths=[2.4] + [1] * 7))

        if ev.wishes:
            part = s.sub("wishes", tx("wishes_heading"))
            rows = [[self.background(w.background),
                     self.category(w.background, w.category),
                     f.hidden() if w.suppressed else f.num(w.n, 0),
                     f.hidden() if w.suppressed else f.num(w.mean, 1)] for w in ev.wishes]
            part.add(Table(tx("wishes_caption"),
                           [tx("col_background"), tx("col_category"), tx("col_answers"),
                            tx("col_mean_days")], rows, widths=[2, 2, 1, 1.2]))

        if ev.dialogue:
            part = s.sub("dialogue", tx("dialogue_heading"))
            counts: dict[str, dict[tuple[str, str], int]] = {}
            for x in ev.dialogue:
                counts.setdefault(x.theme, {})[x.group, x.period] = x.count
            cols = [(g, p) for g in _GROUPS for p in ("baseline", "during")]
            rows = [[theme, *(str(c.get(k, 0)) for k in cols)]
                    for theme, c in sorted(counts.items(), key=lambda kv: kv[0].casefold())]
            part.add(Table(tx("dialogue_caption"),
                           [tx("col_theme"), tx("col_trial_before"), tx("col_trial_during"),
                            tx("col_comparison_before"), tx("col_comparison_during")], rows,
                           widths=[3, 1, 1, 1, 1]))
            part.add(Para(tx("dialogue_help"), kind="help"))

        if self.charts:
            part = s.sub("charts", tx("charts_heading"))
            part.add(*self.chart_blocks(ev, f))

        part = s.sub("units", tx("units_heading"))
        part.add(Para(tx("units_help"), kind="help"))
        for measure in self.unit_measures(ev):
            part.add(*self.units_table(ev, measure, f))

    def findings(self, s: Section, ev: Evaluation) -> None:
        """The goals in sentences, then the checks (``hjemmekit.findings``)."""
        from hjemmekit import findings

        lines = findings.sentences(ev, self.lang)
        if lines:
            s.add(Para(self.tx.other("findings.findings_heading"), kind="lead"), Bullets(lines))
        if ev.checks:
            s.add(Para(self.tx.other("findings.checks_heading"), kind="lead"),
                  Bullets(findings.check_lines(ev.checks, self.lang, ev.design.min_answers)))

    def did_head(self, first: str) -> list[str]:
        tx = self.tx
        return [first, tx("col_trial_before"), tx("col_trial_during"),
                tx("col_comparison_before"), tx("col_comparison_during"), tx("col_did"),
                tx("col_ci")]

    def background(self, key: str) -> str:
        full = f"evaluation.bg_{key}"
        return self.tx.other(full) if has(full, self.lang) else key

    def category(self, background: str, key: str | None) -> str:
        if key is None:
            return self.tx.other("evaluation.unknown")
        full = f"evaluation.cat_{key}"
        if background == "role" and has(full, self.lang):
            return self.tx.other(full)
        return key

    def hidden_line(self, ev: Evaluation) -> str:
        """One line saying which figures are hidden and why (or that none are)."""
        tx = self.tx
        k, fte = ev.design.min_answers, tx.num(ev.design.min_fte, 0)
        units = sorted({u.unit for u in ev.units if u.suppressed}, key=str.casefold)
        parts = []
        if units:
            shown = ", ".join(units[:15]) + (", …" if len(units) > 15 else "")
            parts.append(tx("hidden_units", count=len(units), units=shown))
        groups = sum(q.did.suppressed for q in ev.survey) + sum(
            r.did.suppressed for r in ev.by_role)
        if groups:
            parts.append(tx("hidden_groups", count=groups))
        wishes = sum(w.suppressed for w in ev.wishes) + sum(h.suppressed for h in ev.home_days)
        if wishes:
            parts.append(tx("hidden_wishes", count=wishes))
        months = sum(p.suppressed for p in ev.trend)
        if months:
            parts.append(tx("hidden_months", count=months))
        if ev.sickleave is not None and ev.sickleave.did.suppressed:
            parts.append(tx("hidden_sickleave"))
        if not parts:
            return tx("hidden_none", k=k, fte=fte)
        return tx("hidden_line", what="; ".join(parts), k=k, fte=fte)

    def followed(self, ev: Evaluation) -> list[str]:
        """Survey questions the trial follows (metrics and goals), in the data's order."""
        names = {m.name for m in self.wb.trial.metrics if m.source == "survey"}
        names |= {g.indicator for g in self.wb.goals.goals if g.indicator_kind == "survey"}
        return [q for q in ev.questions if q in names]

    def unit_measures(self, ev: Evaluation) -> list[str]:
        from hjemmekit.evaluation import SICKLEAVE

        found = {u.measure for u in ev.units}
        questions = [q for q in (self.followed(ev) or ev.questions) if q in found]
        return questions + ([SICKLEAVE] if SICKLEAVE in found else [])

    def units_table(self, ev: Evaluation, measure: str, f: _Fmt) -> list[Block]:
        from hjemmekit.evaluation import SICKLEAVE

        tx = self.tx
        sick = measure == SICKLEAVE
        by_unit: dict[str, dict[str, Any]] = {}
        for u in ev.units:
            if u.measure == measure:
                by_unit.setdefault(u.unit, {"group": u.group})[u.period] = u

        def value(u: Any) -> str:
            if u is None:
                return "–"
            return f.hidden() if u.suppressed else f.num(u.value, 1 if sick else 2)

        def n(u: Any) -> str:
            if u is None:
                return "–"
            return f.hidden() if u.suppressed else f.num(u.n, 1 if sick else 0)

        order = {g: i for i, g in enumerate(_GROUPS)}
        ordered = sorted(by_unit.items(),
                         key=lambda kv: (order.get(kv[1]["group"], 9), kv[0].casefold()))
        rows: list[list[str | TableCell]] = [
            [unit, f.group(d["group"]), value(d.get("baseline")), n(d.get("baseline")),
             value(d.get("during")), n(d.get("during"))]
            for unit, d in ordered[:MAX_UNIT_ROWS]]
        label = tx("sick_days") if sick else _question_label(measure, self.lang)
        table = Table(tx("units_caption", measure=label),
                      [tx("col_unit"), tx("col_group"), tx("col_before"),
                       tx("col_fte_before" if sick else "col_n_before"), tx("col_during"),
                       tx("col_fte_during" if sick else "col_n_during")], rows,
                      widths=[2.6, 2.3, 0.9, 0.9, 0.9, 0.9])
        if len(ordered) <= MAX_UNIT_ROWS:
            return [table]
        return [table, Para(tx("units_more", shown=MAX_UNIT_ROWS, count=len(ordered)),
                            kind="help")]

    def chart_blocks(self, ev: Evaluation, f: _Fmt) -> list[Block]:
        from hjemmekit import charts

        tx, lang = self.tx, self.lang
        questions = self.followed(ev) or list(ev.questions)
        out: list[Block] = []
        if ev.survey:
            out.append(Chart("did", charts.did_figure(ev, lang=lang),
                             tx("alt_did", values=self.did_alt(ev, f)), tx("caption_did")))
            out.append(Chart("trend", charts.trend_figure(ev, questions, lang=lang),
                             tx("alt_trend", questions=", ".join(
                                 _question_label(q, lang) for q in questions)),
                             tx("caption_trend")))
        if ev.sickleave is not None:
            sl = ev.sickleave
            values = "; ".join(
                f"{f.group(g)}: {f.cell(grp.baseline, 1)} → {f.cell(grp.during, 1)}"
                for g, grp in (("trial", sl.trial), ("comparison", sl.comparison)))
            out.append(Chart("sickleave", charts.sickleave_figure(ev, lang=lang),
                             tx("alt_sickleave", values=values), tx("caption_sickleave")))
        if ev.home_days:
            values = "; ".join(
                f"{f.group(g)}: " + ", ".join(
                    f"{h.days}: {f.hidden() if h.suppressed else h.count}"
                    for h in ev.home_days if h.group == g and h.period == "during")
                for g in _GROUPS)
            out.append(Chart("home_days", charts.home_days_figure(ev, "during", lang=lang),
                             tx("alt_home_days", values=values), tx("caption_home_days")))
        if not out:
            return [Para(tx("no_charts"), kind="empty")]
        return out

    def did_alt(self, ev: Evaluation, f: _Fmt) -> str:
        return "; ".join(
            f"{_question_label(q.question, self.lang)}: "
            + (f.hidden() if q.did.suppressed else f"{f.num(q.did.estimate)} ({f.ci(q.did)})")
            for q in ev.survey)

    # --- decision log --------------------------------------------------------------

    def decision_log(self) -> Section:
        tx = self.tx
        s = Section("decisions", tx("log_heading"))
        if not self.wb.decisions:
            return s.add(Para(tx("no_decisions"), kind="empty"))
        ordered = sorted(enumerate(self.wb.decisions), key=lambda p: (p[1].date, p[0]))
        rows: list[list[str | TableCell]] = [
            [tx.day(d.date), d.decision, d.by.strip() or "–", d.why.strip() or "–"]
            for _, d in ordered]
        return s.add(Table(tx("log_caption"),
                           [tx("col_date"), tx("col_decision"), tx("col_by"), tx("col_why")],
                           rows, widths=[1.5, 3.5, 1.8, 3]))

    # --- drafts --------------------------------------------------------------------

    def fixed(self) -> list[CaseArrangement]:
        return [a for a in self.wb.arrangement.arrangements
                if effective_kind(a) == "fixed_recurring"]

    def drafts(self) -> Section:
        tx = self.tx
        s = Section("drafts", tx("drafts_heading"))
        s.add(Para(tx("drafts_intro", blank=BLANK, fill=tx("fill"))))
        self.su_note(s.sub("su", tx("su_heading")))
        self.local_agreement(s.sub("local", tx("local_heading")))
        fixed = self.fixed()
        if fixed:
            for n, a in enumerate(fixed):
                self.individual_agreement(
                    s.sub(f"individual-{n}", tx("individual_heading_case",
                                                 name=self.case_name(a.case_id))), a)
        else:
            self.individual_agreement(s.sub("individual", tx("individual_heading")), None)
        return s

    def org(self) -> str:
        return self.wb.organisation.strip() or BLANK

    def sources_para(self, *keys: str) -> Para:
        text = "; ".join(SOURCES[k].text(self.lang) for k in keys)
        return Para(self.tx.other("rules.source_prefix", sources=text), kind="source")

    def goal_lines(self) -> list[str]:
        lines = []
        for g in self.wb.goals.goals:
            target = target_text(g, self.lang)
            name = goal_name(g, self.lang)
            lines.append(f"{name} ({target})" if target else name)
        return lines

    def trial_sentence(self) -> str:
        tx, tr = self.tx, self.wb.trial
        start = tx.day(tr.start) if tr.start else BLANK
        end = tx.day(tr.end) if tr.end else BLANK
        reviews = tx.join([tx.day(x) for x in sorted(tr.review_dates)]) or BLANK
        sources = tx.join([tx(f"source_{x}").lower() for x in tr.data_sources]) or tx("fill")
        return tx("trial_sentence", start=start, end=end, reviews=reviews, sources=sources)

    def su_note(self, s: Section) -> None:
        tx, wb = self.tx, self.wb
        s.add(Para(tx("su_title"), kind="lead"))
        s.add(Facts([
            (tx("su_to"), tx("su_to_value", org=self.org())),
            (tx("su_from"), tx("su_from_value", org=self.org())),
            (tx("su_date"), BLANK),
            (tx("su_meeting"), tx("su_meeting_value", blank=BLANK)),
            (tx("su_subject"), tx("su_subject_value")),
        ]))
        s.add(Para(tx("su_purpose")))
        s.add(Para(tx("su_background"), label=tx("su_1")))
        if _filled(wb.context.statement):
            s.add(Quote(wb.context.statement.strip()))
        else:
            s.add(Para(tx("fill_statement"), kind="empty"))
        s.add(Para(tx("su_goals"), label=tx("su_2")))
        goals = self.goal_lines()
        s.add(Bullets(goals) if goals else Para(tx("fill"), kind="empty"))
        s.add(Para(tx("su_who"), label=tx("su_3")))
        lines = [f"{self.case_name(a.case_id)}: {self.pattern_line(a)}"
                 for a in wb.arrangement.arrangements]
        s.add(Bullets(lines) if lines else Para(tx("fill"), kind="empty"))
        others = [c for c in wb.suitability.cases if c.verdict in ("not_suitable", "undecided")]
        if others:
            names = tx.join([f"{c.name} ({self.verdict(c.verdict)})" for c in others])
            s.add(Para(tx("not_included", cases=names)))
        s.add(Para(self.trial_sentence(), label=tx("su_4")))
        s.add(Para(tx("su_rules"), label=tx("su_5")))
        missing = open_requirements(wb)
        if missing:
            s.add(Para(tx("su_open"), kind="lead"))
            s.add(Bullets([f"{name}: {f.label(self.lang)}" for name, f in missing]))
        s.add(Para(tx("su_ask", fill=tx("fill")), label=tx("su_6")))
        s.add(Para(tx("su_sign", blank=BLANK), kind="sign"))
        s.add(self.sources_para("medst_su", "medst_arrangement", "pav_distance"))

    def local_agreement(self, s: Section) -> None:
        tx = self.tx
        fixed = self.fixed()
        s.add(Para(tx("local_title"), kind="lead"))
        if not fixed:
            s.add(Para(tx("local_not_needed"), kind="help"))
        s.add(Para(tx("local_parties", org=self.org(), blank=BLANK, fill=tx("fill"))))
        goals = self.goal_lines()
        purpose = tx("local_1")
        if goals:
            purpose += " " + tx("local_1_goals", goals="; ".join(goals))
        s.add(Para(purpose, label=tx("local_1_label")))
        s.add(Para(tx("local_2"), label=tx("local_2_label")))
        s.add(Bullets([self.case_scope(a) for a in fixed]) if fixed
              else Para(tx("fill_who"), kind="empty"))
        s.add(Para(tx("local_3"), label=tx("local_3_label")))
        if fixed:
            s.add(Bullets([f"{self.case_name(a.case_id)}: {self.pattern_line(a)}"
                           for a in fixed]))
        else:
            s.add(Para(tx("fill_pattern", blank=BLANK), kind="empty"))
        s.add(Para(tx("local_4"), label=tx("local_4_label")))
        meetings = self.meeting_lines(fixed)
        s.add(Bullets(meetings) if meetings else Para(tx("fill"), kind="empty"))
        elements = tx.join([t(f"rules.element.{e}", self.lang).split(" (")[0].lower()
                            for e in INDIVIDUAL_AGREEMENT_ELEMENTS])
        s.add(Para(tx("local_5", elements=elements), label=tx("local_5_label")))
        s.add(Para(tx("local_6"), label=tx("local_6_label")))
        s.add(Para(self.trial_sentence() + " " + tx("local_7"), label=tx("local_7_label")))
        start = tx.day(self.wb.trial.start) if self.wb.trial.start else BLANK
        s.add(Para(tx("local_8", start=start, blank=BLANK), label=tx("local_8_label")))
        s.add(Para(tx("local_sign", org=self.org(), blank=BLANK), kind="sign"))
        s.add(self.sources_para("pav_distance", "medst_arrangement", "at_home_working"))

    def case_scope(self, a: CaseArrangement) -> str:
        case = self.cases.get(a.case_id)
        name = self.case_name(a.case_id)
        if case and _filled(case.description):
            return f"{name} ({self.tx.other(f'suitability.kind_{case.kind}').lower()}): " \
                   f"{case.description.strip()}"
        return name

    def meeting_lines(self, arrangements: Sequence[CaseArrangement]) -> list[str]:
        tx = self.tx
        lines = []
        for a in arrangements:
            parts = []
            if a.office_days:
                parts.append(tx("pattern_office", days=tx.weekdays(a.office_days)))
            for m in a.meeting_rules:
                mode = tx.other(f"arrangement.mode_{m.mode}").lower()
                rule = f"{m.meeting_type}: {mode}"
                parts.append(f"{rule} ({m.note.strip()})" if _filled(m.note) else rule)
            if parts:
                lines.append(f"{self.case_name(a.case_id)} – " + "; ".join(parts))
        return lines

    def individual_agreement(self, s: Section, a: CaseArrangement | None) -> None:
        tx, lang, tr = self.tx, self.lang, self.wb.trial
        s.add(Para(tx("individual_title"), kind="lead"))
        s.add(Para(tx("individual_intro", org=self.org(), blank=BLANK)))
        name = self.case_name(a.case_id) if a else BLANK
        case = self.cases.get(a.case_id) if a else None
        labels = {e: t(f"rules.element.{e}", lang) for e in INDIVIDUAL_AGREEMENT_ELEMENTS}
        # 1-8: the elements of the framework agreement.
        who = tx("ind_who", blank=BLANK, case=name)
        where = tx("ind_where", blank=BLANK)
        if a and a.home_days:
            frame = tx("ind_frame_days", days=tx.weekdays(a.home_days))
        elif a and a.home_days_per_week is not None:
            frame = tx("ind_frame_average", pattern=self.average_days(a.home_days_per_week))
        else:
            frame = tx("ind_frame_blank", blank=BLANK)
        if a and a.office_days:
            frame += " " + tx("ind_frame_office", days=tx.weekdays(a.office_days))
        frame += " " + tx("ind_part_time")
        contact = tx("ind_contact", blank=BLANK)
        meetings = self.meeting_lines([a]) if a else []
        if meetings:
            contact += " " + tx("ind_contact_meetings", rules=meetings[0].split(" – ", 1)[-1])
        equipment = tx("ind_equipment", blank=BLANK, fill=tx("fill"))
        days = home_days_per_week(a) if a else None
        if a and a.screen_work_at_home and days is not None:
            equipment += " " + tx("ind_screen_above" if days > SCREEN_DAYS_LIMIT
                                  else "ind_screen_at_most_two")
        elif a is None or a.screen_work_at_home:
            equipment += " " + tx("ind_screen_unknown")
        if case and _filled(case.answers["equipment"].note):
            equipment += " " + tx("ind_equipment_note", note=case.answers["equipment"].note.strip())
        costs = tx("ind_costs", blank=BLANK, fill=tx("fill"))
        start = tx("ind_start", date=tx.day(tr.start) if tr.start else BLANK)
        end = tx("ind_end", blank=BLANK)
        if tr.end:
            end += " " + tx("ind_end_trial", date=tx.day(tr.end))
        values = dict(zip(INDIVIDUAL_AGREEMENT_ELEMENTS,
                          [who, where, frame, contact, equipment, costs, start, end],
                          strict=True))
        s.add(Facts([(f"{i}. {labels[e]}", values[e])
                     for i, e in enumerate(INDIVIDUAL_AGREEMENT_ELEMENTS, 1)]))
        s.add(Para(tx("ind_apv"), kind="help"))
        s.add(Para(tx("ind_sign", blank=BLANK), kind="sign"))
        s.add(self.sources_para("pav_distance", "medst_arrangement", "at_home_working"))

    # --- sources -------------------------------------------------------------------

    def sources(self) -> Section:
        tx = self.tx
        s = Section("sources", tx("sources_heading"))
        items = [tx("source_guidance"), tx("source_principles")]
        items += [src.text(self.lang) for src in SOURCES.values()]
        s.add(Para(tx("sources_intro")))
        return s.add(Bullets(items))


class _Fmt(FigureText):
    """The report's tables: texts from ``report.*``, one word for a hidden figure."""

    def __init__(self, ev: Evaluation, tx: _Text) -> None:
        super().__init__(ev, tx.lang)
        self.tx = tx

    def tr(self, key: str, **fields: object) -> str:
        return self.tx(key, **fields)

    def hidden(self, fte: bool = False) -> str:
        return self.tx("hidden")
