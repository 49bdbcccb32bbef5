"""Step 5 in the browser: the evaluation of the example trial, its charts, hidden figures,
a broken data file refused in place, and axe in Danish and English.

On a copy of ``mellemstor-besluttet`` (its trial design is complete and it evaluates the
bundled example data, ``trial.example_data = "medium"``), step 5's Results part evaluates
by itself when it is first shown; its tables, figures per unit and charts are folded.
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
#: A number written the Danish way: decimal comma, optional sign (hyphen or U+2212).
DANISH_DECIMAL = re.compile(r"^[-−+]?\d{1,3}(\.\d{3})*,\d+$")
ENGLISH_DECIMAL = re.compile(r"^[-−+]?\d{1,3}(,\d{3})*\.\d+$")
#: A sick-leave file with four problems on two lines (rows 3 and 4 of the file).
BROKEN_CSV = (
    "unit,month,fte,sick_days\n"
    "Sagsbehandling,2026-01,28.5,9\n"
    "Sagsbehandling,2026-13,abc,-2\n"
    "Lovgivning,2026-02,,3\n"
)
BROKEN_LINES = [  # in Danish, the app's language (`hjemmekit validate` says it in English)
    "sickleave.csv:3: kolonne 'month': '2026-13' er ikke en måned (skriv ÅÅÅÅ-MM, f.eks. "
    "2026-03)",
    "sickleave.csv:3: kolonne 'fte': 'abc' er ikke et tal",
    "sickleave.csv:3: kolonne 'sick_days': '-2' er negativ",
    "sickleave.csv:4: kolonne 'fte': værdien mangler",
]
#: Voilà's stripped cell error, a kernel's stderr output, or a Python traceback's text.
ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def open_copy(page: Any, server: Any, ui: Any) -> str:
    """Open a fresh copy of ``mellemstor-besluttet``; its id."""
    wb = load_workbook(EXAMPLE.read_text(encoding="utf-8"))
    wid = str(WorkbookStore(server.store).copy(wb).id)
    page.goto(f"{server.url}?workbook={wid}")
    ui.wait_for_app(page)
    return wid


def go_to_step_5(page: Any, title: str) -> None:
    """Click the step button "5. …" and wait for the step's heading."""
    page.locator(".hk-nav button", has_text=re.compile(r"5\. ")).click()
    page.get_by_role("heading", level=2, name=re.compile(re.escape(title))).wait_for()


def show_part(page: Any, name: str) -> None:
    """Click the button of one of step 5's parts and wait until it is the current one."""
    button = page.locator("button.hk-part-button", has_text=re.compile(rf"^\s*{name}\s*$"))
    button.click()
    page.locator("button.hk-part-button[aria-current='true']", has_text=name).wait_for()


def unfold_all(page: Any, lang: str = "da") -> None:
    """Open the Results part's folds (tables, figures per unit, charts)."""
    if lang == "en":
        for name in ("tables", "figures per unit", "charts"):
            page.get_by_role("button", name=f"Show the {name}", exact=True).click()
            page.get_by_role("button", name=f"Hide the {name}", exact=True).wait_for()
        return
    for name in ("tabellerne", "tal pr. enhed", "diagrammerne"):
        page.get_by_role("button", name=f"Vis {name}", exact=True).click()
        page.get_by_role("button", name=f"Skjul {name}", exact=True).wait_for()


def column(page: Any, caption: str, header: str) -> list[str]:
    """The cells of the column ``header`` in the table with ``caption``."""
    table = page.locator("table.hk-table", has=page.locator("caption", has_text=caption)).first
    table.wait_for()
    return table.evaluate(
        """(t, header) => {
          const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
          const i = heads.indexOf(header);
          if (i < 0) return null;
          return [...t.querySelectorAll('tbody tr')].map(tr => tr.children[i].innerText.trim());
        }""",
        header,
    )


def wait_for_charts(page: Any) -> Any:
    """The four chart images, once drawn (they come after the tables)."""
    images = page.locator("figure.hk-figure img")
    images.nth(3).wait_for(timeout=60_000)
    assert images.count() == 4
    return images


def assert_no_traceback(page: Any) -> None:
    assert page.locator(ERROR_OUTPUT).count() == 0, page.locator(ERROR_OUTPUT).first.inner_text()
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "most recent call last" not in text


def test_step_5_evaluates_and_refuses_a_broken_file(
    page: Any, hjemmekit_server: Any, ui: Any
) -> None:
    wid = open_copy(page, hjemmekit_server, ui)
    go_to_step_5(page, "Tænk langsigtet")
    show_part(page, "Data")
    page.get_by_text(re.compile(r"eksempeldata \(eksempelorganisationen")).wait_for()
    show_part(page, "Resultater")
    page.get_by_role("button", name="Beregn evaluering", exact=True).wait_for()

    # The evaluation appears by itself (example data, complete design).
    page.get_by_role("status").filter(has_text="Evalueringen er beregnet.").wait_for()
    unfold_all(page)
    did = column(page, "Forskel-i-forskelle pr. spørgsmål med 95 %-konfidensinterval",
                 "Forskel-i-forskelle")
    assert did, "the DiD table has no rows"
    numbers = [c for c in did if DANISH_DECIMAL.match(c)]
    assert numbers, f"no DiD with a decimal comma: {did}"
    ci = column(page, "Forskel-i-forskelle pr. spørgsmål med 95 %-konfidensinterval",
                "95 %-konfidensinterval")
    assert any("," in c for c in ci), ci

    # Hidden figures read "skjult (< 5 svar)", never a number.
    hidden = page.locator("td", has_text=re.compile(r"^skjult \(< 5 (svar|årsværk)\)$"))
    assert hidden.count() > 0, "no hidden figure shown as 'skjult'"
    page.get_by_text(re.compile(r"^Skjulte tal \(anonymitet\): ")).wait_for()

    # The four charts, each with an alt text saying what it shows.
    images = wait_for_charts(page)
    alts = [images.nth(i).get_attribute("alt") or "" for i in range(4)]
    assert all(len(a.strip()) > 20 for a in alts), alts
    assert len(set(alts)) == 4, alts
    captions = page.locator("figure.hk-figure figcaption")
    assert all(captions.nth(i).inner_text().strip() for i in range(4))

    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "trial-step-5-da")

    # A broken sick-leave file: refused, its problems listed in place, nothing stored.
    show_part(page, "Data")
    # ipywidgets' FileUpload keeps its <input type=file> out of the DOM and clicks it from
    # the button: answer the file chooser that opens (Playwright sets the input's files).
    upload = page.get_by_role("button", name=re.compile(r"^Indlæs datafiler"))
    with page.expect_file_chooser() as chooser:
        upload.click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(files=[{
        "name": "sickleave.csv", "mimeType": "text/csv", "buffer": BROKEN_CSV.encode(),
    }])
    problems = page.locator(".hk-problems", has_text="sickleave.csv er ikke gemt")
    problems.wait_for()
    assert problems.get_attribute("role") == "alert"
    lines = [c.strip() for c in problems.locator("li code").all_inner_texts()]
    assert lines == BROKEN_LINES
    # The template takes off the file count ipywidgets writes after the button's text.
    assert upload.inner_text().strip() == "Indlæs datafiler", upload.inner_text()
    assert not list(WorkbookStore(hjemmekit_server.store).data_dir(wid).glob("sickleave*"))
    # The evaluation on the example data stays.
    page.get_by_text(re.compile(r"eksempeldata \(eksempelorganisationen")).wait_for()
    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)
    problems.scroll_into_view_if_needed()
    ui.screenshot(page, "trial-step-5-broken-upload", full_page=False)
    show_part(page, "Resultater")
    assert page.locator("figure.hk-figure img").count() == 4


def test_step_5_in_english(page: Any, hjemmekit_server: Any, ui: Any) -> None:
    open_copy(page, hjemmekit_server, ui)
    go_to_step_5(page, "Tænk langsigtet")
    show_part(page, "Resultater")
    page.get_by_role("status").filter(has_text="Evalueringen er beregnet.").wait_for()

    page.get_by_role("button", name="English", exact=True).click()
    # The app is rebuilt in English on the same part, which evaluates again.
    page.get_by_role("heading", level=2, name=re.compile(r"Step 5 of 5 · Results")).wait_for()
    assert page.get_by_role("button", name="Next", exact=True).is_visible()
    page.get_by_role("status").filter(has_text="The evaluation is computed.").wait_for()
    page.get_by_role("heading", name="What did the trial show?").wait_for()
    page.get_by_role("button", name="Compute the evaluation", exact=True).click()
    page.get_by_role("status").filter(has_text="The evaluation is computed.").wait_for()
    unfold_all(page, "en")
    caption = "Difference-in-differences per question with 95 % confidence interval"
    did = column(page, caption, "Difference-in-differences")
    assert any(ENGLISH_DECIMAL.match(c) for c in did), did
    hidden = page.locator("td", has_text=re.compile(r"^hidden \(< 5 (answers|FTE)\)"))
    assert hidden.count() > 0, "no hidden figure shown as 'hidden'"
    images = wait_for_charts(page)
    alts = [images.nth(i).get_attribute("alt") or "" for i in range(4)]
    assert all(len(a.strip()) > 20 for a in alts), alts
    assert_no_traceback(page)
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "trial-step-5-en")
