"""Compare two scenarios in the app and adopt one (step 4's "Sammenlign scenarier").

On a copy of the example workbook ``mellemstor-besluttet`` (its trial uses the bundled
example data, so the comparison has units, desks and wishes to count): open step 4, open
the scenario comparison, make two scenarios with different weekly patterns through the
UI, compare them (occupancy and peak day, wishes met), copy one into step 4, see the
confirmation, reload the page and find the chosen pattern in step 4 (DOM and store file).
The numbers in the page are checked against :func:`hjemmekit.scenarios.compare` run in
the test process on the same workbook and data.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hjemmekit import scenarios as sc
from hjemmekit import trialdata
from hjemmekit.model import load_workbook
from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "data" / "examples" / "workbooks" / "mellemstor-besluttet.json"
)
STEP4_TITLE = re.compile(r"Trin 4 af 5")
CASE = "Sagsbehandling (alle kontorer)"
#: Two scenarios with different weekly patterns: fixed days, and ad hoc.
FIXED = "Faste dage mandag og fredag"
AD_HOC = "Ad hoc én dag"
#: Step 4's overview table and how it writes the fixed scenario's pattern.
OVERVIEW = "Tilrettelæggelse og åbne krav for de egnede tilfælde"
PATTERN = "Hjemme: mandag, fredag; Fremmøde: onsdag"


def copy_example(server: Any) -> str:
    """A fresh copy of ``mellemstor-besluttet`` in the server's store; its id."""
    wb = load_workbook(EXAMPLE.read_text(encoding="utf-8"))
    return str(WorkbookStore(server.store).copy(wb).id)


def table_cells(page: Any, caption: str) -> dict[str, dict[str, str]]:
    """The table with ``caption`` as ``{row header: {column header: cell text}}``."""
    table = page.locator("table.hk-table", has=page.locator("caption", has_text=caption))
    table.first.wait_for()
    return page.evaluate(
        """(t) => {
          const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
          const out = {};
          for (const tr of t.querySelectorAll('tbody tr')) {
            const cells = [...tr.children].map(c => c.innerText.trim());
            const row = {};
            cells.slice(1).forEach((c, i) => { row[heads[i + 1]] = c; });
            out[cells[0]] = row;
          }
          return out;
        }""",
        table.first.element_handle(),
    )


def eventually(
    check: Callable[[], Any], message: str, show: Callable[[], Any] | None = None,
    timeout_s: float = 15.0,
) -> Any:
    """Poll ``check`` until it returns something truthy (and return that); fail with
    ``message`` and what ``show`` returns after ``timeout_s``. (The kernel applies a change
    a moment after the browser sent it.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{message}: {show() if show else found!r}")
        time.sleep(0.1)


def frame_cells(frame: Any) -> dict[str, dict[str, str]]:
    """A comparison frame as :func:`table_cells` reads its table."""
    return {str(i): {str(c): str(v) for c, v in zip(frame.columns, row, strict=True)}
            for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)}


def expect_pattern(page: Any, case: str, pattern: str) -> None:
    """Wait until step 4's overview shows ``pattern`` in the row of ``case``."""
    from playwright.sync_api import expect

    table = page.locator("table.hk-table", has=page.locator("caption", has_text=OVERVIEW))
    row = table.locator("tbody tr", has=page.locator("th", has_text=case))
    expect(row.locator("td").nth(2)).to_have_text(pattern, timeout=10_000)


def go_to_step_4(page: Any) -> None:
    for _ in range(3):
        heading = page.locator("h2.hk-step-title").inner_text()
        page.get_by_role("button", name="Næste", exact=True).click()
        page.locator("h2.hk-step-title").filter(has_not_text=heading).wait_for()
    page.get_by_role("heading", level=2, name=STEP4_TITLE).wait_for()


def new_scenario(page: Any, name: str) -> None:
    """Name a new scenario and add it; wait until the editor shows its rules."""
    page.get_by_label("Navn på nyt scenarie", exact=True).fill(name)
    page.get_by_role("button", name="Nyt scenarie", exact=True).click()
    page.get_by_role("heading", name=f"Regler i »{name}«").wait_for()
    page.get_by_text(f"Tilføjet: {name}.").wait_for()


def tick(page: Any, label: str) -> None:
    box = page.get_by_role("checkbox", name=label, exact=True)
    box.check()
    assert box.is_checked()


def test_compare_two_scenarios_and_adopt_one(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    wid = copy_example(hjemmekit_server)
    page.goto(f"{hjemmekit_server.url}?workbook={wid}")
    ui.wait_for_app(page)
    go_to_step_4(page)

    toggle = page.get_by_role("button", name="Vis sammenligningen af scenarier")
    toggle.click()
    page.get_by_role("button", name="Skjul sammenligningen af scenarier").wait_for()
    page.get_by_text(re.compile(r"^Data: \d+ enheder")).wait_for()

    # Scenario 1: fixed home days Monday and Friday, office day Wednesday, for all units.
    new_scenario(page, FIXED)
    page.get_by_label("Regel 1: hvordan aftales hjemmearbejdet?").select_option(
        label="Fast tilbagevendende")
    tick(page, "Regel 1, hjemmedag: mandag")
    tick(page, "Regel 1, hjemmedag: fredag")
    tick(page, "Regel 1, fremmødedag: onsdag")
    # Scenario 2: ad hoc, one home day a week on average, for all units.
    new_scenario(page, AD_HOC)
    page.get_by_label("Regel 1: hjemmedage pr. uge i gennemsnit (ad hoc)").select_option(
        label="1")

    # Both are compared (new scenarios join the comparison); say so explicitly anyway.
    compare = page.get_by_label("Scenarier, der sammenlignes")
    compare.select_option(label=[FIXED, AD_HOC])

    # The workbook as saved (wait for the last change to reach the store) ...
    store = WorkbookStore(hjemmekit_server.store)

    def saved_rules() -> dict[str, Any] | None:
        rules = {s.name: s.rules[0] for s in store.open(wid).arrangement.scenarios}
        ad_hoc = rules.get(AD_HOC)
        return rules if ad_hoc is not None and ad_hoc.home_days_per_week == 1.0 else None

    rules = eventually(saved_rules, "the second scenario's average was not saved")
    assert set(rules) == {FIXED, AD_HOC}, rules
    assert (rules[FIXED].kind, rules[FIXED].home_days, rules[FIXED].office_days) == (
        "fixed_recurring", ["mon", "fri"], ["wed"]), rules[FIXED]
    assert rules[AD_HOC].kind == "ad_hoc", rules[AD_HOC]
    wb = store.open(wid)
    ids = {s.name: s.id for s in wb.arrangement.scenarios}
    # ... and the same comparison computed here, on it and the same data.
    data = sc.prepare(trialdata.for_workbook(store, wb).data)
    expected = sc.compare([ids[FIXED], ids[AD_HOC]], data, wb)
    want_occupancy = frame_cells(expected.occupancy("da"))
    want_wishes = frame_cells(expected.wishes("da"))

    # Occupancy per weekday and the peak day, as the page shows them.
    occupancy = eventually(
        lambda: (t := table_cells(page, "Forventet fremmøde pr. ugedag (personer)")) == (
            want_occupancy) and t,
        "the occupancy table does not show the comparison", lambda: table_cells(
            page, "Forventet fremmøde pr. ugedag (personer)"))
    assert set(occupancy) == {FIXED, AD_HOC}, occupancy
    assert occupancy[FIXED]["mandag"] == "0" and occupancy[FIXED]["fredag"] == "0"
    assert occupancy[FIXED]["Spidsdag"] and occupancy[AD_HOC]["Spidsdag"]
    assert occupancy[FIXED] != occupancy[AD_HOC]
    # Wishes met: one home day for everyone meets other wishes than two fixed days.
    wishes = eventually(
        lambda: (t := table_cells(page, "Hjemmedage i forhold til ønsket")) == want_wishes and t,
        "the wishes table does not show the comparison",
        lambda: table_cells(page, "Hjemmedage i forhold til ønsket"))
    assert set(wishes) == {FIXED, AD_HOC}, wishes
    assert wishes[FIXED] != wishes[AD_HOC]
    summary = table_cells(page, "Scenarierne side om side")
    assert summary["Spidsdag"][FIXED] == occupancy[FIXED]["Spidsdag"]
    # The two figures are images with alt texts naming both scenarios.
    panel = page.locator(".hk-scenarios")
    images = panel.locator("figure.hk-figure img")
    images.nth(1).wait_for()
    assert images.count() == 2
    for i in range(2):
        alt = images.nth(i).get_attribute("alt") or ""
        assert FIXED in alt and AD_HOC in alt, alt

    # Choose the fixed-days scenario for step 4.
    page.get_by_label("Scenarie, der vælges").select_option(label=FIXED)
    page.get_by_role("button", name="Kopiér scenariet til trin 4").click()
    done = panel.get_by_role("status").filter(
        has_text=f"Scenariet »{FIXED}« er kopieret ind i trin 4 for 2 tilfælde")
    done.wait_for()
    assert "Jura" in done.inner_text() and CASE in done.inner_text()
    page.get_by_text(f"Senest valgt til trin 4: »{FIXED}«.").wait_for()
    # The overview at the top of step 4 shows the new pattern at once.
    expect_pattern(page, CASE, PATTERN)

    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "scenarios-compared-and-chosen")

    # Saved: the store holds the chosen scenario and its pattern for both suitable cases.
    wb = store.open(wid)
    assert wb.arrangement.chosen == ids[FIXED]
    arrangements = {a.case_id: a for a in wb.arrangement.arrangements}
    for case_id in ("tilfaelde-sagsbehandling", "tilfaelde-jura"):
        arr = arrangements[case_id]
        assert (arr.kind, arr.home_days, arr.office_days) == (
            "fixed_recurring", ["mon", "fri"], ["wed"]), arr
    # What step 4 had besides the pattern is kept (meeting rules, requirements).
    assert [m.meeting_type for m in arrangements["tilfaelde-sagsbehandling"].meeting_rules] == [
        "Afdelingsmøde", "Teammøde", "Møder med eksterne"]

    # Reload: step 4 now holds the chosen arrangement.
    page.reload()
    ui.wait_for_app(page)
    page.locator(".hk-nav button", has_text=re.compile(r"4\. Tilrettelæggelse")).click()
    page.get_by_role("heading", level=2, name=STEP4_TITLE).wait_for()
    overview = table_cells(page, OVERVIEW)
    assert overview[CASE]["Ugemønster"] == PATTERN, overview
    assert overview["Jura"]["Ugemønster"] == PATTERN, overview
    for day, on in (("mandag", True), ("tirsdag", False), ("torsdag", False), ("fredag", True)):
        box = page.get_by_role("checkbox", name=f"Hjemmedag: {day}", exact=True)
        assert box.is_checked() is on, day
    assert page.get_by_role("checkbox", name="Fremmødedag: onsdag", exact=True).is_checked()
    assert not page.get_by_role("checkbox", name="Fremmødedag: mandag", exact=True).is_checked()
    page.get_by_role("button", name="Vis sammenligningen af scenarier").click()
    page.get_by_text(f"Senest valgt til trin 4: »{FIXED}«.").wait_for()
