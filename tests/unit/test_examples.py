"""Tests of the seeded example generator (small, medium and large only: fast)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit import examples as ex

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "examples"

COLUMNS = {
    "units": ["unit", "group", "parent", "headcount", "desks"],
    "survey": [
        "date",
        "unit",
        "role",
        *ex.QUESTIONS,
        "home_days_wanted",
        "home_days_actual",
        "seniority_years",
        "commute_minutes",
        "age_group",
    ],
    "sickleave": ["unit", "month", "fte", "sick_days"],
    "production": ["unit", "period", "metric", "value"],
    "dialogue": ["date", "unit", "theme", "note"],
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return ex.generate("small", 1)


@pytest.fixture(scope="module")
def medium() -> dict[str, pd.DataFrame]:
    return ex.generate("medium", 1)


@pytest.fixture(scope="module")
def medium_csv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The medium example as written to CSV and read back as plain text."""
    out = tmp_path_factory.mktemp("medium")
    ex.write(ex.generate("medium", 1), out)
    return {
        kind: pd.read_csv(out / f"{kind}.csv", dtype=str, keep_default_na=False)
        for kind in ex.KINDS
    }


def _with_cells(survey: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Survey rows in the baseline or trial with group and post (0/1) added."""
    group = dict(zip(units["unit"], units["group"], strict=True))
    month = survey["date"].dt.strftime("%Y-%m")
    out = survey.assign(group=survey["unit"].astype(str).map(group), month=month)
    out = out[out["group"].isin(["trial", "comparison"])]
    base = out["month"].between(*ex.BASELINE)
    trial = out["month"].between(*ex.TRIAL)
    out = out[base | trial].copy()
    out["post"] = out["month"].between(*ex.TRIAL).astype(int)
    return out


def _did(cells: pd.DataFrame, column: str) -> float:
    m = cells.groupby(["group", "post"])[column].mean()
    return float((m["trial", 1] - m["trial", 0]) - (m["comparison", 1] - m["comparison", 0]))


# --- determinism -------------------------------------------------------------------


def test_same_seed_gives_equal_frames(small: dict[str, pd.DataFrame]) -> None:
    again = ex.generate("small", 1)
    assert list(again) == list(ex.KINDS)
    for kind in ex.KINDS:
        pd.testing.assert_frame_equal(small[kind], again[kind])


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    ex.write(ex.generate("small", 7), a)
    ex.write(ex.generate("small", 7), b)
    for kind in ex.KINDS:
        assert (a / f"{kind}.csv").read_bytes() == (b / f"{kind}.csv").read_bytes()


def test_different_seed_gives_different_data(small: dict[str, pd.DataFrame]) -> None:
    other = ex.generate("small", 2)
    for kind in ("survey", "sickleave", "production", "dialogue"):
        assert not small[kind].equals(other[kind]), kind
    m1, m2 = ex.generate("medium", 1), ex.generate("medium", 2)
    assert not m1["units"].equals(m2["units"])


def test_committed_examples_match_the_generator(tmp_path: Path) -> None:
    for size in ("small", "medium"):
        out = tmp_path / size
        ex.write(ex.generate(size, 1), out)
        for kind in ex.KINDS:
            committed = COMMITTED / size / f"{kind}.csv"
            assert committed.exists(), committed
            assert committed.read_bytes() == (out / f"{kind}.csv").read_bytes(), (
                f"{committed} differs from the generator: regenerate with "
                f"`hjemmekit examples --size {size} --seed 1 --out data/examples/{size}`"
            )


# --- sizes and shapes --------------------------------------------------------------


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_size_within_15_percent(size: str) -> None:
    frames = ex.generate(size, 1)
    employees = frames["units"]["headcount"].sum()
    assert abs(employees - ex.SIZES[size]) <= 0.15 * ex.SIZES[size]
    # about 75 % of the employees answer each wave
    waves = frames["survey"]["date"].nunique()
    assert waves == len(ex.months(size))
    assert 0.65 < len(frames["survey"]) / (employees * waves) < 0.85


def test_months_and_periods() -> None:
    assert ex.BASELINE == ("2026-01", "2026-03") and ex.TRIAL == ("2026-04", "2026-09")
    assert ex.months("small") == [f"2026-{m:02d}" for m in range(1, 10)]
    state = ex.months("state")
    assert len(state) == 12 and state[0] == ex.PRE[0] and state[-1] == ex.TRIAL[1]


def test_contract_columns_and_values(medium_csv: dict[str, pd.DataFrame]) -> None:
    for kind in ex.KINDS:
        assert list(medium_csv[kind].columns) == COLUMNS[kind], kind

    units = medium_csv["units"]
    names = set(units["unit"])
    assert units["unit"].is_unique
    assert set(units["group"]) == {"trial", "comparison", ""}
    assert set(units["parent"]) <= names | {""}
    assert (units["parent"] == "").sum() == 1
    headcount, desks = units["headcount"].astype(int), units["desks"].astype(int)
    assert (headcount >= 1).all() and (desks >= 1).all() and (desks <= headcount).all()
    assert desks.sum() < headcount.sum()  # desk sharing
    leaves = set(units["unit"]) - set(units["parent"])
    assert set(units.loc[units["group"] != "", "unit"]) <= leaves

    survey = medium_csv["survey"]
    assert survey["date"].str.match(ISO_DATE).all()
    assert set(survey["date"].str[8:]) == {f"{ex.SURVEY_DAY:02d}"}
    assert set(survey["unit"]) <= names
    assert set(survey["role"]) == {"employee", "manager"}
    for q in ex.QUESTIONS:
        answered = survey.loc[survey[q] != "", q].astype(int)
        assert answered.between(1, 5).all(), q
        assert len(answered) > 0.95 * len(survey), q
    for col in ("home_days_wanted", "home_days_actual"):
        assert survey[col].astype(int).between(0, 5).all(), col
    assert survey["seniority_years"].astype(int).between(0, 45).all()
    assert survey["commute_minutes"].astype(int).between(5, 150).all()
    assert set(survey["age_group"]) == set(ex.AGE_GROUPS)

    sick = medium_csv["sickleave"]
    assert sick["month"].str.match(ISO_MONTH).all()
    assert set(sick["unit"]) <= leaves
    assert (sick["fte"].astype(float) > 0).all()
    assert (sick["sick_days"].astype(int) >= 0).all()

    prod = medium_csv["production"]
    assert set(prod["metric"]) == set(ex.METRICS)
    assert prod["period"].str.match(ISO_MONTH).all()
    assert set(prod["unit"]) <= leaves
    assert (prod["value"].astype(float) > 0).all()

    dialogue = medium_csv["dialogue"]
    assert dialogue["date"].str.match(ISO_DATE).all()
    assert set(dialogue["unit"]) <= leaves
    assert set(dialogue["theme"]) == set(ex.THEMES)
    assert (dialogue["note"].str.len() > 20).all()
    assert dialogue["note"].nunique() > 40


def test_both_groups_present(small: dict[str, pd.DataFrame]) -> None:
    for frames in (small, ex.generate("medium", 1), ex.generate("medium", 5)):
        groups = set(frames["units"]["group"])
        assert {"trial", "comparison"} <= groups


def test_privacy_cases_in_small(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    in_groups = set(units.loc[units["group"] != "", "unit"])
    survey = small["survey"]
    survey = survey[survey["unit"].isin(in_groups)]
    counts = pd.crosstab(survey["unit"].astype(str), survey["date"])
    assert (counts.min(axis=1) < 5).any(), "no unit falls below 5 answers in a wave"
    assert (counts.min(axis=1) >= 5).any(), "no unit has 5 answers in every wave"
    fte = small["sickleave"].groupby("unit", observed=True)["fte"].mean()
    assert (fte < 10).any() and (fte >= 10).any()


# --- the built-in effects ----------------------------------------------------------


def test_effects_recoverable_by_naive_did(medium: dict[str, pd.DataFrame]) -> None:
    cells = _with_cells(medium["survey"], medium["units"])
    assert abs(_did(cells, "concentration") - ex.TRUE_EFFECTS["concentration"]) <= 0.2
    for q, effect in ex.TRUE_EFFECTS.items():
        assert abs(_did(cells, q) - effect) <= 0.2, q
    managers = cells[cells["role"] == "manager"]
    expected = ex.TRUE_EFFECTS["manager_support"] + ex.MANAGER_EFFECTS["manager_support"]
    assert abs(_did(managers, "manager_support") - expected) <= 0.2


def test_common_trend_separates_did_from_before_after(
    medium: dict[str, pd.DataFrame],
) -> None:
    cells = _with_cells(medium["survey"], medium["units"])
    comparison = cells[cells["group"] == "comparison"]
    change = comparison.groupby("post")["wellbeing"].mean()
    assert change[1] - change[0] > 0.05  # summer lifts everyone


def test_home_days(medium: dict[str, pd.DataFrame]) -> None:
    cells = _with_cells(medium["survey"], medium["units"])
    actual = cells.groupby(["group", "post"])["home_days_actual"].mean()
    assert 1.5 <= actual["trial", 1] <= 2.5
    assert actual["trial", 0] < 1 and actual["comparison", 0] < 1
    assert actual["comparison", 1] < 1
    survey = medium["survey"]
    wanted = survey["home_days_wanted"]
    assert (
        wanted[survey["commute_minutes"] > 45].mean()
        > wanted[survey["commute_minutes"] <= 15].mean() + 0.5
    )
    assert 0.05 < (survey["role"] == "manager").mean() < 0.15


def test_sick_leave_level_and_production() -> None:
    frames = ex.generate("large", 1)
    sick = frames["sickleave"]
    per_year = 12 * sick["sick_days"].sum() / sick["fte"].sum()
    assert 6.0 < per_year < 11.0  # about 8.3 a year, seasonally weighted
    prod = frames["production"]
    kinds = set(frames["units"]["group"])
    assert {"trial", "comparison"} <= kinds
    sat = prod.loc[prod["metric"] == "customer_satisfaction", "value"]
    assert sat.between(1, 5).all()


# --- the command -------------------------------------------------------------------


def test_examples_command_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "folder"
    assert ex.examples_command(size="small", seed=3, out=out) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.csv" for k in ex.KINDS)
    assert str(out) in capsys.readouterr().out
    assert ex.examples_command(size="small", seed=3, out=out) == 0  # overwrites


def test_examples_command_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file.csv"
    a_file.write_text("x\n", encoding="utf-8")
    assert ex.examples_command(size="small", seed=1, out=a_file) == 1
    err = capsys.readouterr().err
    assert "not a folder" in err and "Traceback" not in err
    assert ex.examples_command(size="small", seed=1, out=a_file / "sub") == 1
    assert "Traceback" not in capsys.readouterr().err


def test_examples_command_wrong_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ex.examples_command(size="huge", seed=1, out=tmp_path) == 2
    assert ex.examples_command(size="small", seed=-1, out=tmp_path) == 2
    assert "seed" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_cli_examples(tmp_path: Path) -> None:
    from hjemmekit.cli import main

    assert main(["examples", "--size", "small", "--seed", "1", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "survey.csv").read_bytes() == (
        COMMITTED / "small" / "survey.csv"
    ).read_bytes()


def test_generate_rejects_unknown_size() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        ex.generate("huge", 1)
    assert np.isclose(ex.SICK_DAYS_PER_FTE_YEAR, 8.3)
