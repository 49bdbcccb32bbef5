"""Step 5's mapping step in the browser: a SurveyXact export uploaded, mapped with mouse
and keyboard, a wrong score refused in place, imported; the next wave in one click with
the saved mapping; a Microsoft Forms export in English; axe in both languages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_trial import assert_no_traceback, go_to_step_5, open_copy, show_part

from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser

EXPORTS = Path(__file__).resolve().parents[2] / "data" / "examples" / "exports"
#: Anything personal from the example exports: e-mail domain, respondent ids, comments.
PERSONAL = re.compile(r"arbejdsplads\.example|4812\d{3}|Har du andre kommentarer")
MAPPING = ".hk-mapping"


def upload(page: Any, name: re.Pattern[str], paths: list[Path]) -> None:
    """Choose files with step 5's upload button (ipywidgets opens a file chooser)."""
    button = page.get_by_role("button", name=name)
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files([str(p) for p in paths])


def chosen(select: Any) -> str:
    """The chosen option's text (ipywidgets writes blanks in options as no-break spaces)."""
    return select.locator("option:checked").inner_text().replace("\xa0", " ")


def stored_text(store: Path, wid: str) -> str:
    """Every file of the workbook's data folder and its JSON, as text."""
    folder = WorkbookStore(store).data_dir(wid)
    parts = [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    parts.append((store / f"{wid}.json").read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_mapping_step_imports_a_surveyxact_export(page: Any, hjemmekit_server: Any, ui: Any):
    wid = open_copy(page, hjemmekit_server, ui)
    go_to_step_5(page, "Tænk langsigtet")
    show_part(page, "Data")  # uploads live in step 5's Data part

    upload(page, re.compile(r"^Indlæs datafiler"), [EXPORTS / "surveyxact.xlsx"])
    mapping = page.locator(MAPPING)
    page.get_by_role("heading", name="Tilknyt eksporten fra SurveyXact").wait_for()
    facts = mapping.locator(".hk-facts").inner_text()
    assert "442 besvarelser i filen: 417 gennemførte læses, 25 ikke gennemførte udelades." in (
        facts)  # fmt: skip
    assert "Navne, e-mails, respondent-id'er og fritekstsvar fjernes og gemmes ingen steder." in (
        facts)  # fmt: skip
    # Labelled dropdowns, suggested; checkbox lists (no Ctrl-click multi-select).
    unit = page.get_by_label("Enhed", exact=True)
    assert unit.evaluate("e => e.tagName") == "SELECT"
    assert chosen(unit) == "Hvilken enhed er du ansat i? (s_1)"
    assert chosen(page.get_by_label("Svar, der betyder leder")) == "Leder"
    assert mapping.locator("select[multiple]").count() == 0
    question = page.get_by_role("checkbox", name="Jeg trives på min arbejdsplads (s_3_4)",
                                 exact=True)
    assert question.count() == 1 and question.is_checked()
    assert page.get_by_label("Point for »Meget enig«").input_value() == "5"
    assert page.get_by_label("Point for »Ved ikke«").input_value() == "-"
    preview = mapping.locator("table.hk-table", has=page.locator(
        "caption", has_text="De første 5 besvarelser, som de bliver læst"))  # fmt: skip
    preview.wait_for()
    assert "15.01.2026" in preview.inner_text()
    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "import-mapping-da")

    # With the keyboard: name a question, turn the reversed item round, a score.
    name = page.get_by_label("Navn i evalueringen: s_3_5")
    name.fill("workload")
    name.press("Tab")
    reversed_ = page.get_by_role("checkbox", name="Omvendt: Min arbejdsmængde er for stor (s_3_5)")
    reversed_.focus()
    page.keyboard.press("Space")
    page.wait_for_function("e => e.checked", arg=reversed_.element_handle())
    preview.filter(has_text="workload").wait_for()
    score = page.get_by_label("Point for »Enig«")
    score.fill("fire")
    score.press("Tab")
    alert = mapping.locator(".hk-problems[role=alert]", has_text="»Enig«: fire er ikke et tal")
    alert.wait_for()
    score.fill("4")
    score.press("Tab")
    alert.wait_for(state="detached")

    page.get_by_role("button", name="Importér", exact=True).click()
    page.get_by_role("status").filter(has_text=re.compile(
        r"Spørgeskemaet er importeret fra surveyxact\.xlsx: 417 besvarelser")).wait_for(
        timeout=60_000)  # fmt: skip
    folder = WorkbookStore(hjemmekit_server.store).data_dir(wid)
    header = (folder / "survey.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "workload" in header
    doc = json.loads((hjemmekit_server.store / f"{wid}.json").read_text(encoding="utf-8"))
    profiles = doc["trial"]["import_profiles"]
    assert len(profiles) == 1 and profiles[0]["reversed"] == ["s_3_5"]
    assert not PERSONAL.search(stored_text(hjemmekit_server.store, wid))
    page.locator("table.hk-table", has_text="surveyxact.xlsx").wait_for()

    # The next wave: the saved mapping imports in one click.
    upload(page, re.compile(r"^Indlæs datafiler"), [EXPORTS / "surveyxact.xlsx"])
    page.get_by_text("Der er en gemt tilknytning til denne undersøgelse").wait_for()
    assert page.get_by_label("Navn i evalueringen: s_3_5").input_value() == "workload"
    page.get_by_role("button", name="Brug den gemte tilknytning").click()
    page.get_by_role("status").filter(has_text="Spørgeskemaet er importeret").wait_for(
        timeout=60_000)
    doc = json.loads((hjemmekit_server.store / f"{wid}.json").read_text(encoding="utf-8"))
    assert len(doc["trial"]["import_profiles"]) == 1
    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)


def test_mapping_step_in_english(page: Any, hjemmekit_server: Any, ui: Any):
    wid = open_copy(page, hjemmekit_server, ui)
    page.get_by_role("button", name="English", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).wait_for()
    page.locator(".hk-nav button", has_text=re.compile(r"5\. ")).click()
    page.get_by_role("heading", level=2, name=re.compile(r"Step 5 of 5")).wait_for()
    show_part(page, "Data")

    # SurveyXact's three CSV files together make one export.
    folder = EXPORTS / "surveyxact_csv_cp1252"
    upload(page, re.compile(r"^Upload data files"),
           [folder / "dataset.csv", folder / "structure.csv"])  # fmt: skip
    problems = page.locator(".hk-problems[role=alert]", has_text="could not be read")
    problems.wait_for()
    assert "labels" in problems.inner_text().casefold()

    upload(page, re.compile(r"^Upload data files"), [EXPORTS / "forms_en.xlsx"])
    page.get_by_role("heading", name="Map the export from Microsoft Forms").wait_for()
    facts = page.locator(MAPPING).locator(".hk-facts").inner_text()
    assert "417 responses in the file: 417 completed are read, 0 not completed" in facts
    assert "Names, e-mails, respondent ids and free-text answers are removed" in facts
    assert chosen(page.get_by_label("Answers that mean manager")) == "Manager"
    assert page.get_by_label("Score of \"Don't know\"").input_value() == "-"
    page.locator(MAPPING).locator("caption", has_text="The first 5 responses").wait_for()
    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "import-mapping-en")
    page.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_text("The import is cancelled. Nothing is stored.").wait_for()
    assert not list(WorkbookStore(hjemmekit_server.store).data_dir(wid).glob("survey*"))
    # Back to Danish: the server's store is shared, and "/" opens the newest workbook.
    page.get_by_role("button", name="Dansk", exact=True).click()
    page.get_by_role("button", name="Næste", exact=True).wait_for()
