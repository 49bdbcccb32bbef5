"""The app shell in a real browser: workbooks saved and reopened (issue 2), the language
switch, axe on every step in both languages (also with an example's content), user text
never run as markup, two tabs on one workbook, and screenshots of every step.

Each test works on its own workbook (made in the server's store from the test, or with
"Ny arbejdsbog"), so the tests don't depend on each other or on their order.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from hjemmekit.i18n import t
from hjemmekit.model import load_workbook
from hjemmekit.session import example_workbooks
from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser

RUN = uuid.uuid4().hex[:6]
STEPS = ("context", "goals", "suitability", "arrangement", "trial")
EXAMPLE = "mellemstor-evalueret"
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
FACTOR = "Organisationen er nyligt omorganiseret"

#: How many elements the app shows, and whether that changed since the last look: the
#: widgets of a step arrive over a little while after its heading.
DOM_SIZE_JS = "() => document.querySelectorAll('#rendered_cells *').length"


def settle(page: Any, quiet_ms: int = 300, timeout_ms: int = 15_000) -> None:
    """Wait until the app's DOM stops growing or shrinking for ``quiet_ms``."""
    waited, last = 0, -1
    while waited < timeout_ms:
        size = page.evaluate(DOM_SIZE_JS)
        if size == last:
            return
        last = size
        page.wait_for_timeout(quiet_ms)
        waited += quiet_ms
    pytest.fail(f"the page kept changing for {timeout_ms} ms")


def show_step(page: Any, no: int, lang: str = "da") -> None:
    """Go to step ``no`` (1-5) with the stepper and wait until it is drawn."""
    page.get_by_role("button", name=re.compile(rf"(^|\s){no}\. ")).click()
    title = t(f"steps.{STEPS[no - 1]}_title", lang)
    page.get_by_role("heading", level=2, name=re.compile(re.escape(title))).wait_for()
    page.get_by_text(t(f"steps.{STEPS[no - 1]}_intro", lang), exact=True).wait_for()
    settle(page)


def status_state(page: Any, state: str, timeout_ms: int = 20_000) -> str:
    """Wait until the status line is in ``state`` (saved, conflict, …); its text."""
    handle = page.wait_for_function(
        "(state) => { const el = document.querySelector('.hk-status [role=status]');"
        " return el && el.className.includes('hk-status-' + state) && el.textContent; }",
        arg=state,
        timeout=timeout_ms,
    )
    return str(handle.json_value())


def example_copy(server: Any, name: str = EXAMPLE) -> str:
    """A copy of an example workbook in the server's store (as ``--example`` makes one)."""
    path = example_workbooks()[name]
    wb = WorkbookStore(server.store).copy(load_workbook(path.read_text(encoding="utf-8")))
    return str(wb.id)


# --- issue 2: the shell ---------------------------------------------------------------


def test_new_workbook_is_saved_and_reopened(page: Any, hjemmekit_server: Any, ui: Any) -> None:
    title, org = f"Arbejdsbog {RUN} – Kontor for prøver", f"Prøvestyrelsen {RUN}"
    ui.open_workbook(page, hjemmekit_server, ui.create_workbook(hjemmekit_server))
    first = ui.workbook_id(page)

    page.get_by_role("button", name="Ny arbejdsbog").click()
    ui.wait_focus(page, "Arbejdsbogens titel", "input")  # the new workbook's title
    new = ui.workbook_id(page)
    assert new != first
    title_input = page.get_by_label("Arbejdsbogens titel", exact=True)
    expect(title_input).to_have_value("")
    rev = ui.saved_revision(page)
    title_input.press_sequentially(title)
    rev = ui.wait_saved(page, after=rev)
    page.get_by_label("Organisation", exact=True).press_sequentially(org)
    ui.wait_saved(page, after=rev)
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^\s*Gemt "))).to_contain_text(
        "(version "
    )

    # A reload opens the most recently saved workbook: this one.
    page.goto(hjemmekit_server.url)
    ui.wait_for_app(page)
    assert ui.workbook_id(page) == new
    assert page.get_by_label("Arbejdsbogens titel", exact=True).input_value() == title
    assert page.get_by_label("Organisation", exact=True).input_value() == org
    picked = page.get_by_label("Åbn arbejdsbog", exact=True)
    assert picked.input_value().startswith(f"{title} ({org}, rev. ")
    # The first one is still there, and ?workbook=ID opens it.
    ui.open_workbook(page, hjemmekit_server, first)
    assert page.get_by_label("Arbejdsbogens titel", exact=True).input_value() == ""
    ui.open_workbook(page, hjemmekit_server, new)
    assert page.get_by_label("Arbejdsbogens titel", exact=True).input_value() == title

    # The language switch: English labels, the same data; kept after a reload.
    expect(page.get_by_text("Sprog", exact=True)).to_be_visible()
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("button", name="Next", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Previous", exact=True)).to_be_disabled()
    expect(page.get_by_role("heading", level=2, name=re.compile("Set the context"))).to_be_visible()
    expect(page.get_by_text("Language", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # WCAG 3.1.1
    expect(page.get_by_label("Workbook title", exact=True)).to_have_value(title)
    expect(page.get_by_label("Organisation", exact=True)).to_have_value(org)
    # The rebuilt app does not drop the keyboard's place at the page's start: the cursor
    # is in the title, the first field after the language switch.
    expect(page.get_by_label("Workbook title", exact=True)).to_be_focused()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Consider goals and tools"))
    ).to_be_visible()
    ui.open_workbook(page, hjemmekit_server, new)
    expect(page.get_by_role("button", name="Previous", exact=True)).to_be_visible()
    expect(page.get_by_label("Workbook title", exact=True)).to_have_value(title)
    page.get_by_role("button", name="Dansk", exact=True).click()
    expect(page.get_by_role("button", name="Næste", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Forrige", exact=True)).to_be_disabled()
    expect(page.get_by_role("heading", level=2, name=re.compile("Sæt konteksten"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_label("Arbejdsbogens titel", exact=True)).to_have_value(title)
    stored = WorkbookStore(hjemmekit_server.store).open(new)
    assert (stored.title, stored.organisation, stored.language) == (title, org, "da")


def test_previous_and_next_keep_the_keyboard_focus(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    """At the last step "Næste" is disabled: the focus moves to "Forrige" (and back)."""
    ui.open_workbook(page, hjemmekit_server, ui.create_workbook(hjemmekit_server), step=4)
    page.get_by_role("button", name="Næste", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=2, name=re.compile("Tænk langsigtet")).wait_for()
    ui.wait_focus(page, "Forrige", "button")
    for _ in range(4):  # steps 4, 3, 2, 1
        page.keyboard.press("Enter")
    page.get_by_role("heading", level=2, name=re.compile("Sæt konteksten")).wait_for()
    ui.wait_focus(page, "Næste", "button")
    # The page scrolls (wheel and keys) inside <main>, not only by moving the focus.
    main = page.locator("main#rendered_cells")
    assert main.evaluate("(el) => el.scrollHeight > el.clientHeight + 200")
    page.mouse.move(640, 600)
    page.mouse.wheel(0, 700)
    page.wait_for_function("() => document.querySelector('main').scrollTop > 0")


# --- accessibility and screenshots -------------------------------------------------------


def test_every_step_passes_axe_in_danish_and_english(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    """axe (WCAG 2.1 A+AA) on steps 1-5, in Danish and English, on an empty workbook and on
    a copy of an example; screenshots of the example's steps."""
    found: list[str] = []
    workbooks = {
        "empty": ui.create_workbook(hjemmekit_server),
        "example": example_copy(hjemmekit_server),
    }
    for kind, wb_id in workbooks.items():
        ui.open_workbook(page, hjemmekit_server, wb_id)
        for lang in ("da", "en"):
            if lang == "en":
                page.get_by_role("button", name="English", exact=True).click()
                page.get_by_role("button", name="Next", exact=True).wait_for()
            for no in range(1, 6):
                show_step(page, no, lang)
                violations = ui.axe_violations(page)
                if violations:
                    found.append(f"{kind}, {lang}, step {no}:\n{ui.format_violations(violations)}")
                if kind == "example" and (lang == "da" or no == 1):
                    ui.screenshot(page, f"step-{no}-{lang}")
    assert not found, "axe found WCAG 2.1 AA violations:\n" + "\n".join(found)


# --- safety ----------------------------------------------------------------------------


def test_user_text_is_shown_as_text(
    page: Any, hjemmekit_server: Any, request_log: Any, ui: Any
) -> None:
    """Markup typed into a note, a goal and a case stays text after a reload: nothing runs,
    no image loads."""
    wb_id = ui.create_workbook(hjemmekit_server)
    ui.open_workbook(page, hjemmekit_server, wb_id)
    rev = ui.saved_revision(page)
    page.get_by_label(f"Note: {FACTOR}", exact=True).fill(PAYLOAD)
    rev = ui.wait_saved(page, after=rev)
    page.get_by_label("Arbejdsbogens titel", exact=True).fill(f"Bog {PAYLOAD}")
    rev = ui.wait_saved(page, after=rev)

    show_step(page, 2)
    page.get_by_label("Nyt formål", exact=True).fill(PAYLOAD)
    page.get_by_role("button", name="Tilføj mål", exact=True).click()
    rev = ui.wait_saved(page, after=rev)
    show_step(page, 3)
    page.get_by_label("Navn på det nye tilfælde", exact=True).fill(PAYLOAD)
    page.get_by_role("button", name="Tilføj tilfælde", exact=True).click()
    ui.wait_saved(page, after=rev)

    ui.open_workbook(page, hjemmekit_server, wb_id)
    assert page.get_by_label(f"Note: {FACTOR}", exact=True).input_value() == PAYLOAD
    assert page.get_by_label("Arbejdsbogens titel", exact=True).input_value() == f"Bog {PAYLOAD}"
    show_step(page, 2)
    expect(page.get_by_role("heading", name=f"Mål 1: {PAYLOAD}", exact=True)).to_be_visible()
    expect(page.get_by_role("rowheader", name=PAYLOAD, exact=True)).to_be_visible()  # overview
    show_step(page, 3)
    expect(page.get_by_role("heading", name=f"Tilfælde: {PAYLOAD}", exact=True)).to_be_visible()
    expect(page.get_by_role("rowheader", name=f"{PAYLOAD} (Enhed)", exact=True)).to_be_visible()
    show_step(page, 1)

    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert not page.evaluate(
        "() => Array.from(document.scripts).some((s) => s.textContent.includes('__pwned'))"
    )
    assert not [u for u in request_log.urls if u.rstrip("/").endswith("/x")]


# --- two tabs ----------------------------------------------------------------------------


def test_two_tabs_on_one_workbook_conflict_and_resolve(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    store = WorkbookStore(hjemmekit_server.store)
    wb_id = ui.create_workbook(hjemmekit_server, title=f"Delt bog {RUN}")
    first, second = page, page.context.new_page()
    try:
        for tab in (first, second):
            ui.open_workbook(tab, hjemmekit_server, wb_id)
        title_a, title_b = f"Fra fane A {RUN}", f"Fra fane B {RUN}"

        rev = ui.saved_revision(first)
        first.get_by_label("Arbejdsbogens titel", exact=True).fill(title_a)
        ui.wait_saved(first, after=rev)
        second.get_by_label("Arbejdsbogens titel", exact=True).fill(title_b)
        message = status_state(second, "conflict")
        assert message.startswith("Arbejdsbogen er ændret et andet sted"), message
        reload = second.get_by_role("button", name="Genindlæs nyeste udgave", exact=True)
        keep = second.get_by_role("button", name="Gem min udgave som kopi", exact=True)
        expect(reload).to_be_visible()
        expect(keep).to_be_visible()
        assert store.open(wb_id).title == title_a  # nothing written over the first tab's save

        reload.click()
        ui.wait_focus(second, "Arbejdsbogens titel", "input")
        expect(second.get_by_label("Arbejdsbogens titel", exact=True)).to_have_value(title_a)
        status_state(second, "saved")
        expect(second.get_by_role("button", name="Genindlæs nyeste udgave")).to_be_hidden()

        # Again, and keep the second tab's version as a copy this time.
        rev = ui.saved_revision(first)
        first.get_by_label("Organisation", exact=True).fill("Organisation A")
        ui.wait_saved(first, after=rev)
        second.get_by_label("Organisation", exact=True).fill("Organisation B")
        status_state(second, "conflict")
        second.get_by_role("button", name="Gem min udgave som kopi", exact=True).click()
        second.wait_for_function(
            "(old) => !document.querySelector(\"a[download$='.json']\").download"
            ".endsWith(old + '.json')",
            arg=wb_id,
        )
        copy_id = ui.workbook_id(second)
        status_state(second, "saved")
        expect(second.get_by_label("Organisation", exact=True)).to_have_value("Organisation B")
        original, copy = store.open(wb_id), store.open(copy_id)
        assert (original.title, original.organisation) == (title_a, "Organisation A")
        assert (copy.title, copy.organisation) == (title_a, "Organisation B")
    finally:
        second.close(run_before_unload=True)
