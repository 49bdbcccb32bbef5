"""Step 5's parts in the browser, from the keyboard only: Design, Data, Results (the
sentences, the checks, a fold opened) and Reflection and decision, each checked by axe.

On a copy of ``mellemstor-besluttet`` (complete design, the bundled example data), opened
at step 5; after that every move is a key press.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hjemmekit.model import load_workbook
from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "data" / "examples" / "workbooks" / "mellemstor-besluttet.json"
)
PART_HEADING = "h2.hk-step-title .hk-step-no"


def part_button(page: Any, name: str) -> Any:
    return page.locator("button.hk-part-button", has_text=re.compile(rf"^\s*{name}\s*$"))


def assert_shown(page: Any, key: str, name: str) -> None:
    """Part ``key`` is shown, the heading says so, and only its button is aria-current."""
    page.locator(f".hk-part-{key}").wait_for()
    page.locator(PART_HEADING, has_text=f"Trin 5 af 5 · {name}").wait_for()
    page.wait_for_function(
        """(name) => {
          const on = [...document.querySelectorAll('button.hk-part-button')]
            .filter((b) => b.getAttribute('aria-current') === 'true')
            .map((b) => b.textContent.trim());
          return on.length === 1 && on[0] === name;
        }""",
        arg=name,
    )


def press_enter_on(page: Any, ui: Any, name: str, tag: str = "button", back: bool = False):
    ui.tab_to(page, name, tag, back=back)
    page.keyboard.press("Enter")


def test_the_parts_of_step_5_from_the_keyboard(page: Any, hjemmekit_server: Any, ui: Any):
    wb = load_workbook(EXAMPLE.read_text(encoding="utf-8"))
    wid = str(WorkbookStore(hjemmekit_server.store).copy(wb).id)
    ui.open_workbook(page, hjemmekit_server, wid, step=5)

    # Design is shown first, with how big the trial must be.
    assert_shown(page, "design", "Design")
    page.get_by_role("heading", name="Hvor stort skal forsøget være?").wait_for()
    page.get_by_text(re.compile(r"^Stort nok$")).first.wait_for()
    ui.assert_no_axe_violations(page)

    # Data: Tab to its button, Enter; the focus stays on it.
    press_enter_on(page, ui, "Data")
    assert_shown(page, "data", "Data")
    assert ui.focused(page)["name"] == "Data"
    page.get_by_role("button", name=re.compile(r"^Indlæs datafiler")).wait_for()
    ui.assert_no_axe_violations(page)

    # Results: the sentences first, then the checks; evaluated on showing them.
    press_enter_on(page, ui, "Resultater")
    assert_shown(page, "results", "Resultater")
    findings = page.locator(".hk-findings li")
    findings.first.wait_for()
    assert re.search(r"Koncentration steg 0,44 point", findings.first.inner_text())
    checks = page.locator(".hk-check")
    assert checks.count() == 4
    assert page.locator(".hk-check-warning h4").first.inner_text().endswith("Advarsel")
    tables = page.get_by_role("button", name=re.compile("Vis tabellerne"))
    assert tables.get_attribute("aria-expanded") == "false"
    assert page.locator("table.hk-table").count() == 0  # folded: not even in the page
    ui.assert_no_axe_violations(page)

    # A fold opens from the keyboard and says so.
    press_enter_on(page, ui, "Vis tabellerne")
    opened = page.get_by_role("button", name=re.compile("Skjul tabellerne"))
    opened.wait_for()
    assert opened.get_attribute("aria-expanded") == "true"
    caption = "Forskel-i-forskelle pr. spørgsmål med 95 %-konfidensinterval"
    page.locator("table.hk-table caption", has_text=caption).wait_for()
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "trial-parts-results-da")

    # On to the reflection: the focus moves to that part's button.
    press_enter_on(page, ui, "Videre til Refleksion og beslutning")
    ui.wait_focus(page, "Refleksion og beslutning", "button")
    assert_shown(page, "reflection", "Refleksion og beslutning")
    page.get_by_role("heading", name="Refleksionsspørgsmål").wait_for()
    ui.assert_no_axe_violations(page)

    # And back to Design with Shift+Tab.
    press_enter_on(page, ui, "Design", back=True)
    assert_shown(page, "design", "Design")
    ui.assert_no_axe_violations(page)
