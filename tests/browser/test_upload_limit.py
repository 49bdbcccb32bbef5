"""Uploads above the app's limit (``hjemmekit.serve.UPLOAD_LIMIT_MB``) are refused in the
page with a message next to the button, nothing is sent, and the app keeps working."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hjemmekit.serve import UPLOAD_LIMIT_BYTES

pytestmark = pytest.mark.browser


def big_file(path: Path) -> Path:
    """A file one MB above the limit (sparse: no disk space used)."""
    with open(path, "wb") as f:
        f.truncate(UPLOAD_LIMIT_BYTES + 1024 * 1024)
    return path


def choose(page: Any, button_name: str, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button_name).click()
    chooser.value.set_files(str(path))


def test_too_big_data_file_is_refused_in_place(
    page: Any, hjemmekit_server: Any, ui: Any, tmp_path: Path
) -> None:
    wid = ui.create_workbook(hjemmekit_server, title="Stor fil")
    ui.open_workbook(page, hjemmekit_server, wid, step=5)
    path = big_file(tmp_path / "survey.csv")
    page.locator("button.hk-part-button", has_text=re.compile(r"^\s*Data\s*$")).click()
    choose(page, "Indlæs datafiler", path)
    alert = page.locator(".hk-upload-too-big")
    alert.wait_for()
    text = alert.inner_text()
    assert "survey.csv" in text and "for stor" in text and "51 MB" in text, text
    assert "højst 50 MB" in text, text
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "upload-too-big")
    # nothing was stored, and the kernel still answers
    assert not (hjemmekit_server.store / ".data" / wid).exists() or not any(
        (hjemmekit_server.store / ".data" / wid).iterdir()
    )
    page.get_by_role("button", name="Forrige").click()
    step_4 = "Tag stilling til, hvordan hjemmearbejde kan tilrettelægges"
    page.get_by_role("heading", level=2, name=step_4).wait_for()


def test_too_big_workbook_file_is_refused_in_place(
    page: Any, hjemmekit_server: Any, ui: Any, tmp_path: Path
) -> None:
    wid = ui.create_workbook(hjemmekit_server, title="Før upload")
    ui.open_workbook(page, hjemmekit_server, wid)
    choose(page, "Indlæs arbejdsbog (JSON)", big_file(tmp_path / "arbejdsbog.json"))
    alert = page.locator(".hk-upload-too-big")
    alert.wait_for()
    assert "arbejdsbog.json" in alert.inner_text()
    assert ui.workbook_id(page) == wid  # still the same workbook, nothing imported
    page.get_by_role("button", name="Næste").click()
    page.get_by_role("heading", level=2, name="Overvej mål og redskaber").wait_for()
