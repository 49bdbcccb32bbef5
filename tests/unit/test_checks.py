"""The checks of a trial (hjemmekit.checks): planted problems raise their warnings, the
figures equal statsmodels and hand computations, privacy holds, the examples are clean."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit import checks as C
from hjemmekit.evaluation import Design, evaluate
from hjemmekit.io import DataSet as Data

ROOT = Path(__file__).resolve().parents[2]
BASE_WAVES = ["2026-01-15", "2026-02-15", "2026-03-15"]
TRIAL_WAVES = ["2026-04-15", "2026-05-15", "2026-06-15", "2026-07-15", "2026-08-15",
               "2026-09-15"]


def units_frame(trial: list[str], comparison: list[str], heads: dict[str, int]) -> pd.DataFrame:
    names = [*trial, *comparison]
    return pd.DataFrame({"unit": names,
                         "group": ["trial"] * len(trial) + ["comparison"] * len(comparison),
                         "parent": [None] * len(names),
                         "headcount": [float(heads[u]) for u in names]})


def make_data(
    seed: int = 1,
    n_units: int = 12,
    pre_trend: float = 0.0,
    level_gap: float = 0.0,
    rate_drop_trial: float = 0.0,
    base_waves: list[str] = BASE_WAVES,
    size: tuple[int, int] = (20, 40),
) -> tuple[Data, Design]:
    """Trial and comparison units answering monthly; ``pre_trend`` points per month added
    to the trial group's answers (all months, so the groups move apart from the start);
    ``level_gap`` added to the trial group; ``rate_drop_trial`` taken off the trial
    group's response rate during the trial."""
    rng = np.random.default_rng(seed)
    trial = [f"T{i:02d}" for i in range(n_units)]
    comp = [f"C{i:02d}" for i in range(n_units)]
    heads = {u: int(rng.integers(*size)) for u in [*trial, *comp]}
    parts = []
    for u in [*trial, *comp]:
        is_t = u[0] == "T"
        shock = rng.normal(0, 0.15)
        for when in [*base_waves, *TRIAL_WAVES]:
            during = when >= "2026-04-01"
            rate = 0.75 - (rate_drop_trial if is_t and during else 0.0)
            k = int(rng.binomial(heads[u], rate))
            month = (pd.Timestamp(when).year - 2026) * 12 + pd.Timestamp(when).month - 1
            y = (3 + shock + is_t * (level_gap + pre_trend * month + 0.3 * during)
                 + rng.normal(0, 0.9, k))
            parts.append(pd.DataFrame({"date": pd.Timestamp(when), "unit": u,
                                       "role": "employee", "q1": y,
                                       "q2": np.clip(np.rint(y), 1, 5)}))
    survey = pd.concat(parts, ignore_index=True)
    data = Data(units=units_frame(trial, comp, heads), survey=survey, questions=["q1", "q2"])
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), trial, comp,
               min_answers=5)
    return data, d


def by(checks: list[C.Check], code: str, question: str | None = "q1") -> C.Check:
    return next(c for c in checks if c.code == code and c.question == question)


# --- parallel_trends -------------------------------------------------------------------------


def test_planted_pre_trend_warns_and_a_clean_trial_does_not() -> None:
    data, d = make_data(pre_trend=0.12)
    ev = evaluate(data, d)
    c = by(ev.checks, "parallel_trends")
    assert c.status == "warning" and c.reason == "moving_apart"
    assert c.figures["slope_difference"] == pytest.approx(0.12, abs=0.06)
    assert c.figures["interval"] == "cluster"
    lo, hi = c.figures["ci95"]
    assert lo > 0
    # drift = slope difference x months from the baseline answers' mean date to mid-trial
    assert c.figures["drift"] == pytest.approx(
        c.figures["slope_difference"] * c.figures["months_to_trial_middle"])
    # mid-February (the baseline answers' mean) to the trial's middle (1 July)
    assert c.figures["months_to_trial_middle"] == pytest.approx(4.5, abs=0.05)
    clean, d = make_data(pre_trend=0.0)
    assert by(evaluate(clean, d).checks, "parallel_trends").status == "ok"


def _ols_trend(data: Data, q: str, cov: str) -> tuple[float, np.ndarray]:
    sm = pytest.importorskip("statsmodels.api")
    s = data.survey
    s = s[(s["date"] <= "2026-03-31") & s[q].notna()]
    t = s["unit"].str.startswith("T").astype(float).to_numpy()
    when = pd.to_datetime(s["date"])
    # months from January 2026 (statsmodels loses digits on months since year 0)
    month = ((when.dt.year - 2026) * 12 + when.dt.month - 1 + 0.5).to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(s)), t, month, t * month])
    kw = {"groups": pd.factorize(s["unit"])[0]} if cov == "cluster" else None
    res = sm.OLS(s[q].to_numpy(), x).fit(cov_type=cov, cov_kwds=kw, use_t=False)
    return float(res.params[3]), res.conf_int()[3]


@pytest.mark.parametrize("n_units", [4, 12])
def test_trend_interval_matches_statsmodels(n_units: int) -> None:
    """HC1 with few units, clustered by unit with enough: statsmodels' numbers."""
    data, d = make_data(seed=5, n_units=n_units, pre_trend=0.03)
    ev = evaluate(data, d)
    for q in ("q1", "q2"):
        c = by(ev.checks, "parallel_trends", q)
        cov = "cluster" if n_units >= C.MIN_UNITS else "HC1"
        assert c.figures["interval"] == ("cluster" if cov == "cluster" else "hc1")
        est, (lo, hi) = _ols_trend(data, q, cov)
        assert c.figures["slope_difference"] == pytest.approx(est, abs=1e-10)
        assert c.figures["ci95"] == pytest.approx([lo, hi], abs=1e-10)


def test_one_baseline_wave_is_not_possible() -> None:
    data, d = make_data(base_waves=["2026-02-15"])
    c = by(evaluate(data, d).checks, "parallel_trends")
    assert c.status == "not_possible" and c.reason == "one_baseline_wave"
    assert "slope_difference" not in c.figures
    assert c.figures["baseline_waves_trial"] == 1


def test_small_baseline_wave_hides_the_trend_figures() -> None:
    data, d = make_data(n_units=2, size=(3, 5))
    ev = evaluate(data, d)
    c = by(ev.checks, "parallel_trends")
    assert c.status == "not_possible" and c.reason == "hidden"
    assert c.figures == {}
    b = by(ev.checks, "baseline_difference")
    assert b.status == "not_possible" and b.figures == {}


# --- baseline_difference ----------------------------------------------------------------------


def test_baseline_difference_by_hand_and_warning() -> None:
    data, d = make_data(level_gap=0.5)
    ev = evaluate(data, d)
    c = by(ev.checks, "baseline_difference")
    s = data.survey[data.survey["date"] <= "2026-03-31"]
    g = s.groupby(s["unit"].str[0])["q1"]
    pooled = math.sqrt(((g.count() - 1) * g.var()).sum() / (g.count() - 1).sum())
    diff = g.mean()["T"] - g.mean()["C"]
    assert c.figures["difference"] == pytest.approx(diff, abs=1e-10)
    assert c.figures["baseline_sd"] == pytest.approx(pooled, abs=1e-10)
    assert c.figures["std_difference"] == pytest.approx(diff / pooled, abs=1e-10)
    assert c.status == "warning" and c.figures["std_difference"] > C.MAX_STD_DIFFERENCE
    close, d = make_data(level_gap=0.0)
    assert by(evaluate(close, d).checks, "baseline_difference").status == "ok"


# --- few_units -----------------------------------------------------------------------------------


def test_few_units_warns_below_the_threshold() -> None:
    data, d = make_data(n_units=4)
    c = by(evaluate(data, d).checks, "few_units")
    assert c.status == "warning"
    assert (c.figures["units_trial"], c.figures["units_comparison"]) == (4, 4)
    assert len(c.figures["ci95_hc1"]) == 2 and len(c.figures["ci95_cluster"]) == 2
    data, d = make_data(n_units=C.MIN_UNITS)
    assert by(evaluate(data, d).checks, "few_units").status == "ok"


# --- response_rates ------------------------------------------------------------------------------


def test_response_rate_falling_in_one_group_warns() -> None:
    data, d = make_data(rate_drop_trial=0.3)
    ev = evaluate(data, d)
    c = by(ev.checks, "response_rates", None)
    assert c.status == "warning" and c.reason == "changed_differently"
    assert c.figures["change_trial"] == pytest.approx(-0.3, abs=0.05)
    assert c.figures["change_comparison"] == pytest.approx(0.0, abs=0.05)
    # by hand: mean answer sets per wave over the group's headcount
    s, u = data.survey, data.units
    heads = u[u["unit"].str.startswith("T")]["headcount"].sum()
    during = s[(s["date"] >= "2026-04-01") & s["unit"].str.startswith("T")]
    assert c.figures["rate_trial_during"] == pytest.approx(len(during) / 6 / heads)
    same, d = make_data()
    assert by(evaluate(same, d).checks, "response_rates", None).status == "ok"


def test_response_rates_need_headcounts() -> None:
    data, d = make_data()
    data.units = data.units.drop(columns="headcount")
    c = by(evaluate(data, d).checks, "response_rates", None)
    assert c.status == "not_possible" and c.reason == "no_headcount"


# --- Shape, privacy, the examples --------------------------------------------------------------


def test_json_shape() -> None:
    data, d = make_data()
    j = evaluate(data, d).to_json_dict()
    text = json.dumps(j["checks"], allow_nan=False)
    assert "NaN" not in text
    codes = {c["code"] for c in j["checks"]}
    assert codes == set(C.CODES)
    for c in j["checks"]:
        assert {"code", "status", "question"} <= set(c)
        assert c["status"] in ("ok", "warning", "not_possible")
    assert sum(c["code"] == "parallel_trends" for c in j["checks"]) == 2  # per question


def _example(name: str, workbook: str | None) -> object:
    from hjemmekit import trialdata
    from hjemmekit.model import load_workbook

    data = trialdata.load(ROOT / "data" / "examples" / name)
    if workbook is None:
        return evaluate(data, Design.from_units(data.units, "2026-01:2026-03",
                                                "2026-04:2026-09"))
    wb = load_workbook((ROOT / "data" / "examples" / "workbooks" / workbook).read_text())
    return trialdata.evaluate(wb, data)


@pytest.mark.parametrize("name,workbook", [("medium", "mellemstor-evalueret.json"),
                                           ("medium", "mellemstor-besluttet.json"),
                                           ("medium", None), ("small", None)])
def test_examples_raise_no_parallel_trends_warning(name: str, workbook: str | None) -> None:
    ev = _example(name, workbook)
    pts = [c for c in ev.checks if c.code == "parallel_trends"]
    assert pts and all(c.status == "ok" for c in pts), [c.to_dict() for c in pts]


def test_checks_never_show_figures_of_a_hidden_group() -> None:
    """A trial baseline wave with 3 answers (k = 5): the group's baseline figures are
    hidden, so the checks built on them give no figures."""
    data, d = make_data(n_units=1, size=(20, 21))
    s = data.survey
    small = s.index[(s["unit"] == "T00") & (s["date"] == "2026-02-15")][3:]
    data.survey = s.drop(index=small)
    ev = evaluate(data, d)
    for code in ("parallel_trends", "baseline_difference"):
        c = by(ev.checks, code)
        assert c.status == "not_possible" and c.reason == "hidden" and c.figures == {}
    rr = by(ev.checks, "response_rates", None)
    assert rr.status == "not_possible" and rr.reason == "hidden"
    assert not any(k.startswith(("rate", "answers")) for k in rr.figures)
