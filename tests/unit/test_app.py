"""The app shell without a browser: set `.value`, `.click()`, read the model and store."""

from __future__ import annotations

import json

import ipywidgets as W

from hjemmekit.session import Session, start_session
from hjemmekit.widgets.app import App
from hjemmekit.widgets.base import find_widgets as _find


def test_title_and_organisation_are_saved(session: Session, store):
    app = App(session)
    app.title_input.value = "Forsøg med hjemmearbejde 2027"
    org = _find(app, W.Text, lambda w: w.description == "Organisation")[0]
    org.value = "Styrelsen for Arbejdsliv"
    saved = store.open(session.workbook.id)
    assert saved.title == "Forsøg med hjemmearbejde 2027"
    assert saved.organisation == "Styrelsen for Arbejdsliv"
    assert "Gemt" in app.status.value


def test_stepper_buttons_and_headings_follow_the_contract(session: Session):
    app = App(session)
    assert (app.prev.description, app.next.description) == ("Forrige", "Næste")
    assert "Sæt konteksten" in app.heading.value and app.prev.disabled
    app.next.click()
    assert app.step == 1 and "Overvej mål og redskaber" in app.heading.value
    for _ in range(10):
        app.next.click()
    assert app.step == 4 and app.next.disabled
    app.prev.click()
    assert app.step == 3
    app.nav.value = 0
    assert "Sæt konteksten" in app.heading.value


def test_language_switch_keeps_data_and_translates(session: Session, store):
    app = App(session)
    app.title_input.value = "Min arbejdsbog"
    app.lang.value = "en"
    assert (app.prev.description, app.next.description) == ("Previous", "Next")
    assert "Set the context" in app.heading.value
    assert app.title_input.value == "Min arbejdsbog"
    assert store.open(session.workbook.id).language == "en"


def test_progress_and_missing_list_follow_the_document(session: Session):
    app = App(session)
    assert app.progress.value == 0
    assert "udmelding" in app.missing.value
    factor = _find(app.body, W.Checkbox)[0]
    factor.value = True
    statement = _find(app.body, W.Textarea, lambda w: w.description == "Udmelding om konteksten")
    statement[0].value = "Vi står et nyt sted."
    assert app.progress.value == 1
    assert "Dette trin er udfyldt" in app.missing.value
    assert app.nav.options[0][0].startswith("✓")


def test_new_open_upload_and_download(session: Session, store):
    app = App(session)
    first = session.workbook.id
    _find(app, W.Button, lambda w: w.description == "Ny arbejdsbog")[0].click()
    assert session.workbook.id != first and len(store.list()) == 2
    picker = _find(app, W.Dropdown, lambda w: w.description == "Åbn arbejdsbog")[0]
    picker.value = first
    assert session.workbook.id != first, "choosing in the list alone must not switch"
    app.open_button.click()
    assert session.workbook.id == first and app.title_input.value == "Test"
    name, data = session.download()
    assert name.endswith(".json") and json.loads(data)["id"] == first
    assert "download=" in app.download.value and "base64," in app.download.value
    assert session.upload("bog.json", data)
    assert session.workbook.id != first and session.workbook.title == "Test"


def test_bad_upload_is_a_message_not_a_traceback(session: Session):
    app = App(session)
    assert not session.upload("x.json", b"{broken")
    assert "kunne ikke indl\u00e6ses" in app.status.value
    newer = json.dumps({"schema_version": 99, "title": "Fremtid"}).encode()
    assert not session.upload("ny.json", newer)
    assert "newer than this hjemmekit" in app.status.value


def test_invalid_input_is_shown_and_the_document_kept(session: Session, store):
    app = App(session)
    app.title_input.value = "x" * 500
    assert "Ikke gemt" in app.status.value
    assert store.open(session.workbook.id).title == "Test"
    app.title_input.value = "<b>fed</b> & <script>alert(1)</script>"
    assert store.open(session.workbook.id).title.startswith("<b>")
    assert "<script>" not in app.download.value


def test_conflict_from_another_tab_is_shown_and_nothing_lost(session: Session, store):
    app = App(session)
    other = Session(store, store.open(session.workbook.id), autosave_delay=0)
    other.edit(lambda wb: setattr(wb, "title", "Fra den anden fane"))
    app.title_input.value = "Min titel"
    assert session.status.state == "conflict"
    assert app.conflict.layout.display == "flex"
    assert store.open(session.workbook.id).title == "Fra den anden fane"
    session.keep_as_copy()
    assert session.workbook.title == "Min titel"
    assert store.open(session.workbook.id).title == "Min titel"
    assert len(store.list()) == 2


def test_start_session_reopens_the_latest_workbook(tmp_path):
    s1 = start_session(tmp_path, autosave_delay=0)
    s1.edit(lambda wb: setattr(wb, "title", "Husk mig"))
    s2 = start_session(tmp_path, autosave_delay=0)
    assert s2.workbook.id == s1.workbook.id and s2.workbook.title == "Husk mig"
    s3 = start_session(tmp_path, workbook_id="no-such-id", autosave_delay=0)
    assert s3.workbook.id == s1.workbook.id


def test_stepper_stays_on_the_step_when_its_labels_change(session: Session):
    app = App(session, step=1)
    app.lang.value = "en"
    assert app.step == 1 and "Consider goals and tools" in app.heading.value
    app.go(0)
    statement = _find(app.body, W.Textarea, lambda w: w.description == "Statement on the context")
    _find(app.body, W.Checkbox)[0].value = True
    statement[0].value = "We are in a new place."
    assert app.nav.options[0][0].startswith("✓") and app.step == 0
    app.go(2)
    session.edit(lambda wb: setattr(wb.context, "statement", ""))
    assert app.step == 2


def test_picker_offers_examples_and_opens_a_copy(session: Session, store):
    from hjemmekit.session import example_workbooks

    app = App(session)
    labels = dict((v, k) for k, v in app.picker.options)
    assert labels["example:mellemstor-besluttet"].startswith("Eksempel (ny kopi)")
    before = example_workbooks()["mellemstor-besluttet"].read_bytes()
    app.picker.value = "example:mellemstor-besluttet"
    app.open_button.click()
    assert session.workbook.title.startswith("Hjemmearbejde i Styrelsen")
    assert session.workbook.id in {i.id for i in store.list()}
    assert example_workbooks()["mellemstor-besluttet"].read_bytes() == before
    assert "Sæt konteksten" in app.heading.value


def test_no_label_carries_the_text_null_as_its_tooltip(session: Session):
    from ipywidgets.widgets.widget_description import DescriptionWidget

    app = App(session, step=3)
    labelled = _find(app, DescriptionWidget)
    assert labelled and all(w.tooltip is not None for w in labelled)


def _models(root: W.Widget) -> set[str]:
    """Every widget model the page gets for ``root``: the widgets, their children and
    their layout and style models (shared ones once)."""
    seen: dict[str, W.Widget] = {}
    todo = [root]
    while todo:
        w = todo.pop()
        if w.model_id in seen:
            continue
        seen[w.model_id] = w
        for key in w.keys:
            value = getattr(w, key)
            values = value if isinstance(value, (list, tuple)) else [value]
            todo += [v for v in values if isinstance(v, W.Widget)]
    return set(seen)


FIRST_PAGE_MODELS = 80
"""At most this many widget models on the first page (75 in December 2026; 188 when every
widget had its own layout and style and hidden parts were built up front). Each is a
message to the page and a model in it, for every visitor."""


def test_first_page_builds_only_what_it_shows(session: Session):
    app = App(session)
    assert len(_models(app)) <= FIRST_PAGE_MODELS
    # hidden at first, so not built yet: the conflict's buttons and the history
    assert app.conflict.children == () and app.history_box is None
    app.toggle_history()
    assert app.history_box is not None and "<table" in app.history_box.value
    assert app.history_box.layout.display == "block"


def test_shared_layouts_cannot_change(session: Session):
    import pytest

    app = App(session)
    shared = app.heading.layout
    assert shared is app.missing.layout  # one model for both
    with pytest.raises(AttributeError, match="shared"):
        shared.display = "none"


def test_other_steps_code_is_imported_when_first_shown():
    import subprocess
    import sys

    code = (
        "import sys, hjemmekit.widgets.app\n"
        "later = [m for m in ('goals', 'suitability', 'arrangement', 'trial')\n"
        "         if f'hjemmekit.widgets.{m}' in sys.modules]\n"
        "assert not later, later\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
