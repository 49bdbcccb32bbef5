"""The decision document: HTML and Word, Danish and English, escaping, privacy, the command
and the app's download control."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import ipywidgets as W
import pytest

from hjemmekit import document, report
from hjemmekit.cli import main
from hjemmekit.evaluation import SICKLEAVE, Design, evaluate
from hjemmekit.i18n import catalog, t
from hjemmekit.model import (
    Case,
    CaseAnswer,
    CaseArrangement,
    Decision,
    MeetingRule,
    Workbook,
    load_workbook,
)
from hjemmekit.report_docx import docx_from
from hjemmekit.session import Session
from hjemmekit.widgets.app import App

REPO = Path(__file__).resolve().parents[2]
WORKBOOKS = REPO / "data" / "examples" / "workbooks"
MEDIUM = REPO / "data" / "examples" / "medium"
EXAMPLES = ("mellemstor-startet", "mellemstor-besluttet", "mellemstor-evalueret")
TODAY = date(2026, 11, 27)
SCRIPT = "<script>alert('x')</script>"
STEPS = ("context", "goals", "suitability", "arrangement", "trial")
RAW_KEY = re.compile(
    r"\b(report|trial|evaluation|goals|suitability|rules|arrangement|context|steps)"
    r"\.[a-z][a-z_]+\b"
)


def example(name: str) -> Workbook:
    return load_workbook((WORKBOOKS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str, str], str | bytes]:
    """Every example workbook in both formats and languages (made once: charts take time)."""
    out: dict[tuple[str, str, str], str | bytes] = {}
    for name in EXAMPLES:
        wb = example(name)
        for lang in ("da", "en"):
            doc = document.build(wb, lang, today=TODAY)
            out[name, "html", lang] = report.html_from(doc)
            out[name, "docx", lang] = docx_from(doc)
    return out


def step_heading(no: int, step: str, lang: str) -> str:
    return t("report.step_heading", lang, no=no, title=t(f"steps.{step}_title", lang))


def headings(html: str) -> list[tuple[int, str]]:
    return [(int(m.group(1)), re.sub(r"<[^>]+>", "", m.group(2)))
            for m in re.finditer(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)]


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# --- HTML -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_html_has_the_summary_and_five_steps_and_no_links_out(rendered, name, lang):
    html = rendered[name, "html", lang]
    assert isinstance(html, str)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    found = headings(html)
    texts = [text for _, text in found]
    assert found[0][0] == 1 and [level for level, _ in found].count(1) == 1
    assert t("report.summary", lang) in texts
    for no, step in enumerate(STEPS, 1):
        assert step_heading(no, step, lang) in texts
    for key in ("log_heading", "drafts_heading", "sources_heading"):
        assert t(f"report.{key}", lang) in texts
    levels = [level for level, _ in found]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), "heading skipped"
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|data:)""", html), "an external reference"
    assert "<link" not in html and "@import" not in html and "@font-face" not in html
    assert not RAW_KEY.search(re.sub(r"<[^>]+>", " ", html)), RAW_KEY.search(html)
    assert not re.search(r"\{[a-z_]+\}", html), "an unfilled message field"
    assert '<th scope="col">' in html and "<caption>" in html
    assert "@page" in html and "break-before: page" in html


def test_html_summary_follows_the_workbook(rendered):
    html = rendered["mellemstor-evalueret", "html", "da"]
    summary = html.split('id="summary"')[1].split('id="step-1"')[0]
    assert "Ordningen fortsætter i sagsbehandlingen fra 1. januar 2027" in summary
    assert "Sagsbehandling (alle kontorer)" in summary and "Kontaktcenter Nord" in summary
    assert "tirsdag og torsdag" in summary
    assert "01.04.2026–30.09.2026" in summary and "15.06.2026 og 15.10.2026" in summary
    assert "Individuel aftale med hver medarbejder" in summary  # the open requirement


@pytest.mark.parametrize("lang", ["da", "en"])
def test_evaluation_opens_with_the_findings_then_the_checks(rendered, lang):
    """The sentences of hjemmekit.findings open the evaluation, then the checks; the same
    in Word."""
    import html as html_lib

    from hjemmekit import findings, trialdata

    wb = example("mellemstor-evalueret")
    ev = trialdata.evaluate(wb, trialdata.load(MEDIUM))
    sentences = findings.sentences(ev, lang)
    checks = findings.check_lines(ev.checks, lang, ev.design.min_answers)
    assert sentences and checks
    page = html_lib.unescape(rendered["mellemstor-evalueret", "html", lang])
    evaluation = page.split('id="step-5-evaluation"')[1]
    first = evaluation.index(sentences[0])
    assert first < evaluation.index(checks[0]) < evaluation.index(
        t("report.baseline_period", lang))
    for line in sentences + checks:
        assert line in evaluation
    text = docx_text(rendered["mellemstor-evalueret", "docx", lang])
    assert sentences[0] in text and checks[-1] in text


def test_html_embeds_charts_as_inline_svg_with_names(rendered):
    html = rendered["mellemstor-evalueret", "html", "da"]
    assert html.count("<svg") == 4 and "<img" not in html
    assert html.count('role="img" aria-label="') == 4
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert "<?xml" not in html and "<!--" not in html


def test_empty_steps_read_not_filled_in_yet(rendered):
    html = rendered["mellemstor-startet", "html", "da"]
    for step in ("step-2", "step-3", "step-4"):
        section = html.split(f'id="{step}"')[1].split("</section>")[0]
        assert "Ikke udfyldt endnu" in section
    assert "Not yet filled in" in rendered["mellemstor-startet", "html", "en"]
    blank = Workbook(title="Tom")
    html = report.render_html(blank, "da", today=TODAY)
    assert html.count("Ikke udfyldt endnu") >= 5
    assert "Beslutningsloggen er tom." in html
    assert "Der er ingen data at evaluere på endnu." in html


def test_the_drafts_are_filled_where_known_and_blank_elsewhere(rendered):
    html = rendered["mellemstor-evalueret", "html", "da"]
    drafts = html.split('id="drafts"')[1].split('id="sources"')[0]
    assert "Orientering af samarbejdsudvalget" in drafts
    assert "Lokalaftale om fast tilbagevendende hjemmearbejde" in drafts
    assert "Individuel aftale om fast tilbagevendende hjemmearbejde: Sagsbehandling" in drafts
    for element in ("who", "where", "time_frame", "contact_hours", "equipment", "costs",
                    "start_date", "termination"):
        assert t(f"rules.element.{element}", "da") in drafts
    assert "Faste hjemmedage: tirsdag og torsdag." in drafts
    assert "Aftalen gælder fra den 01.04.2026." in drafts
    assert document.BLANK in drafts and "[udfyldes]" in drafts
    assert "Rammeaftale om distancearbejde" in drafts and "pav.medst.dk" in drafts
    assert "samarbejdsudvalg-og-tillidsrepraesentanter" in drafts
    english = rendered["mellemstor-evalueret", "html", "en"]
    assert "[to be filled in]" in english and "Fixed home days: Tuesday and Thursday." in english


def test_reflection_answers_and_decision_log_are_in_the_document(rendered):
    html = rendered["mellemstor-evalueret", "html", "da"]
    assert "Lederne følte sig mindre godt klædt på" in html
    log = html.split('id="decisions"')[1].split("</section>")[0]
    assert log.index("03.11.2025") < log.index("12.01.2026") < log.index("20.10.2026")


# --- Escaping -----------------------------------------------------------------------------


def hostile() -> Workbook:
    wb = Workbook(title=f"Titel {SCRIPT}", organisation="Styrelsen & <b>Co</b>")
    wb.context.notes = f"Note med {SCRIPT}\nog en ny linje"
    wb.context.statement = SCRIPT
    case = Case(name=f"Enhed {SCRIPT}", verdict="suitable", verdict_note=SCRIPT,
                answers={"task": CaseAnswer(answer="ja", note=SCRIPT)})
    wb.suitability.cases = [case]
    wb.arrangement.arrangements = [CaseArrangement(
        case_id=case.id, kind="fixed_recurring", home_days=["mon"],
        meeting_rules=[MeetingRule(meeting_type=SCRIPT, note="\x07bell " + SCRIPT)])]
    wb.decisions = [Decision(date=date(2026, 1, 5), decision=SCRIPT, by="<i>os</i>")]
    return wb


def test_user_text_stays_text_in_html():
    html = report.render_html(hostile(), "da", today=TODAY)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<b>Co</b>" not in html and "&lt;b&gt;Co&lt;/b&gt;" in html
    assert "<i>os</i>" not in html
    assert "\x07" not in html


def test_user_text_stays_text_in_docx():
    data = report.render_docx(hostile(), "da", today=TODAY)
    text = docx_text(data)
    assert SCRIPT in text and "Enhed " + SCRIPT in text and "<b>Co</b>" in text
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<script" not in xml and "&lt;script&gt;" in xml


# --- Word ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_has_real_headings_tables_and_a_title_page(rendered, name, lang):
    data = rendered[name, "docx", lang]
    assert isinstance(data, bytes) and data[:2] == b"PK"
    d = docx.Document(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in d.paragraphs]
    assert ("Title", example(name).title) in styles
    h1 = [text for style, text in styles if style == "Heading 1"]
    assert t("report.summary", lang) in h1
    for no, step in enumerate(STEPS, 1):
        assert step_heading(no, step, lang) in h1
    assert any(style == "Heading 2" for style, _ in styles)
    assert len(d.tables) >= 1
    assert d.core_properties.language == {"da": "da-DK", "en": "en-GB"}[lang]
    section = d.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.1 and abs(section.page_height.cm - 29.7) < 0.1
    assert not RAW_KEY.search(docx_text(data))


def test_docx_with_data_has_charts_with_alt_text():
    wb = example("mellemstor-evalueret")
    wb.trial.example_data = None  # the data come from --data only
    data = report.render_docx(wb, "da", MEDIUM, today=TODAY)
    d = docx.Document(io.BytesIO(data))
    assert len(d.inline_shapes) == 4
    descr = re.findall(r'descr="([^"]*)"', zipfile.ZipFile(io.BytesIO(data))
                       .read("word/document.xml").decode("utf-8"))
    assert len(descr) == 4 and all(descr)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sum(n.startswith("word/media/") and n.endswith(".png") for n in names) == 4
    text = docx_text(data)
    assert "datafilerne i mappen »medium«" in text


def test_without_data_there_is_no_evaluation_and_no_chart():
    wb = example("mellemstor-evalueret")
    wb.trial.example_data = None
    d = docx.Document(io.BytesIO(report.render_docx(wb, "da", today=TODAY)))
    assert len(d.inline_shapes) == 0
    assert "Der er ingen data at evaluere på endnu." in docx_text(report.render_docx(wb, "da"))


# --- Privacy ------------------------------------------------------------------------------


def test_hidden_figures_never_appear():
    """With k = 40 many units are hidden; their real figures (k = 1) are nowhere."""
    wb = example("mellemstor-evalueret")
    wb.trial.privacy.min_answers = 40
    from hjemmekit import trialdata

    data = trialdata.load(MEDIUM)
    strict = trialdata.evaluate(wb, data)
    loose_design = Design.from_workbook(wb, data.units)
    loose_design.min_answers = 1
    loose = evaluate(data, loose_design, wb)
    hidden = {(u.unit, u.measure, u.period) for u in strict.units if u.suppressed}
    real = {(u.unit, u.measure, u.period): u for u in loose.units if not u.suppressed}
    secret = {key: real[key] for key in hidden if key in real and key[1] != SICKLEAVE}
    assert len(secret) > 20

    doc = document.build(wb, "da", data, today=TODAY, charts=False)
    html = report.html_from(doc)
    assert "Af hensyn til anonymiteten er disse tal skjult" in html
    tables = [b for b in doc.walk() if isinstance(b, document.Table)]
    checked = 0
    fmt = document._Text("da").num
    for (unit, measure, period), figure in secret.items():
        label = document._question_label(measure, "da")
        caption = t("report.units_caption", "da", measure=label)
        table = next((x for x in tables if x.caption == caption), None)
        if table is None:
            continue  # a question the trial does not follow has no per-unit table
        row = next(r for r in table.rows if str(r[0]) == unit)
        cells = [str(c) for c in (row[2:4] if period == "baseline" else row[4:6])]
        assert cells == ["skjult", "skjult"], (unit, measure, period, cells)
        html_row = re.search(rf"<tr><th scope=\"row\">{re.escape(unit)}</th>(.*?)</tr>",
                             html.split(caption)[1]).group(1)
        html_cells = re.findall(r"<td>(.*?)</td>", html_row)
        shown = html_cells[1:3] if period == "baseline" else html_cells[3:5]
        assert shown == ["skjult", "skjult"]
        assert fmt(figure.value, 2) not in shown and fmt(figure.n, 0) not in shown
        checked += 1
    assert checked > 10
    d = docx.Document(io.BytesIO(report.render_docx(wb, "da", data, today=TODAY)))
    seen = 0
    for table in d.tables:
        caption = table._element.getprevious()
        rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
        for (unit, measure, period), _figure in secret.items():
            label = document._question_label(measure, "da")
            if caption is None or label not in "".join(caption.itertext()) or unit not in rows:
                continue
            cells = rows[unit][2:4] if period == "baseline" else rows[unit][4:6]
            assert cells == ["skjult", "skjult"]
            seen += 1
    assert seen >= checked


# --- The command --------------------------------------------------------------------------


def test_report_command_writes_html_and_docx(tmp_path, capsys):
    wb = str(WORKBOOKS / "mellemstor-evalueret.json")
    out = tmp_path / "b.html"
    assert main(["report", wb, "--format", "html", "--lang", "en", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in out.read_text(encoding="utf-8")
    out = tmp_path / "b.docx"
    assert main(["report", wb, "--format", "docx", "--data", str(MEDIUM), "-o", str(out)]) == 0
    assert len(docx.Document(str(out)).inline_shapes) == 4
    out = tmp_path / "c.docx"  # the format from the suffix
    assert main(["report", str(WORKBOOKS / "mellemstor-startet.json"), "-o", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    assert "b.docx" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{broken", json.dumps({"title": 5}),
                                     json.dumps({"schema_version": 99})])
def test_report_command_refuses_a_bad_workbook_with_exit_1(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["report", str(bad), "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}: ") and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


def test_report_command_input_and_usage_errors(tmp_path, capsys):
    wb = str(WORKBOOKS / "mellemstor-evalueret.json")
    assert main(["report", str(tmp_path / "none.json"), "-o", str(tmp_path / "x.html")]) == 1
    assert main(["report", wb, "--data", str(tmp_path / "nodir"), "-o", "x.html"]) == 1
    assert main(["report", wb, "--data", str(tmp_path), "-o", str(tmp_path / "x.html")]) == 1
    assert main(["report", wb, "-o", str(tmp_path / "no" / "dir" / "x.html")]) == 1
    assert "Traceback" not in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["report", wb, "--format", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["report", wb])
    assert e.value.code == 2


def test_render_refuses_unknown_format_and_language():
    with pytest.raises(ValueError, match="unknown format"):
        report.render(Workbook(), "pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown language"):
        report.render_html(Workbook(), "de")


def test_report_catalogs_have_the_same_keys():
    da = {k for k in catalog("da") if k.startswith("report.")}
    en = {k for k in catalog("en") if k.startswith("report.")}
    assert da == en and len(da) > 200


# --- The app ------------------------------------------------------------------------------


def _links(value: str) -> dict[str, tuple[str, bytes]]:
    out = {}
    for name, mime, data in re.findall(
            r"download='([^']+)' href='data:([^;]+)[^,]*;base64,([^']+)'", value):
        out[name.rsplit(".", 1)[1]] = (mime, base64.b64decode(data))
    return out


def test_app_makes_both_downloads_on_demand(session: Session, store):
    session.edit(lambda wb: setattr(wb.context, "notes", SCRIPT))
    app = App(session)
    button = next(w for w in _all(app, W.Button) if w.description == t("report.app_make"))
    assert app.report_links.value == ""
    button.click()
    links = _links(app.report_links.value)
    assert set(links) == {"html", "docx"}
    assert links["html"][0] == "text/html"
    html = links["html"][1].decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in html
    assert "<script" not in html
    assert links["docx"][1][:2] == b"PK" and SCRIPT in docx_text(links["docx"][1])
    assert "Hent beslutningsgrundlag (Word)" in app.report_links.value
    app.title_input.value = "Ny titel"  # a saved change makes the links stale
    assert app.report_links.value == ""


def test_app_report_failure_is_a_message(session: Session, monkeypatch):
    app = App(session)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(document, "build", boom)
    app.make_report()
    assert "disk full" in app.report_links.value and "role='alert'" in app.report_links.value


def _all(widget, cls):
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, cls):
            out.append(w)
        stack.extend(getattr(w, "children", ()))
    return out


def test_the_chosen_scenario_is_named_in_step_4():
    from hjemmekit.example_workbooks import decided
    from hjemmekit.model import Scenario, ScenarioRule
    from hjemmekit.report import render_html

    wb = decided()
    wb.arrangement.scenarios = [Scenario(id="s1", name="To faste dage <b>", rules=[
        ScenarioRule(all_units=True, kind="fixed_recurring", home_days=["tue", "thu"])])]
    wb.arrangement.chosen = "s1"
    html = render_html(wb, "da", data=None)
    assert "Valgt scenarie" in html and "To faste dage &lt;b&gt;" in html
