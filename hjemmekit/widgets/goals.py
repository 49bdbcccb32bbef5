"""Step 2, "Overvej mål og redskaber": goals, the tools considered, indicators and targets.

The view keeps goal ids and indices only; every read goes through ``session.workbook``
and every change through :meth:`Session.edit`. When the list of goals or tools changes
(add, delete, move), the view rebuilds itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hjemmekit.goaltext import (  # noqa: F401 - re-exported for the views' users
    all_tools,
    format_number,
    goal_name,
    indicator_text,
    parse_number,
    target_text,
    tool_name,
)
from hjemmekit.i18n import t
from hjemmekit.model import GOAL_PURPOSES, SUGGESTED_TOOLS, TOOLS, Goal, Workbook
from hjemmekit.session import Session
from hjemmekit.widgets.base import STACKED, StepView, esc, heading, message_html, paragraph

if TYPE_CHECKING:
    import pandas as pd

INDICATOR_KINDS = ("survey", "sickleave", "production", "dialogue", "other")
DIRECTIONS = ("increase", "decrease", "keep")
MAX_NAME = 200
"""Longest name of a goal or a tool (characters)."""
MAX_FIELD = 2_000
"""Longest indicator or target text (characters)."""


class Refused(ValueError):
    """Input the view does not pass on to the document; the message is for the user."""


# --- Plain helpers (no widgets) ---------------------------------------------------------


def goals_table(wb: Workbook, lang: str) -> pd.DataFrame:
    """One row per goal: name, tools, indicator and target, as plain text."""
    import pandas as pd

    rows = [
        {
            t("goals.col_goal", lang): goal_name(g, lang),
            t("goals.col_tools", lang): "; ".join(tool_name(x, lang) for x in g.tools),
            t("goals.col_indicator", lang): indicator_text(g, lang),
            t("goals.col_target", lang): target_text(g, lang),
        }
        for g in wb.goals.goals
    ]
    columns = [t(f"goals.col_{c}", lang) for c in ("goal", "tools", "indicator", "target")]
    return pd.DataFrame(rows, columns=columns)


def matrix_html(wb: Workbook, lang: str) -> str:
    """The goals-by-tools table: goals as rows, the chosen tools as columns."""
    goals = wb.goals.goals
    if not goals:
        return f"<p class='hk-help'>{esc(t('goals.matrix_no_goals', lang))}</p>"
    used = {x for g in goals for x in g.tools}
    tools = [x for x in all_tools(wb) if x in used]
    chosen = (
        f"<span aria-hidden='true'>✓</span> {esc(t('goals.matrix_chosen', lang))}"
    )
    head = "".join(f"<th scope='col'>{esc(tool_name(x, lang))}</th>" for x in tools)
    body = []
    for g in goals:
        cells = "".join(f"<td>{chosen if x in g.tools else ''}</td>" for x in tools)
        follow = " – ".join(p for p in (indicator_text(g, lang), target_text(g, lang)) if p)
        body.append(
            f"<tr><th scope='row'>{esc(goal_name(g, lang))}</th>{cells}"
            f"<td>{esc(follow)}</td></tr>"
        )
    note = "" if tools else f"<p class='hk-help'>{esc(t('goals.matrix_no_tools', lang))}</p>"
    return (
        f"<div class='hk-matrix' role='region' tabindex='0' style='overflow-x:auto' "
        f"aria-label='{esc(t('goals.matrix_region', lang))}'>"
        f"<table class='hk-table'><caption>{esc(t('goals.matrix_caption', lang))}</caption>"
        f"<thead><tr><th scope='col'>{esc(t('goals.matrix_goal', lang))}</th>{head}"
        f"<th scope='col'>{esc(t('goals.matrix_follow_up', lang))}</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{note}"
    )


def _find_goal(wb: Workbook, goal_id: str) -> Goal:
    for g in wb.goals.goals:
        if g.id == goal_id:
            return g
    raise Refused(f"no goal with id {goal_id}")


# --- The view -------------------------------------------------------------------------


@dataclass
class GoalRow:
    """The inputs of one goal card (the goal itself is read by id from the session)."""

    goal_id: str
    title: W.HTML
    name: W.Text
    tools: dict[str, W.Checkbox]
    kind: W.Dropdown
    indicator: W.Text
    target: W.Text
    target_value: W.Text
    direction: W.Dropdown
    up: W.Button
    down: W.Button
    delete: W.Button
    error: W.HTML


class GoalsView(StepView):
    """Step 2: the table of purposes and tools, with an indicator and target per goal."""

    step = "goals"

    def __init__(self, session: Session) -> None:
        self._notes: dict[str, tuple[str, str]] = {}
        self._deleted: tuple[int, dict[str, Any]] | None = None
        super().__init__(session)

    # --- building ------------------------------------------------------------------

    def build(self) -> list[W.Widget]:
        tr, wb = self.tr, self.session.workbook
        self.examples_button = W.Button(description=tr("goals.add_examples"), icon="")
        self.examples_button.on_click(lambda _: self.add_examples())
        self.examples_message = self._note_widget("examples")
        built = [self._goal_row(i) for i in range(len(wb.goals.goals))]
        self.rows: list[GoalRow] = [row for row, _ in built]
        self.goals_message = self._note_widget("goals")
        self.undo_button = W.Button(description=tr("goals.undo"), icon="")
        self.undo_button.on_click(lambda _: self.undo_delete())
        self.undo_button.layout.display = None if self._deleted else "none"
        # The add forms sync once, when the field is left or Enter is pressed: a button
        # pressed right after typing must not overtake the text (ipywidgets holds back a
        # field's updates while one is unanswered, but sends clicks at once).
        self.new_goal, self.add_goal_button, self.add_message = self._add_form(
            "goal", "add", self.add_goal)
        self.new_tool, self.add_tool_button, self.tool_message = self._add_form(
            "tool", "tools", self.add_tool)
        self.remove_tool_buttons: dict[str, W.Button] = {}
        for tool in wb.goals.own_tools:
            b = W.Button(description=tr("goals.remove_tool", tool=tool), icon="")
            b.on_click(lambda _, x=tool: self.remove_tool(x))
            self.remove_tool_buttons[tool] = b
        self.matrix = W.HTML(matrix_html(wb, self.session.lang))
        goals: list[W.Widget] = [card for _, card in built] or [paragraph(tr("goals.no_goals"))]
        return [
            paragraph(tr("steps.goals_intro")),
            heading(tr("goals.examples_heading")),
            paragraph(tr("goals.examples_help")),
            W.HTML(self._examples_html()),
            self.examples_button,
            self.examples_message,
            heading(tr("goals.goals_heading")),
            paragraph(tr("goals.goals_help")),
            self.goals_message,
            self.undo_button,
            *goals,
            heading(tr("goals.add_heading")),
            W.HBox([self.new_goal, self.add_goal_button], layout=W.Layout(align_items="flex-end")),
            self.add_message,
            heading(tr("goals.own_tools_heading")),
            paragraph(tr("goals.own_tools_help")),
            W.HBox(
                list(self.remove_tool_buttons.values()), layout=W.Layout(flex_flow="row wrap")
            ),
            W.HBox([self.new_tool, self.add_tool_button], layout=W.Layout(align_items="flex-end")),
            self.tool_message,
            heading(tr("goals.matrix_heading")),
            self.matrix,
        ]

    def _add_form(
        self, what: str, slot: str, add: Callable[[str], Any]
    ) -> tuple[W.Text, W.Button, W.HTML]:
        """A name field, its add button and its message slot."""
        tr = self.tr
        # The field syncs once, when it is left or Enter is pressed: a button pressed right
        # after typing must not overtake the text (ipywidgets holds back a field's updates
        # while one is unanswered, but sends clicks at once).
        field = W.Text(
            description=tr(f"goals.new_{what}"), placeholder=tr(f"goals.new_{what}_placeholder"),
            layout=W.Layout(width="100%"), continuous_update=False,
        )
        field.add_class(STACKED)
        button = W.Button(description=tr(f"goals.add_{what}"), icon="")
        button.on_click(lambda _: add(field.value))
        return field, button, self._note_widget(slot)

    def _note_widget(self, slot: str) -> W.HTML:
        kind, text = self._notes.get(slot, ("", ""))
        return W.HTML(message_html(text, error=kind == "error"))

    def _examples_html(self) -> str:
        tr = self.tr
        rows = "".join(
            f"<tr><th scope='row'>{esc(tr(f'goals.purpose_{p}'))}</th><td><ul>"
            + "".join(f"<li>{esc(tr(f'goals.tool_{x}'))}</li>" for x in SUGGESTED_TOOLS[p])
            + "</ul></td></tr>"
            for p in GOAL_PURPOSES
        )
        return (
            f"<details><summary>{esc(tr('goals.examples_summary'))}</summary>"
            f"<table class='hk-table'><caption>{esc(tr('goals.examples_caption'))}</caption>"
            f"<thead><tr><th scope='col'>{esc(tr('goals.examples_col_purpose'))}</th>"
            f"<th scope='col'>{esc(tr('goals.examples_col_tools'))}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<p class='hk-help'>{esc(tr('goals.examples_note'))}</p></details>"
            f"<p class='hk-source'>{esc(tr('goals.source'))}</p>"
        )

    def _goal_row(self, index: int) -> tuple[GoalRow, W.Widget]:
        tr, lang, wb = self.tr, self.session.lang, self.session.workbook
        goal = wb.goals.goals[index]
        gid, count = goal.id, len(wb.goals.goals)
        row = GoalRow(
            goal_id=gid,
            title=W.HTML(),
            name=W.Text(description=tr("goals.name"), layout=W.Layout(width="100%")),
            tools={
                x: W.Checkbox(
                    description=tool_name(x, lang), indent=False, layout=W.Layout(width="auto")
                )
                for x in all_tools(wb)
            },
            kind=W.Dropdown(
                description=tr("goals.indicator_kind"),
                options=[(tr("goals.kind_none"), "")]
                + [(tr(f"goals.kind_{k}"), k) for k in INDICATOR_KINDS],
            ),
            indicator=W.Text(
                description=tr("goals.indicator"), placeholder=tr("goals.indicator_placeholder"),
                layout=W.Layout(width="100%"),
            ),
            target=W.Text(
                description=tr("goals.target"), placeholder=tr("goals.target_placeholder"),
                layout=W.Layout(width="100%"),
            ),
            target_value=W.Text(
                description=tr("goals.target_value"),
                placeholder=tr("goals.target_value_placeholder"),
            ),
            direction=W.Dropdown(
                description=tr("goals.direction"),
                options=[(tr("goals.direction_none"), "")]
                + [(tr(f"goals.direction_{d}"), d) for d in DIRECTIONS],
            ),
            up=W.Button(description=tr("goals.move_up"), icon="", disabled=index == 0),
            down=W.Button(description=tr("goals.move_down"), icon="", disabled=index == count - 1),
            delete=W.Button(description=tr("goals.delete"), icon="", button_style="danger"),
            error=W.HTML(),
        )
        for w in (row.name, row.indicator, row.target, row.target_value, row.kind, row.direction):
            w.add_class(STACKED)
        self._title(row)

        self._bind(row, row.name, lambda g: goal_name(g, lang), self._set_name, typing=True)
        for x, box in row.tools.items():
            self._bind(row, box, lambda g, x=x: x in g.tools, self._tool_setter(x))
        self._bind(
            row, row.kind, lambda g: g.indicator_kind or "",
            lambda g, v: setattr(g, "indicator_kind", v or None),
        )
        self._bind(
            row, row.indicator, lambda g: g.indicator,
            lambda g, v: setattr(g, "indicator", _limited(v, MAX_FIELD, self.tr)), typing=True,
        )
        self._bind(
            row, row.target, lambda g: g.target,
            lambda g, v: setattr(g, "target", _limited(v, MAX_FIELD, self.tr)), typing=True,
        )
        self._bind(
            row, row.target_value, lambda g: format_number(g.target_value, lang),
            self._set_target_value, typing=True,
        )
        self._bind(
            row, row.direction, lambda g: g.direction or "",
            lambda g, v: setattr(g, "direction", v or None),
        )
        row.up.on_click(lambda _: self.move_goal(self._index(gid), -1))
        row.down.on_click(lambda _: self.move_goal(self._index(gid), 1))
        row.delete.on_click(lambda _: self.delete_goal(self._index(gid)))

        parts: list[W.Widget] = [row.title, row.name, row.error]
        if goal.purpose_key in SUGGESTED_TOOLS:
            suggested = ", ".join(tool_name(x, lang) for x in SUGGESTED_TOOLS[goal.purpose_key])
            parts.append(paragraph(tr("goals.from_guidance", tools=suggested), "hk-source"))
        parts += [
            W.HTML(f"<p class='hk-h4'>{esc(tr('goals.tools_label'))}</p>"),
            W.VBox(list(row.tools.values())),
            W.HTML(f"<p class='hk-h4'>{esc(tr('goals.follow_up_label'))}</p>"),
            paragraph(tr("goals.follow_up_help")),
            row.kind,
            row.indicator,
            row.target,
            W.HBox([row.target_value, row.direction]),
            W.HBox([row.up, row.down, row.delete], layout=W.Layout(flex_flow="row wrap")),
        ]
        card = W.VBox(parts)
        card.add_class("hk-card")
        return row, card

    def _title(self, row: GoalRow) -> None:
        wb = self.session.workbook
        index = self._index(row.goal_id)
        if index < 0:
            return
        name = goal_name(wb.goals.goals[index], self.session.lang)
        text = self.tr("goals.goal_heading", no=index + 1, goal=name)
        row.title.value = f"<h4 class='hk-h4'>{esc(text)}</h4>"

    # --- binding -------------------------------------------------------------------

    def _bind(
        self,
        row: GoalRow,
        widget: W.ValueWidget,
        get: Callable[[Goal], Any],
        set_: Callable[[Goal, Any], None],
        *,
        typing: bool = False,
    ) -> None:
        widget.value = get(_find_goal(self.session.workbook, row.goal_id))

        def changed(change: dict[str, Any]) -> None:
            self.edit_goal(row, set_, change["new"], typing=typing)

        widget.observe(changed, names="value")

    def edit_goal(
        self, row: GoalRow, set_: Callable[[Goal, Any], None], value: Any, *, typing: bool
    ) -> bool:
        """Change one goal through the session; a refused value is shown on its card."""
        # Check on a copy first: a refusal is the user's message, not a failed save.
        try:
            set_(_find_goal(self.session.workbook, row.goal_id).model_copy(deep=True), value)
        except Refused as e:
            row.error.value = message_html(str(e), error=True)
            return False
        ok = self.session.edit(
            lambda wb: set_(_find_goal(wb, row.goal_id), value), typing=typing
        )
        if ok:
            row.error.value = ""
        else:
            problem = dict(self.session.status.fields).get("problem", "")
            row.error.value = message_html(self.tr("goals.error_not_saved", problem=problem),
                                           error=True)
        self._title(row)
        self.refresh()
        return ok

    def _set_name(self, goal: Goal, value: str) -> None:
        name = value.strip()
        if not name:
            raise Refused(self.tr("goals.error_name_empty"))
        _limited(name, MAX_NAME, self.tr)
        lang = self.session.lang
        others = self.session.workbook.goals.goals
        if any(g.id != goal.id and goal_name(g, lang).casefold() == name.casefold()
               for g in others):
            raise Refused(self.tr("goals.error_name_taken", goal=name))
        if goal.purpose_key and name == t(f"goals.purpose_{goal.purpose_key}", lang):
            goal.purpose = ""  # keep the guidance's purpose, shown in either language
        else:
            goal.purpose = name

    def _tool_setter(self, tool: str) -> Callable[[Goal, bool], None]:
        def set_(goal: Goal, chosen: bool) -> None:
            order = all_tools(self.session.workbook)
            tools = set(goal.tools) - {tool} | ({tool} if chosen else set())
            goal.tools = [x for x in order if x in tools] + [
                x for x in goal.tools if x in tools and x not in order
            ]

        return set_

    def _set_target_value(self, goal: Goal, value: str) -> None:
        try:
            number = parse_number(value)
        except ValueError:
            raise Refused(self.tr("goals.error_number", value=value.strip())) from None
        goal.target_value = number

    # --- actions -------------------------------------------------------------------

    def refresh(self) -> None:
        """Redraw the overview table from the document."""
        self.matrix.value = matrix_html(self.session.workbook, self.session.lang)

    def _note(self, slot: str, kind: str, text: str) -> None:
        self._notes = {slot: (kind, text)}

    def _say(self, slot: str, widget: W.HTML, kind: str, text: str) -> None:
        """Show a message in place without rebuilding."""
        self._note(slot, kind, text)
        widget.value = message_html(text, error=kind == "error")

    def _index(self, goal_id: str) -> int:
        for i, g in enumerate(self.session.workbook.goals.goals):
            if g.id == goal_id:
                return i
        return -1

    def add_examples(self) -> int:
        """Add the guidance's example goals (with suggested tools) not already present."""
        lang = self.session.lang
        goals = self.session.workbook.goals.goals
        have_keys = {g.purpose_key for g in goals}
        have_names = {goal_name(g, lang).casefold() for g in goals}
        new = [
            Goal(purpose_key=p, tools=list(SUGGESTED_TOOLS[p]))
            for p in GOAL_PURPOSES
            if p not in have_keys and t(f"goals.purpose_{p}", lang).casefold() not in have_names
        ]
        if not new:
            self._say("examples", self.examples_message, "status",
                      self.tr("goals.examples_present"))
            return 0
        if not self.session.edit(lambda wb: wb.goals.goals.extend(new)):
            self._failed("examples", self.examples_message)
            return 0
        self._note("examples", "status", self.tr("goals.examples_added", count=len(new)))
        self._deleted = None
        self.rebuild()
        self._focus(new[0].id)
        return len(new)

    def add_goal(self, name: str) -> bool:
        """Add an own goal named ``name``; an empty or taken name is refused in place."""
        name = name.strip()
        lang = self.session.lang
        try:
            if not name:
                raise Refused(self.tr("goals.error_name_empty"))
            _limited(name, MAX_NAME, self.tr)
            if any(goal_name(g, lang).casefold() == name.casefold()
                   for g in self.session.workbook.goals.goals):
                raise Refused(self.tr("goals.error_name_taken", goal=name))
        except Refused as e:
            self._say("add", self.add_message, "error", str(e))
            return False
        goal = Goal(purpose=name)
        if not self.session.edit(lambda wb: wb.goals.goals.append(goal)):
            return self._failed("add", self.add_message)
        self._note("add", "status", self.tr("goals.goal_added", goal=name))
        self._deleted = None
        self.rebuild()
        self._focus(goal.id)
        return True

    def move_goal(self, index: int, step: int) -> bool:
        """Move the goal at ``index`` up (``step=-1``) or down (``step=1``)."""
        goals = self.session.workbook.goals.goals
        target = index + step
        if not (0 <= index < len(goals) and 0 <= target < len(goals)):
            return False

        def move(wb: Workbook) -> None:
            items = wb.goals.goals
            items[index], items[target] = items[target], items[index]

        moved = goals[index].id
        if not self.session.edit(move):
            return self._failed("goals", self.goals_message)
        self._notes = {}
        self.rebuild()
        self._focus(moved, "up" if step < 0 else "down")
        return True

    def delete_goal(self, index: int) -> bool:
        """Delete the goal at ``index``; it can be put back with :meth:`undo_delete`."""
        goals = self.session.workbook.goals.goals
        if not 0 <= index < len(goals):
            return False
        name = goal_name(goals[index], self.session.lang)
        kept = goals[index].model_dump()
        if not self.session.edit(lambda wb: wb.goals.goals.pop(index)):
            return self._failed("goals", self.goals_message)
        self._deleted = (index, kept)
        self._note("goals", "status", self.tr("goals.deleted", goal=name))
        self.rebuild()
        self.undo_button.focus()
        return True

    def undo_delete(self) -> bool:
        """Put the last deleted goal back where it was."""
        if self._deleted is None:
            return False
        index, kept = self._deleted
        goal = Goal.model_validate(kept)
        if not self.session.edit(lambda wb: wb.goals.goals.insert(index, goal)):
            return self._failed("goals", self.goals_message)
        self._deleted = None
        self._note("goals", "status", self.tr("goals.restored",
                                               goal=goal_name(goal, self.session.lang)))
        self.rebuild()
        self._focus(goal.id)
        return True

    def add_tool(self, name: str) -> bool:
        """Add an own tool, offered for every goal; empty or existing names are refused."""
        name = name.strip()
        known = {x.casefold() for x in TOOLS}
        known |= {tool_name(x, lang).casefold() for x in TOOLS for lang in ("da", "en")}
        known |= {x.casefold() for x in self.session.workbook.goals.own_tools}
        try:
            if not name:
                raise Refused(self.tr("goals.error_tool_empty"))
            _limited(name, MAX_NAME, self.tr)
            if name.casefold() in known:
                raise Refused(self.tr("goals.error_tool_taken", tool=name))
        except Refused as e:
            self._say("tools", self.tool_message, "error", str(e))
            return False
        if not self.session.edit(lambda wb: wb.goals.own_tools.append(name)):
            return self._failed("tools", self.tool_message)
        self._note("tools", "status", self.tr("goals.tool_added", tool=name))
        self.rebuild()
        self.new_tool.focus()
        return True

    def remove_tool(self, name: str) -> bool:
        """Remove an own tool from the list and from every goal."""
        if name not in self.session.workbook.goals.own_tools:
            return False

        def remove(wb: Workbook) -> None:
            wb.goals.own_tools = [x for x in wb.goals.own_tools if x != name]
            for g in wb.goals.goals:
                if name in g.tools:
                    g.tools = [x for x in g.tools if x != name]

        if not self.session.edit(remove):
            return self._failed("tools", self.tool_message)
        self._note("tools", "status", self.tr("goals.tool_removed", tool=name))
        self.rebuild()
        self.new_tool.focus()
        return True

    def _focus(self, goal_id: str, button: str = "") -> None:
        """After a rebuild the old inputs are gone (and the keyboard focus with them): put
        the focus on the goal's name, or on its "up"/"down" button while that is enabled."""
        for row in self.rows:
            if row.goal_id == goal_id:
                target = getattr(row, button, None) if button else None
                if target is None or target.disabled:
                    target = row.name
                target.focus()
                return

    def _failed(self, slot: str, widget: W.HTML) -> bool:
        problem = dict(self.session.status.fields).get("problem", "")
        self._say(slot, widget, "error", self.tr("goals.error_not_saved", problem=problem))
        return False

    def table(self) -> pd.DataFrame:
        """The goals as plain text, one row per goal (for notebooks and reports)."""
        return goals_table(self.session.workbook, self.session.lang)


def _limited(text: str, limit: int, tr: Callable[..., str]) -> str:
    if len(text) > limit:
        raise Refused(tr("goals.error_too_long", max=limit))
    return text
