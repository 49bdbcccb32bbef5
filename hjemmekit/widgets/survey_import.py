"""Step 5: the mapping step for a survey tool's export (SurveyXact, Forms, SPSS, Google).

:class:`MappingPanel` opens when step 5's upload is an export rather than hjemmekit's
own survey layout. It shows what the export holds (respondents, those left out as not
completed, the personal columns removed), and lets the leader say what the columns
mean: dropdowns for the date, unit, role, the answer that means manager and the home
days; checkbox lists for the questions, the reversed ones and the background columns;
a score per answer label; a preview of the first rows as they will be read. "Importér"
writes the survey file and saves the mapping in the workbook; the next wave of the same
survey then imports with "Brug den gemte tilknytning".

The logic is in :mod:`hjemmekit.exports` and :mod:`hjemmekit.survey_import`; this is a
thin view of an :class:`~hjemmekit.model.ImportProfile`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hjemmekit import survey_import
from hjemmekit.i18n import day, number, t
from hjemmekit.session import Session
from hjemmekit.widgets.base import (
    STACKED,
    esc,
    heading,
    message_html,
    paragraph,
    problem_text,
)

if TYPE_CHECKING:
    from hjemmekit.exports import Column, Export
    from hjemmekit.model import ImportProfile
    from hjemmekit.survey_import import Imported

PREVIEW_ROWS = 5
NONE = ""
"""A dropdown's value for "no column"."""
_TITLE_MAX = 90


def _problems_html(title: str, lines: Sequence[str]) -> str:
    from hjemmekit.widgets.trial_data import problems_html

    return problems_html(title, lines)


def _table_html(caption: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    from hjemmekit.widgets.trial_data import table_html

    return table_html(caption, head, rows)


def _short(text: str, limit: int = _TITLE_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_title(col: Column) -> str:
    """A column as the leader knows it: its question text, with the header or variable
    name after it when they differ (``Hvilken enhed er du ansat i? (s_1)``)."""
    text, key = _short(col.text or col.header), col.key
    return text if not key or key == (col.text or col.header) else f"{text} ({_short(key, 40)})"


def default_name(col: Column) -> str:
    """A question's name in the survey file before the leader names it."""
    return " ".join((col.text or col.header or col.key).split())[:120] or col.key


MISSING_MARKS = ("-", "–", "—")
"""What a leader types for a missing answer."""


def parse_score(text: str) -> float | None:
    """A score typed by the leader: ``4``, ``4,5`` or ``4.5``; ``-`` is None (a missing
    answer). Raises ValueError for anything else (a blank field is the caller's: the
    built-in scale)."""
    s = text.strip().replace(" ", "")
    if s in MISSING_MARKS:
        return None
    value = float(s.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def score_text(score: float | None, lang: str) -> str:
    """A score as its input shows it: ``4``, ``4,5``; ``-`` for a missing answer."""
    if score is None:
        return MISSING_MARKS[0]
    return number(score, lang, 0 if float(score).is_integer() else 1)


class MappingPanel(W.VBox):
    """The mapping of one export onto the survey layout, with its preview."""

    def __init__(
        self, session: Session, on_imported: Callable[[Imported], None] | None = None,
        on_closed: Callable[[], None] | None = None,
        folder: Callable[[], Any] | None = None,
    ) -> None:  # fmt: skip
        """``folder``: where to store the survey file (a notebook's or test's folder);
        by default the workbook's data in the session's store."""
        super().__init__(layout=W.Layout(width="100%"))
        self.add_class("hk-mapping")
        self.session = session
        self.lang = session.lang
        self._folder = folder
        self.on_imported = on_imported
        self.on_closed = on_closed
        self.export: Export | None = None
        self.profile: ImportProfile | None = None
        self.saved: ImportProfile | None = None
        self.message = W.HTML()
        self._quiet = False
        self._score_errors: dict[str, str] = {}
        self.unknown_labels: list[str] = []
        self.children = []

    def tr(self, key: str, **fields: object) -> str:
        return t(f"mapping.{key}", self.lang, **fields)

    def _dest(self) -> Any:
        """Where the survey file goes: the given folder, else the workbook's data."""
        if self._folder is not None:
            return self._folder()
        return (self.session.store, self.session.workbook.id)

    @property
    def is_open(self) -> bool:
        return self.export is not None

    # --- opening ------------------------------------------------------------------------

    def show_export(self, files: Sequence[tuple[str, bytes]]) -> bool:
        """Read an export and show its mapping; False (problems in place) when it cannot
        be read."""
        from hjemmekit.exports import ExportError, read_export, suggest_profile

        names = ", ".join(n for n, _ in files)
        try:
            export = read_export(list(files))
        except ExportError as e:
            self.cancel(quiet=True)
            self.message.value = _problems_html(self.tr("unreadable", names=names),
                                                e.lines(self.lang))  # fmt: skip
            self.children = [self.message]
            return False
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self.cancel(quiet=True)
            self.message.value = message_html(self.tr("import_failed", problem=str(e)),
                                              error=True)  # fmt: skip
            self.children = [self.message]
            return False
        self.export = export
        self.saved = survey_import.saved_profile(self.session.workbook, export)
        if self.saved is not None:
            self.profile = self.saved.model_copy(deep=True)
        else:
            self.profile = suggest_profile(export)
            self.profile.name = survey_import.profile_name(export, self.lang)
            self._default_names()
        self.message.value = ""
        self._build()
        return True

    def _default_names(self) -> None:
        """Question names in the survey file: the profile's, else the question text (a
        SurveyXact or SPSS variable name like ``s_3_1`` says nothing to a leader), else
        the header."""
        assert self.export is not None and self.profile is not None
        for key in self.profile.questions:
            self.profile.names.setdefault(key, default_name(self.export.column(key)))

    def cancel(self, quiet: bool = False) -> None:
        self.export = self.profile = self.saved = None
        self.remove_class("hk-card")
        self.children = []
        if not quiet:
            self.message.value = message_html(self.tr("cancelled"))
            self.children = [self.message]
            if self.on_closed is not None:
                self.on_closed()

    # --- building -----------------------------------------------------------------------

    def _columns(self, *kinds: str) -> list[Column]:
        assert self.export is not None
        return self.export.kept(*kinds)

    def _dropdown(self, label: str, options: list[tuple[str, str]], value: str | None,
                  field: str) -> W.Dropdown:  # fmt: skip
        values = [v for _, v in options]
        w = W.Dropdown(description=label, options=options,
                       value=value if value in values else values[0],
                       layout=W.Layout(width="100%", max_width="48em"))  # fmt: skip
        w.add_class(STACKED)
        w.observe(lambda c: self._set(field, c["new"] or None), names="value")
        return w

    def _checks(self, columns: list[Column], chosen: Sequence[str],
                on: Callable[[str, bool], None]) -> dict[str, W.Checkbox]:  # fmt: skip
        out = {}
        for col in columns:
            box = W.Checkbox(value=col.key in chosen, description=column_title(col),
                             indent=False, layout=W.Layout(width="auto"))  # fmt: skip
            box.observe(lambda c, k=col.key: on(k, c["new"]), names="value")
            out[col.key] = box
        return out

    def _build(self) -> None:
        assert self.export is not None and self.profile is not None
        e, p, tr = self.export, self.profile, self.tr
        tool = tr(f"tool_{e.tool}")
        names = ", ".join(e.sources)
        self.facts = W.HTML()
        self._show_facts()

        self.use_saved = W.Button(description=tr("use_saved"), button_style="primary",
                                  icon="", layout=W.Layout(width="auto"))  # fmt: skip
        self.use_saved.on_click(lambda _: self.import_now())
        saved_box: list[W.Widget] = []
        if self.saved is not None:
            saved_box = [
                W.HTML(f"<p class='hk-help' role='status'>"
                       f"{esc(tr('saved_found', name=self.saved.name or tool))}</p>"),
                self.use_saved, paragraph(tr("use_saved_help")),
            ]  # fmt: skip

        dates = self._columns("datetime")
        closed = self._columns("closed")
        numbers = self._columns("closed", "numeric")
        self.date = self._dropdown(
            tr("date"), [(column_title(c), c.key) for c in dates] or [(tr("none"), NONE)],
            p.date, "date",
        )
        self.unit = self._dropdown(tr("unit"), [(tr("none"), NONE)] + [
            (column_title(c), c.key) for c in closed], p.unit, "unit")  # fmt: skip
        self.role = self._dropdown(tr("role"), [(tr("role_none"), NONE)] + [
            (column_title(c), c.key) for c in closed], p.role, "role")  # fmt: skip
        self.manager = W.Dropdown(description=tr("managers"),
                                  layout=W.Layout(width="100%", max_width="48em"))  # fmt: skip
        self.manager.add_class(STACKED)
        self._fill_managers()
        self.manager.observe(lambda c: self._set("managers", [c["new"]] if c["new"] else []),
                             names="value")  # fmt: skip
        self.home_wanted = self._dropdown(tr("home_days_wanted"), [(tr("none"), NONE)] + [
            (column_title(c), c.key) for c in numbers], p.home_days_wanted,
            "home_days_wanted")  # fmt: skip
        self.home_actual = self._dropdown(tr("home_days_actual"), [(tr("none"), NONE)] + [
            (column_title(c), c.key) for c in numbers], p.home_days_actual,
            "home_days_actual")  # fmt: skip
        self.waves = self._dropdown(tr("waves"), [(tr(f"wave_{w}"), w) for w in
                                                  ("day", "month", "export")], p.waves,
                                    "waves")  # fmt: skip

        self.question_checks = self._checks(numbers, p.questions, self._toggle_question)
        self.question_names: dict[str, W.Text] = {}
        self.questions_box = W.VBox()
        self.reversed_checks: dict[str, W.Checkbox] = {}
        self.reversed_box = W.VBox()
        self.background_checks = self._checks(numbers, p.background, self._toggle_background)
        self.background_box = W.VBox(list(self.background_checks.values()))
        self._fill_questions()

        self.scale_box = W.VBox()
        self.scale_inputs: dict[str, W.Text] = {}
        self._fill_scale()

        existing = survey_import.existing_survey(survey_import.data_folder(self._dest()))
        self.merge = W.RadioButtons(
            description=tr("merge"), options=[(tr("merge_add"), "add"),
                                              (tr("merge_replace"), "replace")],
            value="add", layout=W.Layout(width="auto"),
        )  # fmt: skip
        self.merge.add_class(STACKED)
        merge_box: list[W.Widget] = []
        if existing is not None:
            first = day(existing.first, self.lang) if existing.first else "–"
            last = day(existing.last, self.lang) if existing.last else "–"
            merge_box = [
                heading(tr("merge_heading"), 4),
                paragraph(tr("existing", rows=number(existing.rows, self.lang, 0),
                             first=first, last=last)),
                self.merge,
            ]  # fmt: skip

        self.undecided = W.HTML()
        self.preview = W.HTML()
        self.problems = W.HTML()
        self.import_button = W.Button(description=tr("import"), button_style="primary",
                                      icon="", layout=W.Layout(width="auto"))  # fmt: skip
        self.import_button.on_click(lambda _: self.import_now())
        self.cancel_button = W.Button(
            description=tr("cancel"), icon="", layout=W.Layout(width="auto", margin="0 0 0 8px")
        )
        self.cancel_button.on_click(lambda _: self.cancel())
        self.add_class("hk-card")
        self.children = [
            heading(tr("heading", tool=tool), 4),
            paragraph(tr("intro", names=names)),
            self.facts,
            *saved_box,
            heading(tr("columns_heading"), 4),
            self.date, self.waves, self.unit, self.role, self.manager,
            self.home_wanted, self.home_actual,
            heading(tr("questions_heading"), 4),
            paragraph(tr("questions_help")),
            self.questions_box,
            heading(tr("reversed_heading"), 4),
            paragraph(tr("reversed_help")),
            self.reversed_box,
            heading(tr("background_heading"), 4),
            paragraph(tr("background_help")),
            self.background_box,
            heading(tr("scale_heading"), 4),
            paragraph(tr("scale_help")),
            self.scale_box,
            *merge_box,
            heading(tr("preview_heading"), 4),
            self.undecided,
            self.preview,
            self.problems,
            W.HBox([self.import_button, self.cancel_button],
                   layout=W.Layout(flex_flow="row wrap")),  # fmt: skip
            self.message,
        ]
        self._refresh()

    def _show_facts(self) -> None:
        assert self.export is not None
        e = self.export
        completed = e.rows - e.not_completed
        lines = [
            self.tr("counts", rows=number(e.rows, self.lang, 0),
                    completed=number(completed, self.lang, 0),
                    left=number(e.not_completed, self.lang, 0)),
            self.tr("privacy"),
        ]  # fmt: skip
        if e.dropped:
            lines.append(self.tr("privacy_columns", columns=", ".join(
                _short(d, 40) for d in e.dropped)))  # fmt: skip
        self.facts.value = "<ul class='hk-facts'>" + "".join(
            f"<li>{esc(x)}</li>" for x in lines) + "</ul>"  # fmt: skip

    def _fill_managers(self) -> None:
        assert self.export is not None and self.profile is not None
        p = self.profile
        labels: list[str] = []
        if p.role:
            try:
                labels = self.export.column(p.role).label_list()
            except KeyError:
                labels = []
        options = [(self.tr("none"), NONE)] + [(_short(x), x) for x in labels]
        value = next((m for m in p.managers if m in labels), NONE)
        self._quiet = True
        try:
            self.manager.options = options
            self.manager.value = value
        finally:
            self._quiet = False
        self.manager.layout.display = None if p.role else "none"

    def _taken(self) -> set[str]:
        """The columns chosen as unit, role or home days (not offered as questions or
        background)."""
        p = self.profile
        assert p is not None
        return {k for k in (p.unit, p.role, p.home_days_wanted, p.home_days_actual) if k}

    def _sync_lists(self) -> None:
        """The checkbox lists as the profile says: ticks, and which columns they offer."""
        assert self.profile is not None
        p, taken = self.profile, self._taken()
        self._quiet = True
        try:
            for key, box in self.question_checks.items():
                box.value = key in p.questions
                box.layout.display = "none" if key in taken else None
            for key, box in self.background_checks.items():
                box.value = key in p.background
                box.layout.display = "none" if key in taken or key in p.questions else None
        finally:
            self._quiet = False

    def _fill_questions(self) -> None:
        """Each question: its checkbox, and when ticked its name in the survey file."""
        assert self.profile is not None and self.export is not None
        p = self.profile
        self._sync_lists()
        rows: list[W.Widget] = []
        for key, box in self.question_checks.items():
            rows.append(box)
            if key in p.questions:
                name = self.question_names.get(key)
                if name is None:
                    col = self.export.column(key)
                    name = W.Text(value=p.names.get(key, key),
                                  description=self.tr("question_name",
                                                      title=_short(col.key, 40)),
                                  layout=W.Layout(width="auto", margin="0 0 6px 28px"))  # fmt: skip
                    name.add_class(STACKED)
                    name.observe(lambda c, k=key: self._rename(k, c["new"]), names="value")
                    self.question_names[key] = name
                rows.append(name)
        self.questions_box.children = rows
        for key in list(self.reversed_checks):
            if key not in p.questions:
                del self.reversed_checks[key]
        cols = {c.key: c for c in self.export.columns}
        for key in p.questions:
            if key not in self.reversed_checks and key in cols:
                box = W.Checkbox(value=key in p.reversed, indent=False,
                                 description=self.tr("reversed_item",
                                                     title=column_title(cols[key])),
                                 layout=W.Layout(width="auto"))  # fmt: skip
                box.observe(lambda c, k=key: self._toggle_reversed(k, c["new"]), names="value")
                self.reversed_checks[key] = box
        self.reversed_box.children = [self.reversed_checks[k] for k in p.questions
                                      if k in self.reversed_checks]  # fmt: skip

    def _fill_scale(self) -> None:
        """One score input per answer label of the chosen questions."""
        from hjemmekit.exports import scale_table

        assert self.export is not None and self.profile is not None
        rows = scale_table(self.export, self.profile)
        inputs: dict[str, W.Text] = {}
        for r in rows:
            old = self.scale_inputs.get(r.label)
            if old is not None and r.label in self._score_errors:
                inputs[r.label] = old
                continue
            value = score_text(r.score, self.lang) if r.known else ""
            label = self.tr("score_of" if r.known else "score_of_unknown",
                            label=_short(r.label, 60))  # fmt: skip
            w = old or W.Text(description=label, layout=W.Layout(width="auto"))
            w.description = label
            if old is None:
                w.add_class(STACKED)
                w.observe(lambda c, lab=r.label: self._score(lab, c["new"]), names="value")
            self._quiet = True
            try:
                w.value = value
            finally:
                self._quiet = False
            inputs[r.label] = w
        self.scale_inputs = inputs
        self.unknown_labels = [r.label for r in rows if not r.known]
        self.scale_box.children = list(inputs.values())
        self.scale_box.layout = W.Layout(display="flex", flex_flow="row wrap")

    # --- changes ------------------------------------------------------------------------

    def _set(self, field: str, value: Any) -> None:
        if self._quiet or self.profile is None:
            return
        p = self.profile
        setattr(p, field, value)
        if field == "role":
            from hjemmekit.exports.profile import _managers

            assert self.export is not None
            p.managers = _managers(self.export.column(value)) if value else []
            self._fill_managers()
        if field in ("unit", "role", "home_days_wanted", "home_days_actual"):
            # a column is one thing: the unit is no question or background column
            taken = self._taken()
            p.questions = [k for k in p.questions if k not in taken]
            p.reversed = [k for k in p.reversed if k not in taken]
            p.background = [k for k in p.background if k not in taken]
            self._fill_questions()
            self._fill_scale()
        self._refresh()

    def _toggle_question(self, key: str, on: bool) -> None:
        if self._quiet or self.profile is None:
            return
        qs = [k for k in self.profile.questions if k != key]
        if on:
            order = list(self.question_checks)
            qs = sorted([*qs, key], key=order.index)
            assert self.export is not None
            self.profile.names.setdefault(key, default_name(self.export.column(key)))
            self.profile.background = [k for k in self.profile.background if k != key]
        else:
            self.profile.reversed = [k for k in self.profile.reversed if k != key]
        self.profile.questions = qs
        self._fill_questions()
        self._fill_scale()
        self._refresh()

    def _toggle_reversed(self, key: str, on: bool) -> None:
        if self._quiet or self.profile is None:
            return
        rev = [k for k in self.profile.reversed if k != key]
        self.profile.reversed = [*rev, key] if on else rev
        self._refresh()

    def _toggle_background(self, key: str, on: bool) -> None:
        if self._quiet or self.profile is None:
            return
        bg = [k for k in self.profile.background if k != key]
        if on:
            order = list(self.background_checks)
            bg = sorted([*bg, key], key=order.index)
        self.profile.background = bg
        self._refresh()

    def _rename(self, key: str, name: str) -> None:
        if self.profile is None:
            return
        name = " ".join(name.split())
        if name:
            self.profile.names[key] = name
        else:
            self.profile.names.pop(key, None)
        self._refresh()

    def _score(self, label: str, text: str) -> None:
        """A score typed: a number, ``-`` (missing) or blank (the built-in scale)."""
        if self._quiet or self.profile is None:
            return
        self._score_errors.pop(label, None)
        if not text.strip():
            self.profile.scale.pop(label, None)
        else:
            try:
                self.profile.scale[label] = parse_score(text)
            except ValueError:
                self._score_errors[label] = text
        self._fill_scale()
        self._refresh()

    # --- preview and import ---------------------------------------------------------------

    def _open_items(self) -> list[str]:
        """What the leader must still decide, in the app's words: the fields the export
        cannot tell (unit, the answer meaning manager, date, questions) and answer labels
        without a score."""
        from hjemmekit.exports import undecided

        assert self.export is not None and self.profile is not None
        items = [self.tr(f"undecided_{u.field}") for u in undecided(self.export, self.profile)
                 if u.field != "role"]  # fmt: skip
        if self.unknown_labels:
            labels = ", ".join(f"»{x}«" if self.lang == "da" else f'"{x}"'
                               for x in self.unknown_labels)  # fmt: skip
            items.append(self.tr("undecided_labels", labels=labels))
        return items

    def _refresh(self) -> None:
        """The undecided fields, the problems of the scores typed, and the preview."""
        from hjemmekit.exports import apply_profile

        if self.export is None or self.profile is None:
            return
        lines = self._open_items()
        self.undecided.value = "<div class='hk-missing' role='status'><ul>" + "".join(
            f"<li>{esc(x)}</li>" for x in lines) + "</ul></div>" if lines else ""  # fmt: skip
        errors = [self.tr("score_invalid", label=lab, value=v)
                  for lab, v in self._score_errors.items()]  # fmt: skip
        self.problems.value = _problems_html(self.tr("problems"), errors) if errors else ""
        try:
            result = apply_profile(self.export, self.profile, rows=PREVIEW_ROWS)
        except Exception as e:  # noqa: BLE001 - never a traceback in the app
            self.preview.value = message_html(self.tr("import_failed", problem=str(e)),
                                              error=True)  # fmt: skip
            return
        self.preview.value = self._preview_html(result.frame)

    def _preview_html(self, frame: Any) -> str:
        import pandas as pd

        if frame is None or not len(frame):
            return f"<p class='hk-help'>{esc(self.tr('preview_none'))}</p>"
        head = [str(c) for c in frame.columns]
        rows = []
        for rec in frame.head(PREVIEW_ROWS).itertuples(index=False):
            cells = []
            for col, v in zip(frame.columns, rec, strict=True):
                if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
                    cells.append("–")
                elif col == "date":
                    cells.append(day(pd.Timestamp(v).date(), self.lang))
                elif col == "role":
                    cells.append(self.tr(f"role_{v}"))
                elif isinstance(v, float):
                    cells.append(number(v, self.lang, 0 if v.is_integer() else 1))
                else:
                    cells.append(str(v))
            rows.append(cells)
        return _table_html(self.tr("preview_caption", count=len(rows)), head, rows)

    def import_now(self) -> Imported | None:
        """Apply the mapping to every row and store the survey file; problems in place."""
        if self.export is None or self.profile is None:
            return None
        if self._score_errors:
            self._refresh()
            return None
        open_ = self._open_items()
        if open_:
            self.problems.value = _problems_html(self.tr("problems"), open_)
            return None
        profile = self.profile.model_copy(deep=True)
        try:
            done = survey_import.import_export(self._dest(), self.export, profile,
                                               merge=self.merge.value, lang=self.lang)  # fmt: skip
        except Exception as e:  # noqa: BLE001 - e.g. the disk is full, or no edit access
            problem = problem_text(e, self.lang)
            self.problems.value = message_html(self.tr("import_failed", problem=problem),
                                               error=True)  # fmt: skip
            return None
        if not done.ok:
            self.problems.value = _problems_html(self.tr("problems"), done.problems)
            return done
        self.session.edit(lambda wb: survey_import.save_profile(wb, profile))
        names = ", ".join(self.export.sources)
        self.export = self.profile = self.saved = None
        self.remove_class("hk-card")
        self.message.value = message_html(self.tr("imported", names=names, rows=number(
            done.result.kept, self.lang, 0)))  # fmt: skip
        left = done.result.left_out
        if left:
            reasons = ", ".join(self.tr(f"reason_{k}", count=number(v, self.lang, 0))
                                for k, v in left.items())  # fmt: skip
            self.message.value += message_html(self.tr("left_out", reasons=reasons))
        self.children = [self.message]
        if self.on_imported is not None:
            self.on_imported(done)
        return done
