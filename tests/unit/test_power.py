"""The smallest detectable effect (hjemmekit.power): by hand, by simulation, and from a
workbook before any data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit import power as P
from hjemmekit.io import DataSet as Data

ROOT = Path(__file__).resolve().parents[2]


def test_mde_by_hand() -> None:
    # 2 units of 10 per group, half answer, 2 waves before and 4 during, SD 1:
    # cells of 10*2*0.5*2 = 20 and 40 answer sets; var = 1*(1/20 + 1/40 + 1/20 + 1/40)
    i = P.PowerInputs((10, 10), (10, 10), response_rate=0.5, waves_baseline=2, waves_trial=4)
    assert P.se_did(i, 1.0) == pytest.approx(math.sqrt(0.15))
    from statistics import NormalDist

    assert P.Z_ALPHA == pytest.approx(NormalDist().inv_cdf(0.975), abs=1e-15)
    assert P.Z_POWER == pytest.approx(NormalDist().inv_cdf(0.80), abs=1e-15)
    # other levels: 90 % power at 1 %
    z = NormalDist().inv_cdf(0.995) + NormalDist().inv_cdf(0.9)
    assert P.mde(i, 1.0, alpha=0.01, power=0.9) == pytest.approx(z * math.sqrt(0.15))
    assert P.power_at(P.mde(i, 1.0, alpha=0.01, power=0.9), i, 1.0, alpha=0.01) == \
        pytest.approx(0.9, abs=1e-3)
    assert P.mde(i, 1.0) == pytest.approx((1.959963984540054 + 0.8416212335729143)
                                          * math.sqrt(0.15))
    assert P.mde(i, 2.0) == pytest.approx(2 * P.mde(i, 1.0))  # scales with the SD
    assert P.power_at(P.mde(i, 1.0), i, 1.0) == pytest.approx(0.80, abs=1e-3)


def test_design_effect_by_hand() -> None:
    # sizes 10 and 30, everyone answers, 1 wave: m = (100 + 900) / 40 = 25 answers per unit
    i = P.PowerInputs((10, 30), (20,), response_rate=1.0, waves_baseline=1, waves_trial=1,
                      icc=0.1)
    cells = i.cells()
    assert cells["trial_baseline"] == pytest.approx((40.0, 1 + (25 - 1) * 0.1))
    assert cells["comparison_during"] == pytest.approx((20.0, 1 + (20 - 1) * 0.1))
    var = 2 * 3.4 / 40 + 2 * 2.9 / 20
    assert P.se_did(i, 1.0) == pytest.approx(math.sqrt(var))


def _simulate_rejections(i: P.PowerInputs, sd: float, effect: float, reps: int,
                         rng: np.random.Generator) -> tuple[float, np.ndarray]:
    """Share of simulated trials whose 95 % HC1 interval excludes 0, and the DiDs.

    Each unit's answers in a period share a unit-period effect (variance icc*sd²); the
    rest is the answer's own (variance (1-icc)*sd²)."""
    hits = 0
    dids = np.empty(reps)
    for r in range(reps):
        means, vars_ = {}, {}
        for g, sizes in (("t", i.trial_sizes), ("c", i.comparison_sizes)):
            for p, w in (("b", i.waves_baseline), ("d", i.waves_trial)):
                ys = []
                for h in sizes:
                    k = int(round(h * i.response_rate * w))
                    shift = rng.normal(0, sd * math.sqrt(i.icc))
                    ys.append(shift + rng.normal(0, sd * math.sqrt(1 - i.icc), k))
                y = np.concatenate(ys) + (effect if (g, p) == ("t", "d") else 0.0)
                means[g, p], vars_[g, p] = y.mean(), y.var() / len(y)
        did = (means["t", "d"] - means["t", "b"]) - (means["c", "d"] - means["c", "b"])
        se = math.sqrt(sum(vars_.values()))
        dids[r] = did
        hits += abs(did) > P.Z_ALPHA * se
    return hits / reps, dids


def test_power_by_simulation() -> None:
    """At the MDE, about 80 % of simulated trials find the effect (seeded, ~1 s)."""
    rng = np.random.default_rng(20261202)
    i = P.PowerInputs((12, 8, 15), (10, 14), response_rate=0.7, waves_baseline=2,
                      waves_trial=3)
    sd = 0.9
    m = P.mde(i, sd)
    share, dids = _simulate_rejections(i, sd, m, 2000, rng)
    assert share == pytest.approx(0.80, abs=0.03)  # 2000 runs: SE of the share is 0.009
    assert dids.std() == pytest.approx(P.se_did(i, sd), rel=0.05)


def test_design_effect_by_simulation() -> None:
    """With unit-period effects, the DiD's spread is what the design effect says."""
    rng = np.random.default_rng(7)
    i = P.PowerInputs((20, 30, 25, 15), (25, 20, 30), response_rate=0.8, waves_baseline=1,
                      waves_trial=1, icc=0.05)
    _, dids = _simulate_rejections(i, 1.0, 0.0, 1500, rng)
    assert dids.std() == pytest.approx(P.se_did(i, 1.0), rel=0.06)
    naive = P.se_did(P.PowerInputs(i.trial_sizes, i.comparison_sizes, 0.8, 1, 1, 0.0), 1.0)
    assert dids.std() > 1.3 * naive  # clustering matters here, and the design effect sees it


def test_what_would_help() -> None:
    i = P.PowerInputs((10, 12), (11, 9), response_rate=0.6, waves_baseline=2, waves_trial=3)
    sd, size = 1.0, 0.4
    assert P.mde(i, sd) > size
    b, t = P.waves_needed(i, sd, size)
    assert P.mde(P.PowerInputs(i.trial_sizes, i.comparison_sizes, 0.6, b, t), sd) <= size
    assert P.mde(P.PowerInputs(i.trial_sizes, i.comparison_sizes, 0.6, b - 1, t), sd) > size \
        or P.mde(P.PowerInputs(i.trial_sizes, i.comparison_sizes, 0.6, b, t - 1), sd) > size
    k = P.units_needed(i, sd, size)
    assert k is not None and k > 0

    def with_units(k: int) -> float:
        return P.mde(P.PowerInputs(i.trial_sizes + (11.0,) * k,
                                   i.comparison_sizes + (10.0,) * k, 0.6, 2, 3), sd)

    assert with_units(k) <= size < with_units(k - 1)
    assert P.response_rate_needed(i, sd, size) is None  # even 100 % is not enough here
    rate = P.response_rate_needed(i, sd, 0.85)
    assert rate is not None and 0.6 < rate < 1

    def at(r: float) -> float:
        return P.mde(P.PowerInputs(i.trial_sizes, i.comparison_sizes, r, 2, 3), sd)

    assert at(rate) <= 0.85 < at(rate - 0.01)
    # with clustering, more waves stop helping: none is enough for a tiny target
    ci = P.PowerInputs((10, 12), (11, 9), 0.6, 2, 3, icc=0.2)
    assert P.waves_needed(ci, sd, 0.2) is None


def test_bad_inputs() -> None:
    with pytest.raises(P.PowerError):
        P.PowerInputs((10,), (10,), response_rate=0)
    with pytest.raises(P.PowerError):
        P.PowerInputs((10,), (10,), waves_baseline=0)
    with pytest.raises(P.PowerError):
        P.PowerInputs((10,), (10,), icc=1.0)
    assert P.mde(P.PowerInputs((), (10,)), 1.0) == math.inf


def _workbook(trial: list[str], comparison: list[str]):
    from datetime import date

    from hjemmekit.model import Goal, Workbook

    wb = Workbook()
    wb.trial.trial_units, wb.trial.comparison_units = trial, comparison
    wb.trial.baseline_start, wb.trial.baseline_end = date(2026, 1, 1), date(2026, 3, 31)
    wb.trial.start, wb.trial.end = date(2026, 4, 1), date(2026, 9, 30)
    wb.goals.goals = [
        Goal(id="big", indicator_kind="survey", indicator="concentration", target_value=0.8,
             direction="increase"),
        Goal(id="small", indicator_kind="survey", indicator="concentration",
             target_value=0.1, direction="increase"),
        Goal(id="none", indicator_kind="survey", indicator="wellbeing", direction="keep"),
    ]
    return wb


def test_for_workbook_before_any_data() -> None:
    """Design: only a units file; waves from the periods (3 and 6 months); default SD."""
    units = pd.DataFrame({"unit": ["A", "B", "C", "D", "E"],
                          "group": ["trial", "trial", "comparison", "comparison", None],
                          "parent": [None, None, None, None, "A"],
                          "headcount": [20.0, 15.0, 30.0, 10.0, 5.0]})
    wb = _workbook(["A", "B"], ["C", "D"])
    plan = P.for_workbook(wb, Data(units=units), response_rate=0.5)
    assert plan.problem is None
    assert plan.inputs.trial_sizes == (20.0, 15.0, 5.0)  # E is below A
    assert (plan.inputs.waves_baseline, plan.inputs.waves_trial) == (3, 6)
    by_q = {q.question: q for q in plan.questions}
    assert set(by_q) == {"concentration", "wellbeing"}
    c = by_q["concentration"]
    assert c.sd == P.DEFAULT_SD and c.sd_source == "default"
    assert c.mde == pytest.approx(P.mde(plan.inputs, 1.0))
    targets = {t.goal_id: t for t in c.targets}
    assert targets["big"].detectable is True and targets["big"].waves is None
    assert targets["small"].detectable is False
    assert targets["small"].extra_units_per_group is not None
    assert by_q["wellbeing"].targets[0].detectable is None  # no target figure
    d = c.to_dict()
    assert {"question", "mde", "sd", "targets", "answers", "design_effect"} <= set(d)


def test_for_workbook_says_what_is_missing() -> None:
    units = pd.DataFrame({"unit": ["A", "C"], "group": ["trial", "comparison"]})
    assert P.for_workbook(_workbook(["A"], ["C"]), Data(units=units)).problem == "no_headcount"
    # without units in step 5, the units file's group column is used; without that, none
    assert P.for_workbook(_workbook([], []), Data(units=units)).problem == "no_headcount"
    bare = units.drop(columns="group")
    assert P.for_workbook(_workbook([], []), Data(units=bare)).problem == "no_units"
    none = P.for_workbook(_workbook(["A"], ["C"]), None)
    assert none.problem == "no_headcount" and none.missing == []
    part = units.assign(headcount=[12.0, None])
    some = P.for_workbook(_workbook(["A"], ["C"]), Data(units=part))
    assert some.problem == "no_headcount" and some.missing == ["C"]


def test_for_workbook_on_the_example_uses_baseline_sds() -> None:
    from hjemmekit import trialdata
    from hjemmekit.model import load_workbook

    wb = load_workbook((ROOT / "data/examples/workbooks/mellemstor-evalueret.json").read_text())
    data = trialdata.load(ROOT / "data/examples/medium")
    plan = P.for_workbook(wb, data)
    assert plan.problem is None and len(plan.questions) == 7
    assert all(q.sd_source == "baseline" and 0.5 < q.sd < 1.5 for q in plan.questions)
    conc = next(q for q in plan.questions if q.question == "concentration")
    assert conc.targets and conc.targets[0].detectable is True


def test_evaluation_power_in_the_json() -> None:
    from hjemmekit import trialdata
    from hjemmekit.model import load_workbook

    wb = load_workbook((ROOT / "data/examples/workbooks/mellemstor-evalueret.json").read_text())
    data = trialdata.load(ROOT / "data/examples/medium")
    ev = trialdata.evaluate(wb, data)
    j = ev.to_json_dict()["power"]
    assert [p["question"] for p in j] == ev.questions
    for p in j:
        assert p["mde"] > 0 and p["mde_cluster"] > 0 and p["sd_source"] == "baseline"
        assert (p["waves_baseline"], p["waves_trial"]) == (3, 6)
        assert 0.5 < p["response_rate"] < 1
    # the observed DiD's HC1 interval is about as wide as the power figure says
    q = ev.question("concentration")
    se = (q.did.ci95[1] - q.did.ci95[0]) / (2 * P.Z_ALPHA)
    assert j[0]["mde"] == pytest.approx((P.Z_ALPHA + P.Z_POWER) * se, rel=0.15)


def test_evaluation_power_uses_no_hidden_count() -> None:
    """When a group figure is hidden, the power figures use no observed answer count (the
    pooled rate less the other group's count would give the hidden one away)."""
    from hjemmekit.evaluation import Design, evaluate

    rng = np.random.default_rng(3)
    parts = []
    for unit, counts in (("A", [3, 8, 8, 8]), ("E", [9, 9, 9, 9])):  # A: 3 in a wave
        for when, k in zip(["2026-02-10", "2026-03-10", "2026-05-10", "2026-06-10"], counts,
                           strict=True):
            parts.append(pd.DataFrame({"date": pd.Timestamp(when), "unit": unit,
                                       "role": "employee", "q1": rng.normal(3, 1, k)}))
    units = pd.DataFrame({"unit": ["A", "E"], "group": ["trial", "comparison"],
                          "headcount": [12.0, 12.0]})
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), ["A"], ["E"])
    data = Data(units=units, survey=pd.concat(parts), questions=["q1"])
    ev = evaluate(data, d)
    assert ev.question("q1").trial.baseline.suppressed
    (p,) = ev.to_json_dict()["power"]
    assert p["response_rate"] == P.DEFAULT_RESPONSE_RATE and p["sd_source"] == "default"
    assert p["mde_cluster"] is None
    data.units = units.drop(columns="headcount")
    assert evaluate(data, d).to_json_dict()["power"] == []
