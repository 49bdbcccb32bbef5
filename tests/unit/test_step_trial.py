"""Step 5 without a browser: set `.value`, `.click()`, read the model and the store."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import ipywidgets as W
import pytest

from hjemmekit import progress
from hjemmekit.model import TRIAL_REFLECTIONS, Goal
from hjemmekit.notebook import open_example
from hjemmekit.session import Session
from hjemmekit.widgets.app import App
from hjemmekit.widgets.base import find_widgets as _find
from hjemmekit.widgets.trial import TrialView, period_problem

UNITS = b"unit,group\nKontor A,trial\nKontor B,comparison\nKontor C,trial\nKontor D,\n"
BROKEN = b"date,unit,role,concentration\n2026-01-15,Kontor A,employee,4\n2026-13-01,Kontor A,x,4\n"




def _upload(view: TrialView, name: str, content: bytes) -> None:
    """What the browser does: set the FileUpload's value."""
    view.data_panel.upload.value = ({
        "name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
        "last_modified": datetime(2026, 11, 27, tzinfo=UTC),
    },)


def _saved(store, session):
    return store.open(session.workbook.id)


@pytest.fixture
def example(tmp_path) -> Session:
    return open_example("mellemstor-besluttet", tmp_path / "store")


# --- Defining the trial --------------------------------------------------------------------


def test_dates_saved_and_invalid_orders_refused_in_place(session: Session, store):
    view = TrialView(session)
    view.baseline_start.value = date(2026, 1, 1)
    view.baseline_end.value = date(2026, 3, 31)
    view.trial_start.value = date(2026, 4, 1)
    view.trial_end.value = date(2026, 9, 30)
    t = _saved(store, session).trial
    assert (t.baseline_start, t.baseline_end, t.start, t.end) == (
        date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), date(2026, 9, 30))
    assert view.period_message.value == ""

    view.trial_end.value = date(2026, 3, 1)  # the trial ends before it starts
    assert "Forsøgsperioden skal slutte efter" in view.period_message.value
    assert "role='alert'" in view.period_message.value
    assert _saved(store, session).trial.end == date(2026, 9, 30)
    view.trial_end.value = date(2026, 10, 31)
    assert _saved(store, session).trial.end == date(2026, 10, 31)

    view.baseline_end.value = date(2026, 5, 1)  # the baseline runs into the trial
    assert "Førperioden skal ligge før" in view.period_message.value
    view.baseline_start.value = date(2026, 6, 1)  # and now also ends before it starts
    assert "Førperioden skal slutte efter" in view.period_message.value
    t = _saved(store, session).trial
    assert (t.baseline_start, t.baseline_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert "trial_order" not in [m.key for m in progress.missing(session.workbook)["trial"]]


def test_period_rules():
    d = date
    assert period_problem(None, None, None, None) is None
    assert period_problem(d(2026, 1, 1), None, None, d(2026, 9, 1)) is None
    assert period_problem(d(2026, 1, 1), d(2026, 1, 1), None, None) == "error_baseline_order"
    assert period_problem(None, d(2026, 4, 1), d(2026, 4, 1), None) == (
        "error_baseline_after_trial")


def test_review_dates_added_sorted_and_removed(session: Session, store):
    view = TrialView(session)
    view.review_date.value = date(2026, 10, 15)
    view.add_review_button.click()
    view.review_date.value = date(2026, 6, 15)
    view.add_review_button.click()
    assert _saved(store, session).trial.review_dates == [date(2026, 6, 15), date(2026, 10, 15)]
    assert "15. juni 2026" in view.review_list.value
    assert not view.add_review_date(date(2026, 6, 15))
    assert "allerede en opfølgningsdato" in view.review_message.value
    view.add_review_button.click()  # no date chosen
    assert "Vælg en dato" in view.review_message.value
    view.remove_review_buttons[date(2026, 6, 15)].click()
    assert _saved(store, session).trial.review_dates == [date(2026, 10, 15)]


def test_units_chosen_from_the_units_file_and_both_groups_refused(session: Session, store):
    view = TrialView(session)
    assert view.use_groups_button.disabled
    _upload(view, "units.csv", UNITS)
    assert list(view.trial_units.options) == [("Kontor A", "Kontor A"), ("Kontor B", "Kontor B"),
                                              ("Kontor C", "Kontor C"), ("Kontor D", "Kontor D")]
    view.trial_units.value = ("Kontor A", "Kontor D")
    view.comparison_units.value = ("Kontor B",)
    t = _saved(store, session).trial
    assert (t.trial_units, t.comparison_units) == (["Kontor A", "Kontor D"], ["Kontor B"])
    assert "2 forsøgsenheder og 1 sammenligningsenheder" in view.units_count.value

    view.comparison_units.value = ("Kontor B", "Kontor D")
    assert "kan ikke være i begge grupper" in view.units_message.value
    assert "Kontor D" in view.units_message.value
    assert view.comparison_units.value == ("Kontor B",)  # shown as saved
    assert _saved(store, session).trial.comparison_units == ["Kontor B"]

    view.use_groups_button.click()
    t = _saved(store, session).trial
    assert (t.trial_units, t.comparison_units) == (["Kontor A", "Kontor C"], ["Kontor B"])
    assert view.trial_units.value == ("Kontor A", "Kontor C")
    assert "hentet fra units-filens gruppe-kolonne" in view.units_message.value


def test_units_typed_in_without_data(session: Session, store):
    view = TrialView(session)
    assert "ingen units-fil" in "".join(w.value for w in _find(view.units_box, W.HTML))
    view.new_unit.value = "Jura"
    view.add_trial_unit.click()
    view.new_unit.value = "Jura"
    view.add_comparison_unit.click()
    assert "allerede forsøgsenhed" in view.units_message.value
    view.new_unit.value = "  "
    view.add_comparison_unit.click()
    assert "Skriv enhedens navn" in view.units_message.value
    t = _saved(store, session).trial
    assert (t.trial_units, t.comparison_units) == (["Jura"], [])
    assert view.trial_units.value == ("Jura",)


def test_data_sources_saved(session: Session, store):
    view = TrialView(session)
    assert [b.description for b in view.sources.values()][0].startswith("Surveys")
    view.sources["sickleave"].value = True
    view.sources["survey"].value = True
    view.sources["sickleave"].value = False
    view.sources["dialogue"].value = True
    assert _saved(store, session).trial.data_sources == ["survey", "dialogue"]


def test_metrics_offered_from_goals_with_targets(session: Session, store):
    session.edit(lambda wb: wb.goals.goals.extend([
        Goal(id="g1", purpose_key="concentration", indicator_kind="survey",
             indicator="concentration", target="Mindst +0,3", target_value=0.3,
             direction="increase"),
        Goal(id="g2", purpose="Færre sygedage", indicator_kind="sickleave"),
        Goal(id="g3", purpose="Godt samarbejde", indicator_kind="other", indicator="snak"),
        Goal(id="g4", purpose="Uden indikator"),
    ]))
    view = TrialView(session)
    assert set(view.goal_metric_buttons) == {"g1", "g2"}
    view.goal_metric_buttons["g2"].click()
    view.metrics_from_goals_button.click()
    metrics = _saved(store, session).trial.metrics
    assert [(m.source, m.name, m.goal_id) for m in metrics] == [
        ("sickleave", "sick_days", "g2"), ("survey", "concentration", "g1")]
    assert metrics[1].target.startswith("Mindst +0,3")
    assert view.metrics_from_goals_button.disabled
    assert "Alle mål med en indikator har et målepunkt" in "".join(
        w.value for w in _find(view.metrics_box, W.HTML))

    view.metric_targets[metrics[0].id].value = "Højst 8 dage"
    assert _saved(store, session).trial.metrics[0].target == "Højst 8 dage"
    view.metric_source.value = "production"
    view.metric_name.value = " "
    view.add_metric_button.click()
    assert "Skriv, hvad der måles" in view.metrics_message.value
    view.metric_name.value = "cases_closed"
    view.metric_target.value = "uændret"
    view.add_metric_button.click()
    assert _saved(store, session).trial.metrics[-1].name == "cases_closed"
    added = _saved(store, session).trial.metrics[-1].id  # named as in its title
    assert view.remove_metric_buttons[added].description == "Fjern målepunktet Afsluttede sager"
    view.remove_metric_buttons[metrics[1].id].click()
    assert [m.goal_id for m in _saved(store, session).trial.metrics] == ["g2", None]
    assert "g1" in view.goal_metric_buttons


def test_privacy_thresholds_raised_not_below_the_minimums(session: Session, store):
    view = TrialView(session)
    assert "mindst 5 besvarelser" in view.privacy_rule.value
    assert "ikke sætte dem under 3 besvarelser og 5 årsværk" in view.privacy_rule.value
    view.min_answers.value = 8
    view.min_fte.value = 12.5
    p = _saved(store, session).trial.privacy
    assert (p.min_answers, p.min_fte) == (8, 12.5)
    assert "mindst 8 besvarelser" in view.privacy_rule.value
    view.min_answers.value = 2
    assert "under 3 besvarelser" in view.privacy_message.value
    assert view.min_answers.value == 8
    view.min_fte.value = 4
    assert "under 5 årsværk" in view.privacy_message.value
    assert view.min_fte.value == 12.5
    p = _saved(store, session).trial.privacy
    assert (p.min_answers, p.min_fte) == (8, 12.5)


# --- Data ----------------------------------------------------------------------------------


def test_good_upload_is_stored_and_survives_a_new_session(session: Session, store):
    view = TrialView(session)
    assert "Ingen data endnu" in view.data_panel.source.value
    _upload(view, "units.csv", UNITS)
    assert "kontrolleret og gemt" in view.data_panel.message.value
    assert (store.data_dir(session.workbook.id) / "units.csv").read_bytes() == UNITS
    assert view.data_panel.upload.value == ()
    files = view.data_panel.files.value
    assert "<caption>Indlæste datafiler</caption>" in files and "units.csv" in files

    again = TrialView(Session(store, store.open(session.workbook.id), autosave_delay=0))
    assert "jeres egne 1 fil(er)" in again.data_panel.source.value
    assert "units.csv" in again.data_panel.files.value
    assert [o for _, o in again.trial_units.options] == ["Kontor A", "Kontor B", "Kontor C",
                                                          "Kontor D"]
    again.data_panel.remove_buttons["units"].click()
    assert not (store.data_dir(session.workbook.id) / "units.csv").exists()
    assert "units.csv er fjernet" in again.data_panel.message.value


def test_broken_upload_shows_its_problem_lines_in_place_and_is_not_stored(
    session: Session, store,
):
    view = TrialView(session)
    _upload(view, "survey.csv", BROKEN)
    html = view.data_panel.message.value
    assert "survey.csv er ikke gemt" in html and "role='alert'" in html
    # in Danish, like the rest of the page
    assert ("<li><code>survey.csv:3: kolonne &#x27;date&#x27;: &#x27;2026-13-01&#x27; er ikke "
            "en dato") in html
    assert "survey.csv:3: kolonne &#x27;role&#x27;" in html
    assert not list(store.data_dir(session.workbook.id).iterdir())
    assert "Ingen data endnu" in view.data_panel.source.value

    session.set_lang("en")
    view = TrialView(session)
    _upload(view, "survey.csv", BROKEN)
    html = view.data_panel.message.value
    assert "survey.csv:3: column &#x27;date&#x27;: &#x27;2026-13-01&#x27; is not a date" in html


# --- The evaluation ------------------------------------------------------------------------


def test_evaluation_of_the_example_shows_the_did_table_with_a_decimal_comma(example: Session):
    view = TrialView(example)
    assert "eksempeldata" in view.data_panel.source.value
    assert view.evaluation is None  # evaluated when the results are first shown
    view.show_part("results")  # data and design complete: evaluated on showing them
    ev = view.evaluation
    assert ev is not None and "Evalueringen er beregnet" in view.evaluation_panel.message.value
    table = view.evaluation_panel.survey.value
    assert "<caption>Forskel-i-forskelle pr. spørgsmål" in table
    row = re.search(r"<tr><th scope='row'>Jeg har gode muligheder for at koncentrere mig.*?</tr>",
                    table).group(0)
    assert "<td>0,44</td>" in row and "<td>0,33 til 0,54</td>" in row
    assert round(ev.question("concentration").did.estimate, 2) == 0.44
    assert "-1,7 sygedage pr. årsværk" in view.evaluation_panel.sickleave.value
    goals = view.evaluation_panel.goals.value
    assert "Bedre mulighed for koncentration" in goals and "ikke nået" in goals
    assert "Afsluttede sager" in view.evaluation_panel.production.value
    assert "Ledere" in view.evaluation_panel.roles.value
    assert "Transporttid" in view.evaluation_panel.wishes.value
    assert "videndeling" in view.evaluation_panel.dialogue.value
    assert view.evaluation_panel.charts.value == ""  # drawn when unfolded
    view.evaluation_panel.charts_fold.toggle.click()
    charts = view.evaluation_panel.charts.value
    assert charts.count("<img src='data:image/png;base64,") == 4
    assert all(alt.strip() for alt in re.findall(r"alt='([^']*)'", charts))
    assert "0,44 (0,33 til 0,54)" in charts


def test_hidden_figures_are_rendered_as_hidden_never_as_numbers(example: Session):
    view = TrialView(example, part="results")
    panel = view.evaluation_panel
    assert "IT-sikkerhed" in panel.hidden.value and "Skjulte tal" in panel.hidden.value
    panel.measure.value = "concentration"
    row = re.search(r"<tr><th scope='row'>IT-sikkerhed</th>.*?</tr>", panel.units.value).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == "Sammenligningsgruppe"
    assert cells[1:] == ["skjult (&lt; 5 svar)"] * 4
    hidden = {(u.unit, u.period) for u in view.evaluation.units
              if u.suppressed and u.measure == "concentration"}
    assert ("IT-sikkerhed", "baseline") in hidden
    panel.measure.value = "sickleave"
    assert "Sygefravær pr. enhed" in panel.units.value

    view.show_part("design")  # built now, the first time it is shown
    view.min_answers.value = 500  # everything hidden: the table says so, no number shows
    assert "ændret, siden tallene blev beregnet" in panel.message.value
    view.evaluate_button.click()
    row = re.search(r"<tr><th scope='row'>Jeg har gode.*?</tr>", panel.survey.value).group(0)
    assert "skjult (&lt; 500 svar)" in row and not re.search(r"\d,\d", row)


def test_evaluation_problems_are_shown_in_place(session: Session, tmp_path):
    view = TrialView(session)
    view.evaluate_button.click()
    assert "ingen data at evaluere" in view.evaluation_panel.message.value
    session.edit(lambda wb: setattr(wb.trial, "example_data", "medium"))
    view = TrialView(session)
    assert view.evaluation is None  # the design is not complete: not evaluated on open
    view.evaluate_button.click()
    assert "kan ikke beregnes endnu: angiv førperiodens start og slut" in (
        view.evaluation_panel.message.value)
    assert view.evaluation_panel.results.children == ()


# --- Reflections, conclusions, decisions, language -----------------------------------------


def test_reflections_conclusions_and_decisions_saved(session: Session, store):
    view = TrialView(session)
    view.show_part("reflection")
    assert "vises her, når evalueringen er beregnet" in view.reflection_findings.value
    assert list(view.reflections) == list(TRIAL_REFLECTIONS)
    assert view.reflections["leaders_vs_employees"].description == (
        "Er der forskel på erfaringer fra ledere og medarbejdere?")
    view.reflections["who_wants"].value = "Dem med lang transporttid."
    view.conclusions.value = "Forsøget fortsætter."
    saved = _saved(store, session)
    assert saved.trial.reflections == {"who_wants": "Dem med lang transporttid."}
    assert saved.trial.conclusions == "Forsøget fortsætter."

    view.add_decision_button.click()
    assert "Skriv beslutningen først" in view.decision_message.value
    view.decision_date.value = date(2026, 11, 27)
    view.decision_text.value = "Ordningen <b>fortsætter</b>"
    view.decision_by.value = "Direktionen"
    view.decision_why.value = "Målene er nået."
    view.add_decision_button.click()
    entry = _saved(store, session).decisions[-1]
    assert (entry.date, entry.decision, entry.by) == (
        date(2026, 11, 27), "Ordningen <b>fortsætter</b>", "Direktionen")
    assert "Ordningen &lt;b&gt;fortsætter&lt;/b&gt;" in view.decision_log.value
    assert "<caption>Beslutningslog</caption>" in view.decision_log.value
    assert view.decision_text.value == ""


def test_english_labels_after_the_language_switch(example: Session):
    example.set_lang("en")
    view = TrialView(example)
    assert view.trial_start.description == "Trial start"
    assert [b.description for b in view.part_buttons.values()] == [
        "Design", "Data", "Results", "Reflection and decision"]
    view.show_part("results")
    assert view.evaluate_button.description == "Compute the evaluation"
    assert view.data_panel.upload.description == "Upload data files"
    assert "<td>0.44</td>" in view.evaluation_panel.survey.value
    assert "I have good opportunities to concentrate" in view.evaluation_panel.survey.value
    assert "hidden (&lt; 5 answers)" in view.evaluation_panel.units.value
    view.show_part("reflection")
    assert view.reflections["leaders_vs_employees"].description.startswith("Is there a difference")


def test_the_app_shows_step_five_and_what_it_lacks(session: Session):
    app = App(session, step=4)
    view = app.body.children[0]
    assert isinstance(view, TrialView)
    assert "Angiv målepunkter" in app.missing.value
    assert [b.description for b in view.part_buttons.values()] == [
        "Design", "Data", "Resultater", "Refleksion og beslutning"]
    assert "Trin 5 af 5 · Design" in app.heading.value
    assert not _find(app.body, W.Button, lambda w: w.description == "Beregn evaluering")
    view.part_buttons["results"].click()
    assert "Trin 5 af 5 · Resultater" in app.heading.value
    assert _find(app.body, W.Button, lambda w: w.description == "Beregn evaluering")


def test_data_loaded_by_path_are_used_until_an_upload(example: Session):
    from hjemmekit import trialdata
    from hjemmekit.session import examples_dir

    data = trialdata.load(examples_dir() / "medium")
    view = TrialView(example, data=data, auto_evaluate="off")
    assert view.evaluation is None and view.evaluation_panel.ready()
    assert "indlæst i notebooken" in view.data_panel.source.value
    assert "survey.csv" in view.data_panel.files.value
    assert view.data_panel.data is data
    _upload(view, "units.csv", UNITS)
    assert "jeres egne 1 fil(er)" in view.data_panel.source.value
