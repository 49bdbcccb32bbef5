"""The decision document in Chromium: nothing is fetched from anywhere, axe finds no WCAG 2.1
AA violation, headings are in order, and the print layout is A4 with page breaks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hjemmekit import report
from hjemmekit.model import load_workbook

pytestmark = pytest.mark.browser

WORKBOOKS = Path(__file__).resolve().parents[2] / "data" / "examples" / "workbooks"


def _html(name: str, lang: str) -> str:
    wb = load_workbook((WORKBOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return report.render_html(wb, lang, today=date(2026, 11, 27))


def _heading_levels(page: Any) -> list[int]:
    return page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))"
    )


@pytest.mark.parametrize(("name", "lang"), [("mellemstor-evalueret", "da"),
                                            ("mellemstor-startet", "en")])
def test_report_is_offline_and_accessible(page, request_log, ui, name, lang):
    page.set_content(_html(name, lang), wait_until="load")
    assert page.evaluate("document.documentElement.lang") == lang
    levels = _heading_levels(page)
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    # The contents links stay in the page.
    page.get_by_role("link").nth(6).click()
    ui.assert_no_axe_violations(page)
    page.emulate_media(media="print")
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, f"report-{name}-{lang}", full_page=False)
    assert request_log.urls == [] or all(request_log.is_local(u) for u in request_log.urls)
    assert not request_log.offhost


def test_report_prints_on_a4_with_a_page_per_section(page, request_log):
    page.set_content(_html("mellemstor-evalueret", "da"), wait_until="load")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(
        "main > section", "els => els.map(e => getComputedStyle(e).breakBefore)"
    )
    assert breaks and set(breaks) == {"page"}
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") > 10
    charts = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.getBBox().width)")
    assert len(charts) == 4 and all(w > 0 for w in charts)
    assert not request_log.offhost


def test_app_offers_the_decision_document(app_page, ui):
    app_page.get_by_role("button", name="Lav beslutningsgrundlag (HTML og Word)").click()
    html_link = app_page.get_by_role("link", name="Hent beslutningsgrundlag (HTML)")
    html_link.wait_for(state="visible")
    word_link = app_page.get_by_role("link", name="Hent beslutningsgrundlag (Word)")
    assert word_link.get_attribute("href").startswith(
        "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,")
    assert html_link.get_attribute("download").endswith(".html")
    ui.assert_no_axe_violations(app_page)
