"""Steps 1-4 filled in with the keyboard only (issue 3), then reloaded: everything is back.

The walk uses Tab/Shift+Tab to move, typing, Space to tick, Enter to press and arrow keys
in selects (``page.keyboard`` only; no clicks, no ``fill``). After each change it waits for
the status line to say "Gemt" with a newer revision (text is saved 0.6 s after the last
key). After the reload it reads the inputs' values in the DOM.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from hjemmekit.model import REQUIREMENTS
from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser

RUN = uuid.uuid4().hex[:6]
TITLE = f"Tastaturbog {RUN}"
ORG = "Styrelsen for Tastatur og Mus"

FACTOR = "Organisationen er nyligt omorganiseret"
FACTOR_NOTE = "To kontorer blev lagt sammen i foråret."
NOTES = "Ledelsen er enig om at starte forsigtigt."
STATEMENT_TAIL = "Vi evaluerer efter et halvt år."

OWN_GOAL = "Bedre oplæring af nye medarbejdere"
OWN_TOOL = "Fælles mødedag om onsdagen"
KNOWLEDGE_MEETINGS = "Faste (evt. virtuelle) videndelings- og sparringsmøder"
SMALLER_ROOMS = "Mindre arbejdslokaler"
INDICATOR = "concentration"
TARGET = "Flere kan arbejde koncentreret"

ADVANTAGE = "Færre afbrydelser i sagsbehandlingen."
DRAWBACK = "Sværere at spørge en kollega."
CASE = "Lønkontoret"
CASE_DESCRIPTION = "Otte sagsbehandlere i løn og refusion."
Q1_NOTE = "Sagerne er digitale."
#: Answers to the eight questions: ArrowDown presses from "Ikke besvaret" (1 Ja, 2 Delvist,
#: 3 Nej). One "Delvist" and one "Nej" make the suggestion "Delvist egnet".
ANSWER_PRESSES = (1, 1, 1, 2, 1, 3, 1, 1)
ANSWER_TEXT = {1: "Ja", 2: "Delvist", 3: "Nej"}
VERDICT_NOTE = "Vi følger forslaget og ser på kollegerne i forsøget."

OWN_MEETING = "Fredagsmøde"
DEFAULT_MEETINGS = ("Afdelingsmøde", "Teammøde", "Møder med eksterne")
MEETING_NOTE = "Alle kan deltage på video."
REFLECTION = "Nej, vi vil prøve faste dage."
HOME_DAYS = ("onsdag", "fredag")
OFFICE_DAYS = ("tirsdag", "torsdag")


def commit(page: Any, ui: Any, key: str, times: int = 1) -> None:
    """Press ``key`` (``times`` times), each time waiting for the app to save. (Pressed in
    a row, ipywidgets may merge a select's changes into fewer saves.)"""
    for _ in range(times):
        before = ui.saved_revision(page)
        page.keyboard.press(key)
        ui.wait_saved(page, after=before)


def type_text(page: Any, ui: Any, text: str) -> None:
    """Type into the focused input and wait for the debounced save."""
    before = ui.saved_revision(page)
    page.keyboard.type(text)
    ui.wait_saved(page, after=before)


def next_step(page: Any, ui: Any, heading: str) -> None:
    """Tab to "Næste", press Enter, and wait for the step's heading."""
    ui.tab_to(page, "Næste", "button")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=2, name=re.compile(re.escape(heading))).wait_for()


def fill_step_1(page: Any, ui: Any) -> None:
    ui.tab_to(page, FACTOR, "input")
    commit(page, ui, "Space")
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == f"Note: {FACTOR}"
    type_text(page, ui, FACTOR_NOTE)
    ui.tab_to(page, "Noter fra drøftelsen i ledelsen", "textarea")
    type_text(page, ui, NOTES)
    ui.tab_to(page, "Brug eksemplet som udgangspunkt", "button")
    commit(page, ui, "Enter")
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Udmelding om konteksten"
    page.keyboard.press("Control+End")
    type_text(page, ui, " " + STATEMENT_TAIL)


def fill_step_2(page: Any, ui: Any) -> None:
    ui.tab_to(page, "Tilføj vejledningens eksempler", "button")
    commit(page, ui, "Enter")
    # The view is rebuilt: the focus goes to the first new goal's name, not to the top.
    ui.wait_focus(page, "Formål", "input")
    assert page.evaluate("() => document.activeElement.value") == (
        "Bedre mulighed for koncentration"
    )
    ui.tab_to(page, SMALLER_ROOMS, "input")
    commit(page, ui, "Space")
    ui.tab_to(page, "Hvad følger I op med?", "select")
    commit(page, ui, "ArrowDown")  # Spørgsmål i spørgeskema
    ui.tab_to(page, "Indikator (hvad måles)", "input")
    type_text(page, ui, INDICATOR)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Målsætning (tekst)"
    type_text(page, ui, TARGET)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Talmål for ændringen (valgfrit)"
    type_text(page, ui, "0,3")
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Retning"
    commit(page, ui, "ArrowDown")  # Skal stige

    ui.tab_to(page, "Nyt formål", "input")
    page.keyboard.type(OWN_GOAL)
    ui.tab_to(page, "Tilføj mål", "button")
    commit(page, ui, "Enter")
    ui.wait_focus(page, "Formål", "input")
    assert page.evaluate("() => document.activeElement.value") == OWN_GOAL
    ui.tab_to(page, KNOWLEDGE_MEETINGS, "input")
    commit(page, ui, "Space")

    ui.tab_to(page, "Nyt redskab", "input")
    page.keyboard.type(OWN_TOOL)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Tilføj redskab"
    commit(page, ui, "Enter")
    ui.wait_focus(page, "Nyt redskab", "input")
    # The new tool is offered for every goal: tick it for the own goal (the last card).
    ui.tab_to(page, OWN_TOOL, "input", back=True)
    commit(page, ui, "Space")


def fill_step_3(page: Any, ui: Any) -> None:
    ui.tab_to(page, "Fordele – Produktivitet", "textarea")
    type_text(page, ui, ADVANTAGE)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Ulemper – Produktivitet"
    type_text(page, ui, DRAWBACK)

    ui.tab_to(page, "Navn på det nye tilfælde", "input")
    page.keyboard.type(CASE)
    ui.tab_to(page, "Tilføj tilfælde", "button")
    commit(page, ui, "Enter")
    page.get_by_label("Beskrivelse af tilfældet", exact=True).wait_for()  # the case's editor
    ui.tab_to(page, "Beskrivelse af tilfældet", "textarea")
    type_text(page, ui, CASE_DESCRIPTION)
    for no, presses in enumerate(ANSWER_PRESSES, start=1):
        ui.tab_to(page, re.compile(rf"^{no}\. "), "select")
        commit(page, ui, "ArrowDown", presses)
        if no == 1:
            page.keyboard.press("Tab")
            assert ui.focused(page)["name"] == "Note til spørgsmål 1"
            type_text(page, ui, Q1_NOTE)
    ui.tab_to(page, "Brug forslaget", "button")
    commit(page, ui, "Enter")
    ui.tab_to(page, "Begrundelse for vurderingen", "textarea")
    type_text(page, ui, VERDICT_NOTE)


def fill_step_4(page: Any, ui: Any) -> str:
    """Returns the label of the requirement ticked."""
    ui.tab_to(page, "Hvordan aftales hjemmearbejdet?", "select")
    commit(page, ui, "ArrowDown", 2)  # Fast tilbagevendende
    for day in HOME_DAYS:
        ui.tab_to(page, f"Hjemmedag: {day}", "input")
        commit(page, ui, "Space")
    for day in OFFICE_DAYS:
        ui.tab_to(page, f"Fremmødedag: {day}", "input")
        commit(page, ui, "Space")

    ui.tab_to(page, "Ny mødetype", "input")
    page.keyboard.type(OWN_MEETING)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Tilføj mødetype"
    commit(page, ui, "Enter")
    page.get_by_label("Mødetype 1", exact=True).wait_for()  # the rows are rebuilt
    ui.tab_to(page, re.compile(r"^Tilføj forslag"), "button")
    commit(page, ui, "Enter")
    page.get_by_label("Mødetype 4", exact=True).wait_for()
    ui.tab_to(page, "Mødeform for mødetype 1", "select", back=True)
    commit(page, ui, "ArrowUp")  # Hybridt -> Virtuelt
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Note til mødetype 1"
    type_text(page, ui, MEETING_NOTE)

    ui.tab_to(page, "Tilsiger behovet, at hjemmearbejdet aftales ad hoc?", "textarea")
    type_text(page, ui, REFLECTION)
    requirement = ui.tab_to(page, re.compile(r"^Udført: "), "input")
    commit(page, ui, "Space")
    return requirement["name"]


def field(page: Any, label: str | re.Pattern[str], nth: int = 0) -> Any:
    """The ``nth`` input labelled ``label`` (the exact text, or a pattern)."""
    if isinstance(label, str):
        return page.get_by_label(label, exact=True).nth(nth)
    return page.get_by_label(label).nth(nth)


def value(page: Any, label: str | re.Pattern[str], nth: int = 0) -> str:
    """The value the DOM shows (for a select: the chosen option's text)."""
    return str(field(page, label, nth).input_value())


def checked(page: Any, label: str, nth: int = 0) -> bool:
    return bool(field(page, label, nth).is_checked())


def show_step(page: Any, no: int, heading: str) -> None:
    page.get_by_role("button", name=re.compile(rf"(^|\s){no}\. ")).click()
    page.get_by_role("heading", level=2, name=re.compile(re.escape(heading))).wait_for()


def test_steps_1_to_4_with_the_keyboard_only(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    # Start on an empty Danish workbook, and make a new one from the keyboard.
    ui.open_workbook(page, hjemmekit_server, ui.create_workbook(hjemmekit_server))
    start = ui.workbook_id(page)
    page.locator("body").focus()
    ui.tab_to(page, "Ny arbejdsbog", "button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(old) => { const a = document.querySelector(\"a[download$='.json']\");"
        " return a && !a.download.endsWith(old + '.json'); }",
        arg=start,
    )
    wb_id = ui.workbook_id(page)
    # The page is rebuilt for the new workbook: the cursor is in its title.
    ui.wait_focus(page, "Arbejdsbogens titel", "input")
    type_text(page, ui, TITLE)
    page.keyboard.press("Tab")
    assert ui.focused(page)["name"] == "Organisation"
    type_text(page, ui, ORG)

    fill_step_1(page, ui)
    next_step(page, ui, "Overvej mål og redskaber")
    fill_step_2(page, ui)
    next_step(page, ui, "Tag stilling til, om hjemmearbejde er relevant")
    fill_step_3(page, ui)
    next_step(page, ui, "Tag stilling til, hvordan hjemmearbejde kan tilrettelægges")
    requirement = fill_step_4(page, ui)
    ui.screenshot(page, "keyboard-step-4-filled")

    # What the server wrote (the reload below reads it back through the app).
    wb = WorkbookStore(hjemmekit_server.store).open(wb_id)
    assert wb.title == TITLE and wb.organisation == ORG
    assert wb.context.factors["reorganised"].selected
    assert [g.purpose_key or g.purpose for g in wb.goals.goals] == [
        "concentration", "flexibility", "knowledge_sharing", OWN_GOAL,
    ]
    assert wb.suitability.cases[0].verdict == "partly"
    assert wb.arrangement.arrangements[0].home_days == ["wed", "fri"]

    # --- reload: every value is back ---------------------------------------------------
    ui.open_workbook(page, hjemmekit_server, wb_id)
    assert value(page, "Arbejdsbogens titel") == TITLE
    assert value(page, "Organisation") == ORG

    assert checked(page, FACTOR)
    assert not checked(page, "Organisationen er nyligt udflyttet")
    assert value(page, f"Note: {FACTOR}") == FACTOR_NOTE
    assert value(page, "Noter fra drøftelsen i ledelsen") == NOTES
    statement = value(page, "Udmelding om konteksten")
    assert statement.startswith("Vi har gennem en årrække opbygget en veletableret kultur")
    assert statement.endswith(" " + STATEMENT_TAIL)

    show_step(page, 2, "Overvej mål og redskaber")
    names = [value(page, "Formål", i) for i in range(4)]
    assert names == [
        "Bedre mulighed for koncentration", "Større fleksibilitet", "Mere videndeling", OWN_GOAL,
    ]
    expect(page.get_by_label("Formål", exact=True)).to_have_count(4)
    # Goal 1: the guidance's two tools and the one ticked; its follow-up.
    for tool in (
        "Indretning af storrum med stillezoner eller stillearbejdspladser",
        SMALLER_ROOMS,
        "Mulighed for hjemmearbejde",
    ):
        assert checked(page, tool, 0), tool
    assert not checked(page, OWN_TOOL, 0)
    assert value(page, "Hvad følger I op med?", 0) == "Spørgsmål i spørgeskema"
    assert value(page, "Indikator (hvad måles)", 0) == INDICATOR
    assert value(page, "Målsætning (tekst)", 0) == TARGET
    assert value(page, "Talmål for ændringen (valgfrit)", 0) == "0,3"
    assert value(page, "Retning", 0) == "Skal stige"
    assert value(page, "Hvad følger I op med?", 1) == "Ikke valgt endnu"
    # The own goal: the tools ticked for it.
    assert checked(page, KNOWLEDGE_MEETINGS, 3) and checked(page, OWN_TOOL, 3)
    assert not checked(page, "Mulighed for hjemmearbejde", 3)
    expect(page.get_by_role("button", name=f"Fjern »{OWN_TOOL}«")).to_be_visible()

    show_step(page, 3, "Tag stilling til, om hjemmearbejde er relevant")
    assert value(page, "Fordele – Produktivitet") == ADVANTAGE
    assert value(page, "Ulemper – Produktivitet") == DRAWBACK
    assert value(page, "Fordele – Trivsel") == ""
    assert value(page, "Tilfælde, der vises") == CASE
    assert value(page, "Type af tilfældet") == "Enhed"
    assert value(page, "Beskrivelse af tilfældet") == CASE_DESCRIPTION
    for no, presses in enumerate(ANSWER_PRESSES, start=1):
        assert value(page, re.compile(rf"^{no}\. ")) == ANSWER_TEXT[presses], no
    assert value(page, "Note til spørgsmål 1") == Q1_NOTE
    assert value(page, f"Jeres vurdering af »{CASE}«") == "Delvist egnet"
    assert value(page, "Begrundelse for vurderingen") == VERDICT_NOTE

    show_step(page, 4, "Tag stilling til, hvordan hjemmearbejde kan tilrettelægges")
    assert value(page, "Tilfælde, der vises") == CASE
    assert value(page, "Hvordan aftales hjemmearbejdet?").startswith("Fast tilbagevendende")
    for day in ("mandag", "tirsdag", "onsdag", "torsdag", "fredag"):
        assert checked(page, f"Hjemmedag: {day}") == (day in HOME_DAYS), day
        assert checked(page, f"Fremmødedag: {day}") == (day in OFFICE_DAYS), day
    meetings = [value(page, f"Mødetype {no}") for no in range(1, 5)]
    assert meetings == [OWN_MEETING, *DEFAULT_MEETINGS]
    assert value(page, "Mødeform for mødetype 1") == "Virtuelt"
    assert value(page, "Note til mødetype 1") == MEETING_NOTE
    assert value(page, "Tilsiger behovet, at hjemmearbejdet aftales ad hoc?") == REFLECTION
    assert checked(page, requirement)
    done = page.get_by_label(re.compile(r"^Udført: "))
    expect(done).to_have_count(len(REQUIREMENTS))
    assert [done.nth(i).is_checked() for i in range(len(REQUIREMENTS))].count(True) == 1
