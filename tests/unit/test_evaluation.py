"""Trial evaluation: the contract numbers (checked against statsmodels), privacy and the
``hjemmekit evaluate`` command. Frames are built here directly (no ``hjemmekit.io``)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import types
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hjemmekit import evaluation as E
from hjemmekit import evaluation_text as ET
from hjemmekit.codes import factorize
from hjemmekit.evaluation import Design, DesignError, evaluate, parse_period
from hjemmekit.i18n import catalog
from hjemmekit.io import COLUMN_NAMES
from hjemmekit.io import DataSet as Data

BASE = ("2026-01-01", "2026-03-31")
TRIAL = ("2026-04-01", "2026-09-30")
WAVES = ["2026-02-10", "2026-03-10", "2026-05-10", "2026-06-10"]
ROOT = Path(__file__).resolve().parents[2]


def units_frame(trial: list[str], comparison: list[str], other: list[str] = ()) -> pd.DataFrame:
    names = [*trial, *comparison, *other]
    groups = ["trial"] * len(trial) + ["comparison"] * len(comparison) + [None] * len(other)
    return pd.DataFrame({"unit": names, "group": groups, "parent": [None] * len(names),
                         "headcount": 20.0, "desks": 15.0})


def random_survey(seed: int, n: int = 3000, questions: int = 3) -> Data:
    """Unbalanced cells, unequal unit sizes, missing answers, both roles."""
    rng = np.random.default_rng(seed)
    trial, comp = ["T1", "T2", "T3"], ["C1", "C2"]
    names = np.array([*trial, *comp, "X"])
    p = rng.dirichlet(np.ones(len(names)) * 2)
    u = rng.choice(len(names), n, p=p)
    dates = pd.to_datetime(WAVES + ["2026-04-20", "2026-12-01"])  # one outside, one after
    w = rng.choice(len(dates), n, p=[0.1, 0.15, 0.3, 0.3, 0.1, 0.05])
    df = pd.DataFrame({"date": dates[w], "unit": names[u],
                       "role": np.where(rng.random(n) < 0.25, "manager", "employee")})
    is_t = np.isin(names[u], trial)
    post = dates[w] >= pd.Timestamp("2026-04-01")
    qs = []
    for i in range(questions):
        scale = 1 + i
        y = 3 + 0.4 * is_t + 0.1 * post + 0.3 * is_t * post + rng.normal(0, scale, n)
        if i == 0:
            y = np.clip(np.rint(y), 1, 5)
        elif i == 2:
            y = 1000 + y * 1e-2  # a far-from-zero scale tests the numerics
        y[rng.random(n) < 0.07] = np.nan
        df[f"q{i}"] = y
        qs.append(f"q{i}")
    return Data(units=units_frame(trial, comp, ["X"]), survey=df, questions=qs)


def design(trial: list[str], comparison: list[str], k: int = 5, fte: float = 10.0) -> Design:
    return Design(BASE, TRIAL, trial, comparison, min_answers=k, min_fte=fte)


# --- Design ---------------------------------------------------------------------------


def test_parse_period() -> None:
    assert parse_period("2026-01:2026-03") == (date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period("2024-02:2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("2026-01-15:2026-03-10") == (date(2026, 1, 15), date(2026, 3, 10))
    assert parse_period("15.01.2026:10-03-2026") == (date(2026, 1, 15), date(2026, 3, 10))
    for bad in ("2026-01", "2026-03:2026-01", "2026-13:2026-14", "x:y", "2026-02-30:2026-03"):
        with pytest.raises(DesignError):
            parse_period(bad)


def test_design_checks() -> None:
    with pytest.raises(DesignError, match="overlap"):
        Design(("2026-01-01", "2026-04-30"), TRIAL, ["A"], ["B"])
    with pytest.raises(DesignError, match="both"):
        Design(BASE, TRIAL, ["A"], ["A"])
    d = Design.from_units(units_frame(["A"], ["B", "C"]), "2026-01:2026-03", "2026-04:2026-09")
    assert d.trial_units == ["A"] and d.comparison_units == ["B", "C"]
    assert d.trial == (date(2026, 4, 1), date(2026, 9, 30))


def test_children_follow_their_listed_parent() -> None:
    units = pd.DataFrame({
        "unit": ["Dir", "Kontor 1", "Team 1a", "Kontor 2", "Other"],
        "group": [None] * 5,
        "parent": [None, "Dir", "Kontor 1", "Dir", None],
    })
    d = Design(BASE, TRIAL, ["Dir"], ["Kontor 2", "Other"])
    groups = E.unit_groups(d, units)
    assert groups == {"Dir": "trial", "Kontor 1": "trial", "Team 1a": "trial",
                      "Kontor 2": "comparison", "Other": "comparison"}


def test_design_from_workbook() -> None:
    from hjemmekit.model import Workbook

    wb = Workbook()
    wb.trial.baseline_start, wb.trial.baseline_end = date(2026, 1, 1), date(2026, 3, 31)
    wb.trial.start, wb.trial.end = date(2026, 4, 1), date(2026, 9, 30)
    wb.trial.comparison_units = ["C1"]
    wb.trial.privacy.min_answers = 7
    d = Design.from_workbook(wb, units_frame(["T1", "T2"], ["C9"]))
    assert d.trial_units == ["T1", "T2"] and d.comparison_units == ["C1"]
    assert d.min_answers == 7 and d.baseline == (date(2026, 1, 1), date(2026, 3, 31))
    d2 = Design.from_workbook(wb, None, trial="2026-05:2026-06")
    assert d2.trial == (date(2026, 5, 1), date(2026, 6, 30))
    with pytest.raises(DesignError):
        Design.from_workbook(Workbook())


# --- The contract numbers against statsmodels ------------------------------------------


def _ols(df: pd.DataFrame, q: str, groups: dict[str, str],
         cov: str = "HC1") -> tuple[float, np.ndarray]:
    """statsmodels: answer ~ 1 + T + Post + T×Post with ``cov_type=cov`` (``"cluster"``:
    groups = unit), use_t=False."""
    sm = pytest.importorskip("statsmodels.api")
    d = df[df["unit"].isin(groups) & df[q].notna()]
    when = d["date"]
    post = (when >= "2026-04-01") & (when <= "2026-09-30")
    base = (when >= "2026-01-01") & (when <= "2026-03-31")
    d, post = d[post | base], post[post | base]
    t = d["unit"].map(groups).eq("trial").astype(float).to_numpy()
    p = post.astype(float).to_numpy()
    x = np.column_stack([np.ones(len(d)), t, p, t * p])
    kw = {"groups": pd.factorize(d["unit"])[0]} if cov == "cluster" else None
    res = sm.OLS(d[q].to_numpy(), x).fit(cov_type=cov, cov_kwds=kw, use_t=False)
    assert res.use_t is False
    return float(res.params[3]), res.conf_int(alpha=0.05)[3]


def _ols_hc1(df: pd.DataFrame, q: str, groups: dict[str, str]) -> tuple[float, np.ndarray]:
    return _ols(df, q, groups)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_did_matches_statsmodels_hc1(seed: int) -> None:
    data = random_survey(seed)
    d = design(["T1", "T2", "T3"], ["C1", "C2"], k=1)
    ev = evaluate(data, d)
    groups = E.unit_groups(d, data.units)
    assert [q.question for q in ev.survey] == data.questions
    for q in ev.survey:
        est, (lo, hi) = _ols_hc1(data.survey, q.question, groups)
        assert q.did.ci95 is not None
        scale = max(1.0, abs(est))
        assert abs(q.did.estimate - est) <= 1e-9 * scale
        assert abs(q.did.ci95[0] - lo) <= 1e-9 * scale
        assert abs(q.did.ci95[1] - hi) <= 1e-9 * scale
    # and per role: the same regression on each role's answer sets
    for r in ev.by_role:
        sub = data.survey[data.survey["role"] == r.role]
        est, (lo, hi) = _ols_hc1(sub, r.question, groups)
        assert r.did.estimate == pytest.approx(est, abs=1e-9)
        assert r.did.ci95 == pytest.approx((lo, hi), abs=1e-9)
    assert {r.role for r in ev.by_role} == {"employee", "manager"}


def _ols_cluster(df: pd.DataFrame, q: str, groups: dict[str, str]) -> tuple[float, np.ndarray]:
    return _ols(df, q, groups, "cluster")


def many_units_survey(seed: int, n_units: int = 14) -> tuple[Data, Design]:
    """Many units of unequal sizes with unit shocks, so clustering matters."""
    rng = np.random.default_rng(seed)
    trial = [f"T{i}" for i in range(n_units)]
    comp = [f"C{i}" for i in range(n_units + 3)]
    parts = []
    for u in [*trial, *comp]:
        size = int(rng.integers(3, 40))
        shock = rng.normal(0, 0.4)
        for when in WAVES:
            k = int(rng.binomial(size, 0.8))
            post = when >= "2026-04-01"
            y = (3 + shock + rng.normal(0, 0.3) + 0.3 * (u[0] == "T") * post
                 + rng.normal(0, 1, k))
            parts.append(pd.DataFrame({
                "date": pd.Timestamp(when), "unit": u,
                "role": np.where(rng.random(k) < 0.2, "manager", "employee"),
                "q1": np.clip(np.rint(y), 1, 5), "q2": y}))
    survey = pd.concat(parts, ignore_index=True)
    survey.loc[rng.random(len(survey)) < 0.05, "q2"] = np.nan
    return (Data(units=units_frame(trial, comp), survey=survey, questions=["q1", "q2"]),
            design(trial, comp, k=1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_did_cluster_matches_statsmodels(seed: int) -> None:
    """ci95_cluster: statsmodels' cluster covariance with its default G/(G-1)*(N-1)/(N-K)
    factor and the normal quantile (use_t=False), to 1e-10, per question and per role."""
    if seed <= 2:
        data = random_survey(seed)
        d = design(["T1", "T2", "T3"], ["C1", "C2"], k=1)
    else:
        data, d = many_units_survey(seed)
    ev = evaluate(data, d)
    groups = E.unit_groups(d, data.units)
    for q in ev.survey:
        est, (lo, hi) = _ols_cluster(data.survey, q.question, groups)
        assert q.did.ci95_cluster is not None
        scale = max(1.0, abs(est))
        assert abs(q.did.ci95_cluster[0] - lo) <= 1e-10 * scale
        assert abs(q.did.ci95_cluster[1] - hi) <= 1e-10 * scale
        assert q.did.units == (len({u for u in data.survey["unit"]
                                    if groups.get(u) == "trial"}),
                               len({u for u in data.survey["unit"]
                                    if groups.get(u) == "comparison"}))
    for r in ev.by_role:
        sub = data.survey[data.survey["role"] == r.role]
        est, (lo, hi) = _ols_cluster(sub, r.question, groups)
        assert r.did.ci95_cluster == pytest.approx((lo, hi), abs=1e-10 * max(1.0, abs(est)))
    j = ev.to_json_dict()
    assert all(len(x["did"]["ci95_cluster"]) == 2 for x in j["survey"] + j["by_role"])


def test_cluster_factor_is_statsmodels_default() -> None:
    """By hand: the sandwich sum of squared unit scores times G/(G-1)*(N-1)/(N-4)."""
    from hjemmekit import clustered

    # two units per group, one answer set per unit and period -> scores by hand
    rows = []
    values = {("A", 0): [1.0, 3.0], ("A", 1): [4.0], ("B", 0): [2.0], ("B", 1): [5.0, 7.0],
              ("E", 0): [2.0, 2.0], ("E", 1): [3.0], ("F", 0): [4.0], ("F", 1): [1.0, 2.0]}
    for (u, p), ys in values.items():
        rows += [{"date": pd.Timestamp(WAVES[1] if p == 0 else WAVES[2]), "unit": u,
                  "role": "employee", "q1": y} for y in ys]
    data = Data(units=units_frame(["A", "B"], ["E", "F"]), survey=pd.DataFrame(rows),
                questions=["q1"])
    ev = evaluate(data, design(["A", "B"], ["E", "F"], k=1))
    mean = {(g, p): np.mean([y for (u, pp), ys in values.items() for y in ys
                             if pp == p and (u in "AB") == (g == 1)])
            for g in (0, 1) for p in (0, 1)}
    n = {(g, p): sum(len(ys) for (u, pp), ys in values.items()
                     if pp == p and (u in "AB") == (g == 1)) for g in (0, 1) for p in (0, 1)}
    w = {(1, 1): 1, (1, 0): -1, (0, 1): -1, (0, 0): 1}
    score = {u: sum(w[(g, p)] / n[(g, p)] * sum(y - mean[(g, p)] for y in values[(u, p)])
                    for p in (0, 1))
             for u, g in (("A", 1), ("B", 1), ("E", 0), ("F", 0))}
    var = sum(s * s for s in score.values()) * 4 / 3 * (12 - 1) / (12 - 4)
    q = ev.question("q1")
    assert q.did.se_cluster == pytest.approx(math.sqrt(var), rel=1e-12)
    assert q.did.ci95_cluster[1] - q.did.estimate == pytest.approx(
        clustered.Z95 * math.sqrt(var), rel=1e-12)


def test_hidden_did_has_no_clustered_interval() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    for q in ev.survey:
        if q.did.suppressed:
            assert q.did.ci95_cluster is None
    assert any(q.did.suppressed for q in ev.survey + ev.by_role)
    assert all(r.did.ci95_cluster is None for r in ev.by_role if r.did.suppressed)


def test_group_means_and_counts() -> None:
    data = random_survey(7)
    d = design(["T1", "T2", "T3"], ["C1", "C2"], k=1)
    ev = evaluate(data, d)
    s = data.survey
    s = s[(s["date"] >= "2026-04-01") & (s["date"] <= "2026-09-30") & s["unit"].isin(["C1", "C2"])]
    q = ev.question("q1")
    assert q is not None
    assert q.comparison.during.n == s["q1"].notna().sum()
    assert q.comparison.during.value == pytest.approx(s["q1"].mean(), abs=1e-12)
    j = ev.to_json_dict()
    assert j["survey"][1]["comparison"]["n_during"] == s["q1"].notna().sum()


def test_statsmodels_ci_is_normal_not_t() -> None:
    """statsmodels uses the normal quantile for robust covariances; so must we."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(0)
    x = np.column_stack([np.ones(40), rng.normal(size=40)])
    res = sm.OLS(rng.normal(size=40), x).fit(cov_type="HC1")
    assert res.use_t is False
    lo = res.conf_int()[1][0]
    assert (res.params[1] - lo) / res.bse[1] == pytest.approx(E.Z95, abs=1e-12)


# --- Privacy --------------------------------------------------------------------------


def _answers(unit: str, when: str, n: int, rng: np.random.Generator,
             role: str = "employee") -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.Timestamp(when), "unit": unit, "role": role,
        "q1": rng.integers(1, 6, n).astype(float),
        "q2": rng.normal(3, 1, n),
        "home_days_wanted": rng.integers(0, 6, n).astype(float),
        "age_group": rng.choice(["<30", "30-49", "50+"], n),
    })


def privacy_data(seed: int = 3) -> tuple[Data, Design]:
    """Trial: A (one wave of 3 -> hidden during), B, C, D; D's managers hidden during.
    Comparison: E, F, G (G: 3 a wave at baseline -> hidden)."""
    rng = np.random.default_rng(seed)
    per_wave = {
        "A": [8, 8, 8, 3], "B": [6, 6, 6, 6], "C": [9, 9, 9, 9], "D": [30, 30, 30, 30],
        "E": [10, 10, 10, 10], "F": [12, 12, 12, 12], "G": [3, 3, 9, 9],
    }
    parts = []
    for unit, counts in per_wave.items():
        for when, n in zip(WAVES, counts, strict=True):
            parts.append(_answers(unit, when, n, rng))
    for when, n in zip(WAVES, [6, 6, 4, 6], strict=True):  # managers of D (trial)
        parts.append(_answers("D", when, n, rng, "manager"))
    for when in WAVES:  # managers of E (comparison): fine
        parts.append(_answers("E", when, 7, rng, "manager"))
    survey = pd.concat(parts, ignore_index=True)
    months = pd.date_range("2026-01-01", "2026-09-01", freq="MS")
    fte = {"A": 4, "B": 12, "C": 15, "D": 30, "E": 20, "F": 25, "G": 8}
    sick = pd.DataFrame([(u, m, float(f), float(rng.integers(0, 25))) for u, f in fte.items()
                         for m in months], columns=["unit", "month", "fte", "sick_days"])
    data = Data(units=units_frame(list("ABCD"), list("EFG")), survey=survey, sickleave=sick,
                questions=["q1", "q2"], background=["age_group"])
    return data, design(list("ABCD"), list("EFG"))


def _true_unit_means(data: Data, d: Design) -> dict[tuple[str, str, str], tuple[float, int]]:
    s = data.survey
    out = {}
    for period, (a, b) in (("baseline", d.baseline), ("during", d.trial)):
        sub = s[(s["date"] >= pd.Timestamp(a)) & (s["date"] <= pd.Timestamp(b))]
        for q in data.questions:
            for unit, g in sub.groupby("unit"):
                out[(unit, q, period)] = (float(g[q].mean()), int(g[q].notna().sum()))
    return out


def test_k_rule_is_per_wave_and_hides_n() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    fig = {(u.unit, u.measure, u.period): u for u in ev.units}
    a = fig[("A", "q1", "during")]  # 8 + 3 answers: 11 in all, but one wave has 3
    assert a.suppressed and a.value is None and a.n is None
    assert not fig[("A", "q1", "baseline")].suppressed
    g = fig[("G", "q1", "baseline")]
    assert g.suppressed and g.value is None and g.n is None
    # the group cells pass (every wave has >= 5 in the group), so the DiD is shown
    q1 = ev.question("q1")
    assert q1 is not None and q1.did.estimate is not None and not q1.did.suppressed
    j = ev.to_json_dict()
    for row in j["units"]:
        if row["suppressed"]:
            assert row["value"] is None and row["n"] is None


def test_secondary_suppression_hides_the_smallest_other_unit() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    hidden = {(u.unit, u.period) for u in ev.units if u.measure == "q1" and u.suppressed}
    # trial during: A primary, B (the smallest shown) secondary
    # comparison baseline: G primary, F (12 a wave; E has 10 + 7 managers) secondary
    assert hidden == {("A", "during"), ("B", "during"), ("G", "baseline"), ("F", "baseline")}
    sick_hidden = {(u.unit, u.period) for u in ev.units if u.measure == E.SICKLEAVE
                   and u.suppressed}
    # A (4 fte) and G (8 fte) fail; B (12) and E (20) are hidden with them
    assert sick_hidden == {(u, p) for u in "ABGE" for p in ("baseline", "during")}


def test_leaders_hidden_hide_employees_too() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    roles = {r.role: r for r in ev.by_role if r.question == "q1"}
    m, e = roles["manager"], roles["employee"]
    assert m.trial.during.suppressed and m.trial.during.value is None
    assert e.trial.during.suppressed and e.trial.during.value is None  # secondary
    assert not m.trial.baseline.suppressed and m.trial.baseline.value is not None
    assert m.did.suppressed and m.did.estimate is None and m.did.ci95 is None
    assert e.did.suppressed and e.did.estimate is None
    # the comparison group has no hidden role cells at all
    assert not m.comparison.during.suppressed and not e.comparison.during.suppressed


def test_group_cell_failing_hides_the_did() -> None:
    rng = np.random.default_rng(5)
    parts = [_answers(u, w, 20, rng) for u in ("A", "E") for w in WAVES]
    parts.append(_answers("E", "2026-06-20", 2, rng))  # a small extra wave in the comparison
    data = Data(units=units_frame(["A"], ["E"]), survey=pd.concat(parts), questions=["q1"])
    ev = evaluate(data, design(["A"], ["E"]))
    q = ev.question("q1")
    assert q is not None
    assert q.comparison.during.suppressed and q.comparison.during.value is None
    assert q.comparison.during.n is None
    assert q.did.suppressed and q.did.estimate is None and q.did.ci95 is None
    j = ev.to_json_dict()["survey"][0]
    assert j["comparison"]["during"] is None and j["comparison"]["n_during"] is None
    assert j["did"] == {"estimate": None, "ci95": None, "ci95_cluster": None}
    # the trend point of June is hidden as well, the other months are shown
    june = [p for p in ev.trend if p.group == "comparison" and p.month == date(2026, 6, 1)]
    assert june and all(p.suppressed and p.value is None for p in june)
    may = [p for p in ev.trend if p.group == "comparison" and p.month == date(2026, 5, 1)]
    assert may and not may[0].suppressed


def _attack_units(j: dict, measure_totals) -> dict[tuple[str, str, str], float]:
    """Everything a reader can subtract: group totals minus every shown unit."""
    groups = {u: g for g, names in j["design"]["units"].items() for u in names}
    recovered = {}
    for (measure, g, period), (total_sum, total_n) in measure_totals.items():
        rows = [u for u in j["units"] if u["measure"] == measure and u["period"] == period
                and groups.get(u["unit"]) == g]
        shown = [u for u in rows if u["value"] is not None]
        hidden = [u for u in rows if u["value"] is None]
        rest_n = total_n - sum(u["n"] for u in shown)
        rest = total_sum - sum(u["n"] * u["value"] for u in shown)
        if len(hidden) == 1 and rest_n > 0:
            recovered[(hidden[0]["unit"], measure, period)] = rest / rest_n
    return recovered


def _survey_totals(j: dict) -> dict:
    out = {}
    for q in j["survey"]:
        for g in ("trial", "comparison"):
            for p in ("baseline", "during"):
                mean, n = q[g][p], q[g][f"n_{p}"]
                if mean is not None and n is not None:
                    out[(q["question"], g, p)] = (mean * n, n)
    return out


def test_subtraction_attack_fails() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    j = json.loads(json.dumps(ev.to_json_dict(), allow_nan=False))
    truth = _true_unit_means(data, d)
    hidden = [(u["unit"], u["measure"], u["period"]) for u in j["units"]
              if u["suppressed"] and u["measure"] != E.SICKLEAVE]
    assert hidden

    # 1. units: group totals (mean x n) minus every shown unit
    recovered = _attack_units(j, _survey_totals(j))
    for key in hidden:
        assert key not in recovered
        assert all(not math.isclose(v, truth[key][0], rel_tol=1e-9) for v in recovered.values())

    # The attacker is not toothless: fill in the secondarily hidden units (those that
    # pass the k-rule themselves) and it does recover the primary one exactly.
    primary = {("A", "during"), ("G", "baseline")}
    naive = json.loads(json.dumps(j))
    for u in naive["units"]:
        key = (u["unit"], u["measure"], u["period"])
        if u["suppressed"] and u["measure"] != E.SICKLEAVE and (key[0], key[2]) not in primary:
            u["value"], u["n"] = truth[key]
    leaked = _attack_units(naive, _survey_totals(naive))
    assert leaked[("A", "q1", "during")] == pytest.approx(truth[("A", "q1", "during")][0],
                                                          rel=1e-9)

    # 2. roles: group total minus the shown role
    roles_hidden = 0
    for q in j["survey"]:
        for g in ("trial", "comparison"):
            for p in ("baseline", "during"):
                total, n = q[g][p], q[g][f"n_{p}"]
                roles = [r[g] for r in j["by_role"] if r["question"] == q["question"]]
                shown = [r for r in roles if r[p] is not None]
                roles_hidden += len(roles) - len(shown)
                for r in roles:
                    assert (r[p] is None) == (r[f"n_{p}"] is None)
                if total is not None and len(roles) == 2 and len(shown) == 1:
                    rest_n = n - shown[0][f"n_{p}"]
                    guess = (total * n - shown[0][p] * shown[0][f"n_{p}"]) / rest_n
                    pytest.fail(f"{q['question']} {g} {p}: hidden role is {guess}")
    assert roles_hidden >= 2

    # 3. sick leave: group totals (rate x fte x months / 12) minus every shown unit
    months = {"baseline": 3, "during": 6}
    sick_totals = {}
    for g in ("trial", "comparison"):
        for p in ("baseline", "during"):
            rate, fte = j["sickleave"][g][p], j["sickleave"][g][f"fte_{p}"]
            if rate is not None:
                sick_totals[(E.SICKLEAVE, g, p)] = (rate * fte * months[p], fte * months[p])
    sick_rows = json.loads(json.dumps(j))
    for u in sick_rows["units"]:
        if u["measure"] == E.SICKLEAVE and u["n"] is not None:
            u["n"] = u["n"] * months[u["period"]]
    assert not _attack_units(sick_rows, sick_totals)

    # 4. no hidden number appears anywhere in the output
    text = json.dumps(j)
    for key in hidden:
        if len(repr(truth[key][0])) > 8:  # a round mean such as 3.0 occurs by chance
            assert repr(truth[key][0]) not in text
    # and every partition with a shown total hides none or at least two units
    groups = {u: g for g, names in j["design"]["units"].items() for u in names}
    count: dict[tuple, int] = {}
    for u in j["units"]:
        key = (u["measure"], groups[u["unit"]], u["period"])
        count[key] = count.get(key, 0) + bool(u["suppressed"])
    assert all(c != 1 for c in count.values())


def test_text_output_never_prints_hidden_figures() -> None:
    data, d = privacy_data()
    ev = evaluate(data, d)
    text = ET.format_text(ev, "da")
    truth = _true_unit_means(data, d)
    line = next(x for x in text.splitlines() if x.startswith("A ") and "q1" in x
                and "Under" in x)
    assert "skjult" in line
    assert ET.format_text(ev, "en").count("hidden") >= 1
    assert repr(truth[("A", "q1", "during")][0]) not in text


def test_wishes_and_home_days_respect_k() -> None:
    data, d = privacy_data()
    s = data.survey
    s.loc[s.index[:3], "age_group"] = "90+"  # a tiny category
    ev = evaluate(data, d)
    age = {w.category: w for w in ev.wishes if w.background == "age_group"}
    assert age["90+"].suppressed and age["90+"].mean is None and age["90+"].n is None
    assert sum(w.suppressed for w in age.values()) >= 2  # secondary
    roles = {w.category for w in ev.wishes if w.background == "role"}
    assert roles == {"employee", "manager"}
    for h in ev.home_days:
        assert h.suppressed == (h.count is None)
        assert h.count is None or h.count == 0 or h.count >= d.min_answers


def test_numeric_background_in_bands() -> None:
    rng = np.random.default_rng(2)
    parts = [_answers(u, w, 40, rng) for u in ("A", "E") for w in WAVES]
    s = pd.concat(parts, ignore_index=True)
    s["seniority_years"] = rng.uniform(0, 30, len(s))
    data = Data(units=units_frame(["A"], ["E"]), survey=s, questions=["q1"],
                background=["seniority_years"])
    ev = evaluate(data, design(["A"], ["E"]))
    cats = [w.category for w in ev.wishes if w.background == "seniority_years"]
    assert cats == ["0-2", "2-5", "5-10", "10-20", "20+"]


# --- Sick leave, production, goals ----------------------------------------------------


def test_sickleave_rates_and_did() -> None:
    months = pd.date_range("2026-01-01", "2026-09-01", freq="MS")
    rows = []
    for m in months:
        during = m >= pd.Timestamp("2026-04-01")
        rows += [("A", m, 12.0, 6.0 if during else 9.0), ("B", m, 8.0, 4.0),
                 ("E", m, 30.0, 20.0)]
    sick = pd.DataFrame(rows, columns=["unit", "month", "fte", "sick_days"])
    sick.loc[len(sick)] = ("E", pd.Timestamp("2025-12-01"), 30.0, 99.0)  # outside
    data = Data(units=units_frame(["A", "B"], ["E"]), sickleave=sick)
    ev = evaluate(data, design(["A", "B"], ["E"]))
    s = ev.sickleave
    assert s is not None
    assert s.trial.baseline.value == pytest.approx(12 * 3 * 13 / (3 * 20))
    assert s.trial.during.value == pytest.approx(12 * 6 * 10 / (6 * 20))
    assert s.trial.baseline.n == pytest.approx(20.0)  # average årsværk per month
    assert s.comparison.baseline.value == pytest.approx(8.0)
    assert s.did.estimate == pytest.approx((6.0 - 7.8) - 0.0)
    j = ev.to_json_dict()["sickleave"]
    assert j["did"]["ci95"] is None and j["trial"]["fte_during"] == pytest.approx(20.0)
    units = {(u.unit, u.period): u for u in ev.units}
    # B (8 fte) fails alone; A is the only other trial unit so it is hidden as well
    assert units[("B", "baseline")].suppressed and units[("A", "baseline")].suppressed
    assert not units[("E", "during")].suppressed
    assert units[("E", "during")].value == pytest.approx(8.0)


def test_sickleave_group_below_min_fte_hides_the_did() -> None:
    months = pd.date_range("2026-01-01", "2026-09-01", freq="MS")
    sick = pd.DataFrame([(u, m, f, 2.0) for u, f in (("A", 6.0), ("E", 40.0)) for m in months],
                        columns=["unit", "month", "fte", "sick_days"])
    ev = evaluate(Data(sickleave=sick), design(["A"], ["E"]))
    assert ev.sickleave is not None
    assert ev.sickleave.trial.baseline.suppressed and ev.sickleave.trial.baseline.n is None
    assert ev.sickleave.did.estimate is None and ev.sickleave.did.suppressed


def test_production() -> None:
    rows = []
    for m in pd.date_range("2026-01-01", "2026-09-01", freq="MS"):
        during = m >= pd.Timestamp("2026-04-01")
        rows += [("A", m, "cases", 110.0 if during else 100.0), ("E", m, "cases", 50.0),
                 ("A", m, "only_trial", 5.0 + during)]
    prod = pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])
    ev = evaluate(Data(production=prod), design(["A"], ["E"]))
    by = {p.metric: p for p in ev.production}
    assert by["cases"].did.estimate == pytest.approx(10.0)
    assert by["only_trial"].did.estimate is None
    j = {p["metric"]: p for p in ev.to_json_dict()["production"]}
    assert j["cases"]["trial"]["change"] == pytest.approx(10.0)
    assert j["only_trial"]["trial"]["change"] == pytest.approx(1.0)


def test_goals() -> None:
    from hjemmekit.model import Goal, Workbook

    data = random_survey(11)
    months = pd.date_range("2026-01-01", "2026-09-01", freq="MS")
    data.sickleave = pd.DataFrame(
        [(u, m, 30.0, 10.0 if (u[0] == "T" and m.month >= 4) else 20.0)
         for u in ("T1", "T2", "C1") for m in months],
        columns=["unit", "month", "fte", "sick_days"])
    wb = Workbook()
    wb.goals.goals = [
        Goal(id="g1", indicator_kind="survey", indicator="q0", target_value=0.1,
             direction="increase"),
        Goal(id="g2", indicator_kind="survey", indicator="q0", target_value=5.0,
             direction="increase"),
        Goal(id="g3", indicator_kind="sickleave", indicator="sick_days", target_value=1.0,
             direction="decrease"),
        Goal(id="g4", indicator_kind="survey", indicator="nope", direction="keep"),
        Goal(id="g5", indicator_kind="dialogue", indicator="meetings"),
        Goal(id="g6", indicator_kind="survey", indicator="q1", target_value=10.0,
             direction="keep"),
    ]
    assert E._goal_status(-0.2, None, -0.1, "keep") == ("not_met", None)  # fell too much
    assert E._goal_status(0.5, None, -0.1, "keep") == ("met", None)  # did not fall
    assert E._goal_status(0.6, None, 0.5, "keep") == ("not_met", None)  # rose too much
    assert E._goal_status(0.3, (-0.1, 0.7), None, "keep") == ("met", None)
    assert E._goal_status(0.3, None, None, "keep") == ("unknown", "no_target")
    assert E._goal_status(-0.4, None, 0.0, "decrease") == ("met", None)
    assert E._goal_status(0.4, None, -0.3, None) == ("not_met", None)  # a decrease wanted
    ev = evaluate(data, design(["T1", "T2", "T3"], ["C1", "C2"], k=1), wb)
    status = {g.goal_id: (g.status, g.reason) for g in ev.goals}
    assert status == {"g1": ("met", None), "g2": ("not_met", None), "g3": ("met", None),
                      "g4": ("unknown", "unknown_indicator"), "g6": ("met", None)}
    g1 = ev.to_json_dict()["goals"][0]
    assert g1["estimate"] == ev.question("q0").did.estimate and len(g1["ci95"]) == 2


def test_goal_on_hidden_figure_is_unknown() -> None:
    from hjemmekit.model import Goal, Workbook

    rng = np.random.default_rng(1)
    parts = [_answers(u, w, 3, rng) for u in ("A", "E") for w in WAVES]
    wb = Workbook()
    wb.goals.goals = [Goal(id="g", indicator_kind="survey", indicator="q1",
                           direction="increase")]
    ev = evaluate(Data(survey=pd.concat(parts), questions=["q1"]), design(["A"], ["E"]), wb)
    assert ev.goals[0].status == "unknown" and ev.goals[0].reason == "suppressed"
    assert ev.goals[0].estimate is None


# --- JSON, edge cases, speed ----------------------------------------------------------


def test_json_shape_and_no_nan() -> None:
    data, d = privacy_data()
    data.dialogue = pd.DataFrame({"date": pd.to_datetime(["2026-02-01", "2026-06-01"]),
                                  "unit": ["A", "E"], "theme": ["møder", "udstyr"],
                                  "note": ["a private note", "another"]})
    j = evaluate(data, d).to_json_dict()
    text = json.dumps(j, ensure_ascii=False, allow_nan=False)
    assert "private note" not in text
    assert {"design", "survey", "sickleave", "units", "goals"} <= set(j)
    assert set(j["survey"][0]) == {"question", "trial", "comparison", "did"}
    assert set(j["survey"][0]["trial"]) == {"baseline", "during", "n_baseline", "n_during"}
    assert set(j["survey"][0]["did"]) == {"estimate", "ci95", "ci95_cluster"}
    assert {"checks", "power"} <= set(j)
    assert set(j["sickleave"]) == {"trial", "comparison", "did"}
    assert set(j["sickleave"]["trial"]) == {"baseline", "during", "fte_baseline", "fte_during"}
    assert set(j["units"][0]) == {"unit", "measure", "period", "n", "value", "suppressed"}
    assert {u["period"] for u in j["units"]} == {"baseline", "during"}
    assert j["design"]["baseline"] == ["2026-01-01", "2026-03-31"]
    assert j["dialogue"][0] == {"group": "trial", "period": "baseline", "theme": "møder",
                                "count": 1}
    assert isinstance(j["survey"][0]["trial"]["n_baseline"], int)


def test_empty_and_partial_data() -> None:
    d = design(["A"], ["E"])
    j = evaluate(Data(), d).to_json_dict()
    assert j["survey"] == [] and j["units"] == []
    assert j["sickleave"]["did"] == {"estimate": None, "ci95": None}
    # only a trial group answered: means shown, no DiD
    rng = np.random.default_rng(0)
    s = pd.concat([_answers("A", w, 10, rng) for w in WAVES])
    ev = evaluate(Data(survey=s, questions=["q1", "missing"]), d)
    q = ev.question("q1")
    assert q is not None and q.trial.baseline.value is not None
    assert q.comparison.baseline.value is None and q.comparison.baseline.n == 0
    assert q.did.estimate is None and not q.did.suppressed
    assert any(w.code == "question_not_found" for w in ev.warnings)
    assert any(w.code == "unit_not_found" and w.fields["unit"] == "E" for w in ev.warnings)
    json.dumps(ev.to_json_dict(), allow_nan=False)


def test_units_missing_from_the_units_file_are_named_in_a_warning() -> None:
    rng = np.random.default_rng(1)
    units = pd.DataFrame({"unit": ["A", "E"], "group": ["trial", "comparison"],
                          "parent": [None, None]})
    survey = pd.concat([_answers(u, w, 6, rng) for u in ("A", "E", "Ee", "F") for w in WAVES])
    sick = pd.DataFrame({"unit": ["A", "E"], "month": pd.to_datetime(["2026-01-01"] * 2),
                         "fte": [12.0, 12.0], "sick_days": [3.0, 4.0]})
    ev = evaluate(Data(units=units, survey=survey, sickleave=sick, questions=["q1"]),
                  design(["A"], ["E"]))
    found = [w for w in ev.warnings if w.code == "units_not_listed"]
    assert [w.fields for w in found] == [
        {"file": "survey.csv", "count": 2, "units": "'Ee', 'F'"}]  # sick leave: all listed
    assert "units_not_listed" in json.dumps(ev.to_json_dict())
    text = ET.format_text(ev, "da")
    assert "2 enhed(er) i survey.csv står ikke i enhedsfilen: 'Ee', 'F'" in text
    # without a units file there is nothing to compare with
    ev = evaluate(Data(survey=survey, questions=["q1"]), design(["A"], ["E"]))
    assert not [w for w in ev.warnings if w.code == "units_not_listed"]


def test_fast_on_many_rows() -> None:
    """A modest size here (the 2-million-row timing is in the benchmarks)."""
    import time

    rng = np.random.default_rng(0)
    n = 200_000
    units = np.array([f"u{i}" for i in range(300)])
    s = pd.DataFrame({
        "date": pd.to_datetime(WAVES)[rng.integers(0, 4, n)],
        "unit": units[rng.integers(0, 300, n)],
        "role": np.where(rng.random(n) < 0.1, "manager", "employee"),
        **{f"q{i}": rng.integers(1, 6, n).astype(float) for i in range(8)},
    })
    d = Design(BASE, TRIAL, list(units[:100]), list(units[100:200]))
    t0 = time.perf_counter()
    ev = evaluate(Data(survey=s, questions=[f"q{i}" for i in range(8)]), d)
    assert time.perf_counter() - t0 < 5
    assert len(ev.survey) == 8 and len(ev.units) == 8 * 200 * 2


# --- Catalogs and the command ---------------------------------------------------------


def test_catalogs_have_the_same_keys() -> None:
    da = {k for k in catalog("da") if k.startswith("evaluation.")}
    en = {k for k in catalog("en") if k.startswith("evaluation.")}
    assert da == en and "evaluation.hidden" in da


@pytest.fixture
def fake_io(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    mod = types.ModuleType("hjemmekit.io")

    class DataError(ValueError):
        pass

    mod.DataError = DataError  # type: ignore[attr-defined]
    mod.payload = None  # type: ignore[attr-defined]

    def read_data_dir(path: object) -> object:
        if mod.payload is None:  # type: ignore[attr-defined]
            raise DataError("survey.csv: line 3, column date: not a date\n"
                            "units.csv: line 2, column group: unknown group")
        return mod.payload  # type: ignore[attr-defined]

    mod.read_data_dir = read_data_dir  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hjemmekit.io", mod)
    return mod


def test_command_json(fake_io, tmp_path, capsys) -> None:
    data, _ = privacy_data()
    fake_io.payload = data
    rc = ET.evaluate_command(tmp_path, baseline="2026-01:2026-03", trial="2026-04:2026-09",
                            as_json=True)
    out, err = capsys.readouterr()
    assert rc == 0, err
    j = json.loads(out)
    assert "NaN" not in out
    assert j["design"]["trial_units"] == list("ABCD")
    assert j["survey"][0]["did"]["estimate"] is not None


def test_command_text_is_danish_by_default(fake_io, tmp_path, capsys) -> None:
    fake_io.payload = privacy_data()[0]
    assert ET.evaluate_command(tmp_path, baseline="2026-01:2026-03",
                              trial="2026-04:2026-09") == 0
    out = capsys.readouterr().out
    assert "Forskel-i-forskelle" in out and "skjult" in out
    assert any("," in tok for tok in out.split() if tok[:1].isdigit())
    assert ET.evaluate_command(tmp_path, baseline="2026-01:2026-03",
                              trial="2026-04:2026-09", lang="en") == 0
    assert "Diff-in-diff" in capsys.readouterr().out


def test_command_errors(fake_io, tmp_path, capsys) -> None:
    assert ET.evaluate_command(tmp_path) == 2
    assert "--baseline" in capsys.readouterr().err
    assert ET.evaluate_command(tmp_path, baseline="2026-01:2026-03", trial="2026-04") == 2
    assert "FROM:TO" in capsys.readouterr().err
    assert ET.evaluate_command(tmp_path, baseline="2026-01:2026-03", trial="2026-04:2026-09") == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["survey.csv: line 3, column date: not a date",
                                "units.csv: line 2, column group: unknown group"]
    bad = tmp_path / "wb.json"
    bad.write_text("{not json")
    assert ET.evaluate_command(tmp_path, workbook=bad) == 1
    assert "wb.json" in capsys.readouterr().err
    fake_io.payload = Data(units=units_frame([], []))
    assert ET.evaluate_command(tmp_path, baseline="2026-01:2026-03",
                              trial="2026-04:2026-09") == 2
    assert "group" in capsys.readouterr().err
    assert ET.evaluate_command(tmp_path / "nowhere", baseline="2026-01:2026-03",
                              trial="2026-04:2026-09") == 1


def test_command_with_workbook(fake_io, tmp_path, capsys) -> None:
    from hjemmekit.model import Goal, Workbook

    data, _ = privacy_data()
    fake_io.payload = data
    wb = Workbook()
    wb.trial.baseline_start, wb.trial.baseline_end = date(2026, 1, 1), date(2026, 3, 31)
    wb.trial.start, wb.trial.end = date(2026, 4, 1), date(2026, 9, 30)
    wb.trial.trial_units, wb.trial.comparison_units = ["A", "B", "C", "D"], ["E", "F", "G"]
    wb.goals.goals = [Goal(id="g1", indicator_kind="survey", indicator="q1",
                           direction="increase")]
    path = tmp_path / "wb.json"
    path.write_text(wb.to_json())
    assert ET.evaluate_command(tmp_path, workbook=path, as_json=True) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["goals"][0]["goal_id"] == "g1"
    assert j["goals"][0]["status"] in ("met", "not_met")


def test_cli_evaluate(fake_io, tmp_path, capsys) -> None:
    from hjemmekit.cli import main

    fake_io.payload = privacy_data()[0]
    rc = main(["evaluate", str(tmp_path), "--baseline", "2026-01:2026-03",
               "--trial", "2026-04:2026-09", "--json"])
    out = capsys.readouterr().out
    assert rc == 0 and json.loads(out)["units"]
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("seed", range(20))
def test_factorize_of_a_categorical_is_pd_factorize(seed: int) -> None:
    """Codes of a categorical column give pd.factorize's codes and values: the values
    that occur, in order of first appearance (or sorted), missing as -1."""
    rng = np.random.default_rng(seed)
    names = [f"enhed {i:03d}" for i in rng.permutation(int(rng.integers(1, 400)))]
    n = int(rng.integers(0, 300_000))
    # skewed, so that some names first appear late and some never
    rows = np.minimum(rng.geometric(8 / len(names), n) - 1, len(names) - 1) if n else []
    values = np.array(names, dtype=object)[np.asarray(rows, dtype=np.intp)]
    values[rng.random(n) < 0.05] = None
    order = names if seed % 2 else sorted(names)  # categories in any order
    column = pd.Series(pd.Categorical(values, categories=order))
    for sort in (False, True):
        codes, uniques = factorize(column, sort=sort)
        want_codes, want_uniques = pd.factorize(values.astype(object), sort=sort)
        np.testing.assert_array_equal(codes, want_codes)
        assert list(uniques) == list(want_uniques)


def _as_danish_excel(src: Path, dst: Path) -> None:
    """The example folder as a Danish Excel user saves it: Danish file and column names,
    Danish groups and roles, semicolons, decimal commas, Danish dates, cp1252 and CRLF;
    the units as an XLSX workbook."""
    names = {"units": "enheder", "survey": "spørgeskema", "sickleave": "sygefravær",
             "production": "produktion", "dialogue": "dialogmøder"}
    danish = {kind: {en: da[0] for en, da in cols.items()}
              for kind, cols in COLUMN_NAMES.items()}
    values = {"trial": "forsøg", "comparison": "sammenligning", "employee": "medarbejder",
              "manager": "leder"}
    dst.mkdir()
    for kind, stem in names.items():
        frame = pd.read_csv(src / f"{kind}.csv", dtype=str, keep_default_na=False)
        for column in ("group", "role"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: values.get(v, v))
        if "date" in frame:  # 2026-03-31 -> 31.03.2026
            frame["date"] = frame["date"].str.replace(
                r"(\d{4})-(\d{2})-(\d{2})", r"\3.\2.\1", regex=True)
        frame = frame.rename(columns=danish[kind])
        if kind == "units":
            frame.to_excel(dst / f"{stem}.xlsx", index=False)
            continue
        for column in frame:  # decimal commas in the columns of numbers
            if frame[column].str.fullmatch(r"-?\d+(\.\d+)?|").all():
                frame[column] = frame[column].str.replace(".", ",", regex=False)
        text = frame.to_csv(index=False, sep=";", lineterminator="\r\n")
        (dst / f"{stem}.csv").write_bytes(text.encode("cp1252"))


def test_danish_excel_dialect_gives_the_same_evaluation(tmp_path: Path) -> None:
    """A hidden data set may come in Danish spreadsheet dialects: the JSON must not change."""
    from hjemmekit.cli import main

    src = ROOT / "data" / "examples" / "small"
    _as_danish_excel(src, tmp_path / "da")
    outputs = []
    for folder in (src, tmp_path / "da"):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = main(["evaluate", str(folder), "--baseline", "2026-01:2026-03",
                         "--trial", "2026-04:2026-09", "--json"])
        assert code == 0
        outputs.append(json.loads(buf.getvalue()))
    assert outputs[0]["survey"] and outputs[0]["units"]
    assert outputs[1] == outputs[0]
