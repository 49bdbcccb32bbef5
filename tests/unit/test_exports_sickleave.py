"""Sick leave in hours (7.4 a day) and per quarter (2026-Q1, 2026K1, 1. kvt. 2026)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit.cli import main
from hjemmekit.io import read_bytes, validate_bytes
from hjemmekit.sickperiods import HOURS_PER_DAY, quarter_of

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "data" / "examples" / "small"
PERIODS = ["--baseline", "2026-01:2026-03", "--trial", "2026-04:2026-09", "--json"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-Q1", (2026, 1)), ("2026Q2", (2026, 2)), ("2026K3", (2026, 3)),
    ("2026-K4", (2026, 4)), ("Q1 2026", (2026, 1)), ("K2 2026", (2026, 2)),
    ("1. kvt. 2026", (2026, 1)), ("3. kvartal 2026", (2026, 3)), ("2 kvt 2026", (2026, 2)),
    ("2026-05", None), ("2026-Q5", None), ("5. kvt. 2026", None),
])  # fmt: skip
def test_quarter_spellings(text: str, expected: tuple[int, int] | None) -> None:
    assert quarter_of(text) == expected


def test_sick_hours_are_days_at_7_4() -> None:
    frame = read_bytes("enhed;måned;årsværk;sygetimer\nJura;2026-01;10;74\nJura;2026-02;10;"
                       "37\n".encode(), "sygefravær.csv")
    assert list(frame.columns) == ["unit", "month", "fte", "sick_days"]
    assert frame["sick_days"].tolist() == pytest.approx([10.0, 5.0])
    assert HOURS_PER_DAY == 7.4


def test_a_quarter_is_spread_over_its_months() -> None:
    frame = read_bytes(b"unit,month,fte,sick_days\nJura,2026-Q1,12,30\nJura,2026-04,12,9\n"
                       b"Jura,2. kvt. 2026,1,3\n".replace(b"2. kvt. 2026", b"2026K3"),
                       "sickleave.csv")
    assert frame["month"].dt.strftime("%Y-%m").tolist() == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-07", "2026-08", "2026-09"]
    assert frame["sick_days"].tolist() == pytest.approx([10, 10, 10, 9, 1, 1, 1])
    assert frame["fte"].tolist() == [12, 12, 12, 12, 1, 1, 1]


def test_neither_days_nor_hours_is_a_missing_column() -> None:
    _, report = validate_bytes(b"unit,month,fte\nJura,2026-01,3\n", "sickleave.csv")
    assert any("column 'sick_days': missing required column" in line
               for line in report.lines())


def test_quarter_and_month_of_it_twice_is_a_problem() -> None:
    _, report = validate_bytes(b"unit,month,fte,sick_days\nJura,2026-Q1,3,1\n"
                               b"Jura,2026-01,3,1\n", "sickleave.csv")
    assert len(report.lines()) == 1 and ":3:" in report.lines()[0]


def _close(a: object, b: object, path: str = "") -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float | int):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), path
    else:
        assert a == b, path


def _evaluate(folder: Path) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["evaluate", str(folder), *PERIODS]) == 0
    return json.loads(buf.getvalue())


@pytest.mark.parametrize("spelling", ["{y}-Q{q}", "{y}K{q}", "{q}. kvt. {y}"])
def test_quarterly_hours_evaluate_as_the_monthly_days(tmp_path: Path, spelling: str) -> None:
    """The small example's sick leave per quarter and in hours: the same evaluation."""
    original = _evaluate(SMALL)
    sick = pd.read_csv(SMALL / "sickleave.csv")
    month = pd.PeriodIndex(sick["month"], freq="M")
    sick["quarter"] = [spelling.format(y=p.year, q=p.quarter) for p in month]
    quarterly = sick.groupby(["unit", "quarter"], sort=False).agg(
        fte=("fte", "mean"), sick_days=("sick_days", "sum")).reset_index()
    quarterly["sygetimer"] = np.round(quarterly.pop("sick_days") * HOURS_PER_DAY, 6)
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "sickleave.csv").unlink()
    quarterly.rename(columns={"unit": "enhed", "quarter": "måned", "fte": "årsværk"}).to_csv(
        folder / "sygefravær.csv", index=False, sep=";", decimal=",")
    _close(_evaluate(folder), original)
