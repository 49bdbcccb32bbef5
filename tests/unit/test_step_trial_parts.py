"""Step 5 in parts, without a browser: the parts and the heading, the trial size in Design,
the results in words and the checks before the folded tables, privacy in all of them."""

from __future__ import annotations

import re

import ipywidgets as W
import pytest

from hjemmekit.notebook import open_example
from hjemmekit.session import Session
from hjemmekit.widgets.app import App, launch
from hjemmekit.widgets.base import Fold
from hjemmekit.widgets.base import find_widgets as _find
from hjemmekit.widgets.trial import PARTS, TrialView

UNITS_NO_HEADCOUNT = b"unit,group\nKontor A,trial\nKontor B,comparison\n"


@pytest.fixture
def example(tmp_path) -> Session:
    return open_example("mellemstor-besluttet", tmp_path / "store")


def _text(html: str) -> str:
    """An HTML widget's text: tags dropped, entities for < > & ' read back."""
    text = re.sub(r"<[^>]+>", " ", html)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&#x27;", "'"), ("&quot;", '"'),
                 ("&amp;", "&")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


# --- The parts ------------------------------------------------------------------------------


def test_parts_are_built_when_first_shown_and_marked_as_current(session: Session):
    view = TrialView(session)
    assert view.part == "design" and list(view.parts) == ["design"]
    assert view.part_box.children == (view.parts["design"],)
    assert [b.description for b in view.part_buttons.values()] == [
        "Design", "Data", "Resultater", "Refleksion og beslutning"]
    assert all(b.tooltip for b in view.part_buttons.values())  # what each part holds
    assert "hk-current" in view.part_buttons["design"]._dom_classes
    assert not hasattr(view, "reflections")  # not built until shown

    view.part_buttons["reflection"].click()
    assert view.part == "reflection" and set(view.parts) == {"design", "reflection"}
    assert view.part_box.children == (view.parts["reflection"],)
    current = [p for p, b in view.part_buttons.items() if "hk-current" in b._dom_classes]
    assert current == ["reflection"]
    assert view.part_buttons["reflection"].button_style == "primary"
    assert view.part_buttons["design"].button_style == ""
    design = view.parts["design"]
    view.part_buttons["design"].click()
    assert view.parts["design"] is design  # built once, shown again
    with pytest.raises(ValueError):
        view.show_part("nowhere")


def test_onward_buttons_go_to_the_next_part_with_the_focus(session: Session, monkeypatch):
    view = TrialView(session)
    focused: list[str] = []
    for part, b in view.part_buttons.items():
        monkeypatch.setattr(b, "focus", lambda part=part: focused.append(part))
    for part, nxt in zip(PARTS, PARTS[1:], strict=False):
        view.show_part(part)
        onward = _find(view.parts[part], W.Button, lambda w: "hk-onward" in w._dom_classes)
        assert len(onward) == 1
        assert onward[0].description == f"Videre til {view.part_buttons[nxt].description}"
        onward[0].click()
        assert view.part == nxt
    assert focused == ["data", "results", "reflection"]
    assert not _find(view.parts["reflection"], W.Button,
                     lambda w: "hk-onward" in w._dom_classes)  # the last part


def test_the_heading_says_where_one_is_and_the_app_remembers_the_part(session: Session):
    app = App(session, step=4)
    assert "Trin 5 af 5 · Design" in app.heading.value
    assert "Tænk langsigtet" in app.heading.value  # the guidance's title stays
    app.view.part_buttons["results"].click()
    assert "Trin 5 af 5 · Resultater" in app.heading.value
    app.go(1)
    assert "Trin 2 af 5" in app.heading.value and "·" not in app.heading.value
    app.go(4)  # back to step 5: the part last shown
    assert app.view.part == "results"
    assert "Trin 5 af 5 · Resultater" in app.heading.value
    session.set_lang("en")  # the app is rebuilt in English, on the same part
    assert "Step 5 of 5 · Results" in app.heading.value


def test_the_address_opens_a_part(session: Session, store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"workbook={session.workbook.id}&step=5&part=data")
    app = launch(str(store.directory))
    assert app.view.part == "data" and list(app.view.parts) == ["data"]
    assert "Trin 5 af 5 · Data" in app.heading.value
    monkeypatch.setenv("QUERY_STRING", f"workbook={session.workbook.id}&step=5&part=nope")
    assert launch(str(store.directory)).view.part == "design"


def test_fold_builds_its_body_once_and_says_whether_it_is_open():
    built: list[int] = []
    opened: list[int] = []
    fold = Fold("Vis", "Skjul", lambda: built.append(1) or [W.HTML("x")],
                on_open=lambda: opened.append(1))
    assert not fold.is_open and fold.body.children == () and built == []
    assert "hk-fold-toggle" in fold.toggle._dom_classes
    fold.toggle.click()
    assert fold.is_open and fold.toggle.description == "Skjul"
    assert "hk-open" in fold.toggle._dom_classes and len(fold.body.children) == 1
    fold.toggle.click()
    assert not fold.is_open and fold.toggle.description == "Vis"
    assert "hk-open" not in fold.toggle._dom_classes
    fold.toggle.click()
    assert built == [1] and opened == [1, 1]


# --- How big the trial must be (Design) ----------------------------------------------------------


def test_trial_size_from_the_units_headcounts_and_the_expected_answers(example: Session):
    view = TrialView(example)
    size = _text(view.size_result.value)
    # the example: 3 monthly waves before, 6 during; 70 % answering by default
    assert (view.response_rate.value, view.waves_baseline.value, view.waves_trial.value) == (
        70, 3, 6)
    assert "Stort nok Koncentration: med 14 forsøgs- og 19 sammenligningsenheder" in size
    assert "For lille Videndeling" in size and "Det ville hjælpe med" in size
    assert "Mindste effekt, forsøget kan se, pr. spørgsmål" in size

    view.response_rate.value = 10  # few answer: the trial is too small for every target
    view.waves_trial.value = 2
    saved = example.store.open(example.workbook.id).trial.size
    assert (saved.response_rate, saved.waves_baseline, saved.waves_trial) == (0.1, None, 2)
    size = _text(view.size_result.value)
    assert "Stort nok" not in size and "For lille Koncentration" in size
    assert "2 under forsøget" in size

    view.trial_units.value = ()  # none chosen: the units file's group column stands in
    assert "For lille Koncentration: med 14 forsøgs-" in _text(view.size_result.value)


def test_trial_size_says_what_is_missing(session: Session):
    view = TrialView(session)
    assert "Vælg forsøgs- og sammenligningsenheder" in view.size_result.value
    assert "under Data" in view.size_result.value  # where to do it
    view.data_panel.add_files([("units.csv", UNITS_NO_HEADCOUNT)])
    size = _text(view.size_result.value)
    assert "ingen enhedsfil med antal medarbejdere (headcount)" in size
    assert "Indlæs en units-fil med kolonnen headcount" in size


# --- Results first, in words --------------------------------------------------------------------


def test_results_open_with_the_sentences_then_the_checks_then_folded_tables(example: Session):
    view = TrialView(example, part="results")
    panel = view.evaluation_panel
    assert view.evaluation is not None
    kids = panel.results.children
    assert kids[0] is panel.findings and kids[1] is panel.checks
    assert kids.index(panel.tables_fold) > kids.index(panel.checks)
    findings = _text(panel.findings.value)
    assert findings.startswith("Hvad viste forsøget?")
    assert ("Nået Koncentration steg 0,44 point mere i forsøgsenhederne end i "
            "sammenligningsenhederne") in findings
    assert "Ikke nået Videndeling faldt 0,22 point" in findings
    checks = _text(panel.checks.value)
    assert "1 af 4 kontroller giver en advarsel (forskel før forsøget)" in checks
    assert re.search(r"Lå grupperne tæt før forsøget\? Advarsel Koncentration: "
                     r"forsøgsgruppen 2,82 og sammenligningsgruppen 3,05", checks)
    assert "Fulgtes grupperne ad før forsøget? OK" in checks
    assert "Svarede lige mange før og under forsøget? OK Svarprocenten var 75 %" in checks
    # The tables, the figures per unit and the charts are folded and not built yet.
    for fold in (panel.tables_fold, panel.units_fold, panel.charts_fold):
        assert not fold.is_open and fold.body.children == ()
    assert panel.charts.value == ""
    panel.tables_fold.toggle.click()
    assert panel.survey in panel.tables_fold.body.children
    row = re.search(r"<tr><th scope='row'>Jeg har gode muligheder.*?</tr>",
                    panel.survey.value).group(0)
    # the HC1 interval and the unit-clustered one the sentence uses
    assert "<td>0,44</td><td>0,33 til 0,54</td><td>0,32 til 0,55</td>" in row
    assert "(95 %-interval 0,32 til 0,55;" in findings
    # The reflection part repeats the sentences above its questions.
    view.show_part("reflection")
    assert "Koncentration steg 0,44 point" in view.reflection_findings.value


def test_results_in_english(example: Session):
    example.set_lang("en")
    view = TrialView(example, part="results")
    panel = view.evaluation_panel
    assert _text(panel.findings.value).startswith("What did the trial show?")
    assert "Met Concentration rose 0.44 points more" in _text(panel.findings.value)
    assert "1 of 4 checks give a warning (difference before the trial)" in _text(
        panel.checks.value)
    assert panel.tables_fold.toggle.description == "Show the tables"


def test_hidden_figures_stay_hidden_in_the_sentences_and_checks(example: Session):
    example.edit(lambda wb: setattr(wb.trial.privacy, "min_answers", 500))
    view = TrialView(example, part="results")
    panel = view.evaluation_panel
    findings = _text(panel.findings.value)
    assert "Skjult Koncentration: tallene er skjult, fordi færre end 500" in findings
    assert "0,44" not in findings and "steg" not in findings.split("Sygefraværet")[0]
    checks = _text(panel.checks.value)
    assert "skjult" in checks
    assert not re.search(r"\d,\d\d", checks)  # no mean, slope or interval shows
    view.show_part("reflection")
    assert "Skjult Koncentration" in _text(view.reflection_findings.value)
    assert "0,44" not in view.reflection_findings.value


def test_a_workbook_shared_to_read_moves_between_parts_but_changes_nothing(tmp_path):
    from hjemmekit.access import GuardedStore, Identity
    from hjemmekit.session import copy_example
    from hjemmekit.store import WorkbookStore
    from hjemmekit.widgets.base import VIEW_ONLY, walk

    raw = WorkbookStore(tmp_path / "store")
    alice = GuardedStore(raw, Identity("alice", frozenset()))
    wb = copy_example(alice, "mellemstor-besluttet")
    alice.share(wb.id, kind="user", name="bob", access="read")
    bobs = GuardedStore(raw, Identity("bob", frozenset()))
    app = App(Session(bobs, bobs.open(wb.id), autosave_delay=0), step=4)
    view = app.view
    assert view.response_rate.disabled  # the trial size's inputs are locked
    for part in PARTS:
        button = view.part_buttons[part]
        assert not button.disabled  # moving between parts still works
        button.click()
        inputs = [w for w in walk(view.parts[part]) if w.has_trait("disabled")
                  and VIEW_ONLY not in w._dom_classes]
        assert all(w.disabled for w in inputs), part  # built late, locked too
    view.show_part("results")
    panel = view.evaluation_panel
    assert view.evaluation is not None  # evaluating changes nothing stored
    assert not panel.tables_fold.toggle.disabled
    panel.tables_fold.toggle.click()
    assert panel.tables_fold.is_open
    onward = _find(view.parts["results"], W.Button, lambda w: "hk-onward" in w._dom_classes)
    assert not onward[0].disabled
