"""Step 2 without a browser: set `.value`, `.click()`, read the model and the store."""

from __future__ import annotations

import ipywidgets as W

from hjemmekit import progress
from hjemmekit.session import Session
from hjemmekit.widgets.app import App
from hjemmekit.widgets.base import find_widgets as _find
from hjemmekit.widgets.goals import GoalsView, format_number, parse_number


def _names(session: Session) -> list[str]:
    return [g.purpose or g.purpose_key for g in session.workbook.goals.goals]


def _own_goal(view: GoalsView, name: str) -> None:
    view.new_goal.value = name
    view.add_goal_button.click()


def test_examples_are_added_once_with_suggested_tools(session: Session, store):
    view = GoalsView(session)
    view.examples_button.click()
    saved = store.open(session.workbook.id).goals.goals
    assert [g.purpose_key for g in saved] == ["concentration", "flexibility", "knowledge_sharing"]
    assert saved[0].tools == ["quiet_zones", "home_working"]
    assert saved[2].tools == ["open_plan", "physical_presence", "knowledge_meetings"]
    assert view.rows[0].name.value == "Bedre mulighed for koncentration"
    assert view.rows[0].tools["quiet_zones"].value and not view.rows[0].tools["open_plan"].value
    assert "3 af vejledningens eksempler" in view.examples_message.value
    assert "Medarbejder- og Kompetencestyrelsen" in "".join(
        w.value for w in _find(view, W.HTML)
    )
    view.delete_goal(1)
    assert view.add_examples() == 1
    assert view.add_examples() == 0
    assert "allerede med" in view.examples_message.value
    assert len(store.open(session.workbook.id).goals.goals) == 3


def test_own_goal_added_and_empty_or_taken_name_refused(session: Session, store):
    view = GoalsView(session)
    _own_goal(view, "  Bedre oplæring  ")
    assert _names(session) == ["Bedre oplæring"]
    assert store.open(session.workbook.id).goals.goals[0].purpose == "Bedre oplæring"
    assert view.new_goal.value == ""
    revision = store.open(session.workbook.id).revision
    _own_goal(view, "   ")
    assert "hk-error" in view.add_message.value and "role='alert'" in view.add_message.value
    assert "navn" in view.add_message.value
    _own_goal(view, "bedre OPLÆRING")
    assert "allerede" in view.add_message.value
    assert _names(session) == ["Bedre oplæring"]
    assert store.open(session.workbook.id).revision == revision


def test_rename_saves_and_empty_name_is_refused_in_place(session: Session, store):
    view = GoalsView(session)
    view.add_examples()
    row = view.rows[0]
    row.name.value = "Ro til fordybelse"
    goal = store.open(session.workbook.id).goals.goals[0]
    assert goal.purpose == "Ro til fordybelse" and goal.purpose_key == "concentration"
    assert "Ro til fordybelse" in row.title.value and "Ro til fordybelse" in view.matrix.value
    row.name.value = ""
    assert "hk-error" in row.error.value
    assert store.open(session.workbook.id).goals.goals[0].purpose == "Ro til fordybelse"
    row.name.value = "Større fleksibilitet"  # another goal's name
    assert "allerede" in row.error.value
    row.name.value = "Bedre mulighed for koncentration"  # back to the guidance's wording
    assert row.error.value == ""
    assert store.open(session.workbook.id).goals.goals[0].purpose == ""


def test_choose_tools_for_a_goal(session: Session, store):
    view = GoalsView(session)
    _own_goal(view, "Trivsel")
    row = view.rows[0]
    row.tools["home_working"].value = True
    row.tools["quiet_zones"].value = True
    assert store.open(session.workbook.id).goals.goals[0].tools == ["quiet_zones", "home_working"]
    row.tools["home_working"].value = False
    assert store.open(session.workbook.id).goals.goals[0].tools == ["quiet_zones"]
    labels = {box.description for box in row.tools.values()}
    assert "Mindre arbejdslokaler" in labels and "Storrumskontor" in labels


def test_own_tool_is_offered_for_every_goal_and_duplicates_refused(session: Session, store):
    view = GoalsView(session)
    view.add_examples()
    view.new_tool.value = "Faste mødedage"
    view.add_tool_button.click()
    assert store.open(session.workbook.id).goals.own_tools == ["Faste mødedage"]
    assert all("Faste mødedage" in row.tools for row in view.rows)
    view.rows[1].tools["Faste mødedage"].value = True
    assert "Faste mødedage" in store.open(session.workbook.id).goals.goals[1].tools
    for dup in ("faste mødedage", "Storrumskontor", "open_plan", "Open-plan office", "  "):
        view.new_tool.value = dup
        view.add_tool_button.click()
        assert "hk-error" in view.tool_message.value, dup
    assert store.open(session.workbook.id).goals.own_tools == ["Faste mødedage"]
    view.remove_tool_buttons["Faste mødedage"].click()
    saved = store.open(session.workbook.id).goals
    assert saved.own_tools == [] and "Faste mødedage" not in saved.goals[1].tools


def test_indicator_and_target_are_saved(session: Session, store):
    view = GoalsView(session)
    view.add_examples()
    row = view.rows[0]
    row.kind.value = "survey"
    row.indicator.value = "concentration"
    row.target.value = "Flere kan arbejde koncentreret"
    row.target_value.value = "4,2"
    row.direction.value = "increase"
    goal = store.open(session.workbook.id).goals.goals[0]
    assert (goal.indicator_kind, goal.indicator) == ("survey", "concentration")
    assert goal.target == "Flere kan arbejde koncentreret"
    assert (goal.target_value, goal.direction) == (4.2, "increase")
    assert "skal stige med mindst 4,2" in view.matrix.value
    row.target_value.value = "fire"
    assert "hk-error" in row.error.value and "fire" in row.error.value
    assert store.open(session.workbook.id).goals.goals[0].target_value == 4.2
    row.target_value.value = ""
    assert row.error.value == ""
    assert store.open(session.workbook.id).goals.goals[0].target_value is None
    row.kind.value = ""
    assert store.open(session.workbook.id).goals.goals[0].indicator_kind is None


def test_reorder_and_delete_with_undo(session: Session, store):
    view = GoalsView(session)
    view.add_examples()
    assert view.rows[0].up.disabled and view.rows[-1].down.disabled
    view.rows[0].down.click()
    assert _names(session) == ["flexibility", "concentration", "knowledge_sharing"]
    view.rows[2].up.click()
    assert _names(session) == ["flexibility", "knowledge_sharing", "concentration"]
    assert [g.purpose_key for g in store.open(session.workbook.id).goals.goals] == _names(session)
    assert view.rows[0].name.value == "Større fleksibilitet"
    view.rows[1].delete.click()
    assert _names(session) == ["flexibility", "concentration"]
    assert len(store.open(session.workbook.id).goals.goals) == 2
    assert "slettet" in view.goals_message.value
    view.undo_button.click()
    assert _names(session) == ["flexibility", "knowledge_sharing", "concentration"]
    assert view.rows[1].tools["knowledge_meetings"].value


def test_matrix_shows_goals_and_tools_and_escapes_user_text(session: Session):
    view = GoalsView(session)
    assert "<table" not in view.matrix.value
    _own_goal(view, "<script>alert(1)</script>")
    view.new_tool.value = "<b>fed</b>"
    view.add_tool_button.click()
    row = view.rows[0]
    row.tools["<b>fed</b>"].value = True
    row.tools["home_working"].value = True
    html = view.matrix.value
    assert "<caption>" in html and "scope='col'" in html and "scope='row'" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;b&gt;fed&lt;/b&gt;" in html and "<b>" not in html
    assert "Mulighed for hjemmearbejde" in html and "✓" in html and "Valgt" in html
    assert "<script>" not in "".join(w.value for w in _find(view, W.HTML))


def test_english_labels_with_data_kept(session: Session, store):
    view = GoalsView(session)
    view.add_examples()
    view.rows[0].name.value = "Ro til fordybelse"
    session.set_lang("en")
    view = GoalsView(session)
    assert view.examples_button.description == "Add the guidance's examples"
    assert view.rows[0].name.value == "Ro til fordybelse"
    assert view.rows[1].name.value == "Greater flexibility"
    assert view.rows[1].tools["home_working"].description == "Opportunity to work from home"
    assert "Chosen" in view.matrix.value
    assert store.open(session.workbook.id).goals.goals[0].purpose == "Ro til fordybelse"


def test_in_the_app_progress_and_rebuild(session: Session):
    app = App(session, step=1)
    view = app.body.children[0]
    assert isinstance(view, GoalsView)
    assert "mindst ét mål" in app.missing.value
    view.add_examples()
    assert "Bedre mulighed for koncentration" in app.missing.value
    app.lang.value = "en"
    app.go(1)  # the stepper may jump back when its labels change; not this step's concern
    view = app.body.children[0]
    assert view.rows[0].name.value == "Better opportunity for concentration"
    assert "Better opportunity for concentration" in app.missing.value
    for row in view.rows:
        row.kind.value = "sickleave"
        row.target.value = "Unchanged sick leave"
    assert progress.missing(session.workbook)["goals"] == []


def test_numbers_read_the_danish_way():
    assert parse_number("4,5") == 4.5 and parse_number("4.5") == 4.5
    assert parse_number("1.234,5") == 1234.5 and parse_number(" ") is None
    assert format_number(4.0, "da") == "4" and format_number(4.25, "da") == "4,25"
    assert format_number(4.25, "en") == "4.25"
