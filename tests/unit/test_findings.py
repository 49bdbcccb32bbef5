"""What the trial showed in words (hjemmekit.findings): met, not met, cannot tell and
hidden, in Danish and English, for survey, sick-leave and production goals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hjemmekit import findings as F
from hjemmekit.evaluation import Design, evaluate
from hjemmekit.i18n import number
from hjemmekit.io import DataSet as Data
from hjemmekit.model import Goal, Workbook

WAVES = ["2026-01-15", "2026-02-15", "2026-03-15", "2026-05-15", "2026-06-15", "2026-07-15"]


def trial(effect: float, n_units: int = 12, size: int = 30, seed: int = 1,
          k: int = 5) -> tuple[Data, Design]:
    rng = np.random.default_rng(seed)
    t_units = [f"T{i}" for i in range(n_units)]
    c_units = [f"C{i}" for i in range(n_units)]
    parts = []
    for u in [*t_units, *c_units]:
        shock = rng.normal(0, 0.05)
        for when in WAVES:
            during = when >= "2026-04-01"
            y = 3 + shock + (u[0] == "T") * during * effect + rng.normal(0, 0.8, size)
            parts.append(pd.DataFrame({"date": pd.Timestamp(when), "unit": u,
                                       "role": "employee", "concentration": y}))
    units = pd.DataFrame({"unit": [*t_units, *c_units],
                          "group": ["trial"] * n_units + ["comparison"] * n_units,
                          "headcount": float(size)})
    data = Data(units=units, survey=pd.concat(parts, ignore_index=True),
                questions=["concentration"])
    return data, Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"),
                        t_units, c_units, min_answers=k)


def workbook(*goals: Goal) -> Workbook:
    wb = Workbook()
    wb.goals.goals = list(goals)
    return wb


def survey_goal(target: float | None, direction: str | None = "increase",
                indicator: str = "concentration") -> Goal:
    return Goal(id="g", indicator_kind="survey", indicator=indicator, target_value=target,
                direction=direction)


def one(data: Data, d: Design, goal: Goal, lang: str) -> F.Finding:
    ev = evaluate(data, d, workbook(goal))
    (f,) = F.findings(ev, lang)
    return f


# --- Verdicts --------------------------------------------------------------------------------


@pytest.mark.parametrize("ci,target,direction,verdict,zero", [
    ((0.33, 0.54), 0.3, "increase", "met", False),
    ((0.1, 0.25), 0.3, "increase", "not_met", False),
    ((0.2, 0.4), 0.3, "increase", "cannot_tell", False),
    ((-0.1, 0.2), 0.3, "increase", "not_met", True),
    ((-0.1, 0.2), None, "increase", "cannot_tell", True),
    ((0.05, 0.2), None, "increase", "met", False),
    ((-0.9, -0.5), 0.4, "decrease", "met", False),
    ((-0.5, -0.2), 0.4, "decrease", "cannot_tell", False),
    ((-0.05, 0.12), -0.1, "keep", "met", True),  # may fall at most 0.1: it did not
    ((-0.31, -0.14), -0.1, "keep", "not_met", False),
    ((-0.2, 0.1), -0.1, "keep", "cannot_tell", True),
    ((0.1, 0.4), 0.5, "keep", "met", False),  # may rise at most 0.5
    ((-0.1, 0.1), None, "keep", "cannot_tell", True),  # no change: cannot rule one out
    ((0.1, 0.3), None, "keep", "not_met", False),
    ((0.1, 0.3), -0.2, None, "not_met", False),  # a fall of 0.2 wanted
    ((0.1, 0.3), None, None, "cannot_tell", False),
])
def test_goal_verdict(ci, target, direction, verdict, zero) -> None:
    assert F.goal_verdict(ci, target, direction) == (verdict, zero)


def test_target_texts() -> None:
    assert F.target_text(0.3, "increase", "da") == "mindst +0,3"
    assert F.target_text(0.3, "increase", "en") == "at least +0.3"
    assert F.target_text(-0.1, "keep", "da") == "at det højst faldt 0,1"
    assert F.target_text(0.0, "decrease", "da") == "ingen stigning"
    assert F.target_text(None, "decrease", "en") == "a fall"
    assert F.target_text(None, None, "da") is None


# --- Survey sentences ------------------------------------------------------------------------


def test_met_reads_like_the_issue() -> None:
    data, d = trial(0.6)
    ev = evaluate(data, d, workbook(survey_goal(0.3)))
    q = ev.question("concentration")
    lo, hi = q.did.ci95_cluster
    (f,) = F.findings(ev, "da")
    assert f.verdict == "met" and f.interval == "cluster" and f.ci95 == (lo, hi)
    assert f.text.startswith(
        f"Koncentration steg {number(q.did.estimate, 'da', 2)} point mere i forsøgsenhederne "
        f"end i sammenligningsenhederne (95 %-interval {number(lo, 'da', 2)} til "
        f"{number(hi, 'da', 2)}; det tager højde for, at svar fra samme enhed hænger sammen")
    assert f.text.endswith("Målet var mindst +0,3: nået.")
    assert "," in number(q.did.estimate, "da", 2)  # Danish decimal comma
    en = F.findings(ev, "en")[0].text
    assert en.startswith(f"Concentration rose {number(q.did.estimate, 'en', 2)} points more")
    assert en.endswith("The goal was at least +0.3: met.")


def test_not_met_and_no_difference() -> None:
    data, d = trial(0.0)
    f = one(data, d, survey_goal(0.5), "da")
    assert f.verdict == "not_met"
    assert "Intervallet rummer 0, så forsøget kan ikke vise, at der var en forskel" in f.text
    assert f.text.endswith("Målet var mindst +0,5: ikke nået.")
    en = one(data, d, survey_goal(0.5), "en")
    assert "The interval includes 0, so the trial cannot show" in en.text
    assert en.text.endswith("The goal was at least +0.5: not met.")


def test_cannot_tell_when_the_target_is_inside() -> None:
    data, d = trial(0.3)
    f = one(data, d, survey_goal(0.3), "da")
    assert f.verdict == "cannot_tell"
    lo, hi = f.ci95
    assert lo < 0.3 < hi
    assert "forsøget kan ikke afgøre, om det blev nået, fordi målet ligger inden for " \
           "intervallet" in f.text
    en = one(data, d, survey_goal(0.3), "en")
    assert "the trial cannot tell whether it was met, because the target lies inside" in en.text


def test_hidden_says_why_and_shows_no_figure() -> None:
    data, d = trial(0.6, k=400)  # a group has 12 x 30 = 360 answer sets a wave
    for lang, words in (("da", "tallene er skjult, fordi færre end 400 har svaret"),
                        ("en", "the figures are hidden because fewer than 400 answered")):
        f = one(data, d, survey_goal(0.3), lang)
        assert f.verdict == "hidden" and f.ci95 is None
        assert words in f.text
        assert not any(ch.isdigit() for ch in f.text.replace("400", "").replace("0,3", "")
                       .replace("0.3", ""))


def test_few_units_use_hc1_and_say_it_may_be_too_narrow() -> None:
    data, d = trial(0.6, n_units=3)
    f = one(data, d, survey_goal(0.3), "da")
    ev = evaluate(data, d, workbook(survey_goal(0.3)))
    assert f.interval == "hc1" and f.ci95 == ev.question("concentration").did.ci95
    assert "med kun 3 forsøgs- og 3 sammenligningsenheder" in f.text
    assert "så det kan være for smalt" in f.text
    assert "so it may be too narrow" in one(data, d, survey_goal(0.3), "en").text


def test_unknown_question() -> None:
    data, d = trial(0.6)
    f = one(data, d, survey_goal(0.3, indicator="nope"), "en")
    assert f.verdict == "no_data" and "'nope' is not in the data" in f.text


# --- Sick leave and production ---------------------------------------------------------------


def _sick(trial_during: float, fte: float = 30.0) -> pd.DataFrame:
    rows = []
    for m in pd.date_range("2026-01-01", "2026-09-01", freq="MS"):
        during = m >= pd.Timestamp("2026-04-01")
        rows += [("T0", m, fte, trial_during if during else 20.0), ("C0", m, fte, 20.0)]
    return pd.DataFrame(rows, columns=["unit", "month", "fte", "sick_days"])


def test_sick_leave_sentences() -> None:
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), ["T0"], ["C0"])
    goal = Goal(id="s", indicator_kind="sickleave", indicator="sick_days", target_value=0.0,
                direction="decrease")
    ev = evaluate(Data(sickleave=_sick(10.0)), d, workbook(goal))
    (f,) = F.findings(ev, "da")
    # 12 * 10 / 30 - 12 * 20 / 30 = -4 days per FTE per year
    assert f.text == ("Sygefraværet faldt 4,0 dage pr. årsværk om året mere i forsøgsenhederne "
                      "end i sammenligningsenhederne (uden interval: tallene er alle sygedage, "
                      "ikke en stikprøve). Målet var ingen stigning: nået.")
    ev = evaluate(Data(sickleave=_sick(30.0)), d, workbook(goal))
    f = F.findings(ev, "en")[0]
    assert f.verdict == "not_met" and f.text.startswith("Sick leave rose 4.0 days per FTE")
    ev = evaluate(Data(sickleave=_sick(10.0, fte=6.0)), d, workbook(goal))
    f = F.findings(ev, "da")[0]
    assert f.verdict == "hidden" and "under 10 årsværk" in f.text and "4,0" not in f.text


def test_production_sentences() -> None:
    rows = []
    for m in pd.date_range("2026-01-01", "2026-09-01", freq="MS"):
        during = m >= pd.Timestamp("2026-04-01")
        rows += [("T0", m, "cases_closed", 110.0 if during else 100.0),
                 ("C0", m, "cases_closed", 100.0), ("T0", m, "own_metric", 5.0 + during)]
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), ["T0"], ["C0"])
    goals = [Goal(id="p", indicator_kind="production", indicator="cases_closed",
                  target_value=5.0, direction="increase"),
             Goal(id="q", indicator_kind="production", indicator="own_metric",
                  target_value=2.0, direction="increase")]
    ev = evaluate(Data(production=pd.DataFrame(rows, columns=["unit", "period", "metric",
                                                               "value"])), d, workbook(*goals))
    p, q = F.findings(ev, "da")
    assert p.text.startswith("Afsluttede sager steg 10,00 mere i forsøgsenhederne end i "
                             "sammenligningsenhederne")
    assert p.verdict == "met" and p.text.endswith("Målet var mindst +5: nået.")
    assert q.verdict == "not_met"
    assert "own_metric steg 1,00 i forsøgsenhederne (der er ingen tal fra " in q.text
    assert F.findings(ev, "en")[1].text.endswith("The goal was at least +2: not met.")


# --- Checks and power in words ---------------------------------------------------------------


def test_check_lines_both_languages() -> None:
    data, d = trial(0.6, n_units=3)
    ev = evaluate(data, d)
    da = F.check_lines(ev.checks, "da", d.min_answers)
    en = F.check_lines(ev.checks, "en", d.min_answers)
    assert len(da) == len(en) == len(ev.checks)
    assert any(line.startswith("[Advarsel] Er der enheder nok? Kun 3 forsøgs-") for line in da)
    assert any(line.startswith("[Warning] Are there enough units? Only 3 trial") for line in en)
    assert any(line.startswith("[OK] Fulgtes grupperne ad før forsøget? Koncentration:")
               for line in da)
    assert not any("{" in line for line in da + en)  # every field filled


def test_power_text() -> None:
    from hjemmekit import power as P

    i = P.PowerInputs((10, 12), (11, 9), response_rate=0.6, waves_baseline=2, waves_trial=3)
    (qp,) = P.plan(i, ["concentration"], None, [survey_goal(0.4)])
    da = F.power_text(qp, "da")
    assert da.startswith("Koncentration: med 2 forsøgs- og 2 sammenligningsenheder, en "
                         "svarprocent på 60\u00a0% og 2 målinger før og 3 under forsøget")
    assert f"forskel på {number(qp.mde, 'da', 2)} point" in da
    assert "Målet (mindst +0,4) er mindre, end forsøget kan se." in da
    b, t = qp.targets[0].waves
    assert f"{b} målinger før og {t} under forsøget" in da
    en = F.power_text(qp, "en")
    assert "It would help to have" in en and "more units in each group" in en


def test_plan_problem_text() -> None:
    from hjemmekit import power as P

    assert F.plan_problem_text(P.PowerPlan(), "da") is None
    assert F.plan_problem_text(P.PowerPlan(problem="no_units"), "en").startswith(
        "Choose trial and comparison units")
    text = F.plan_problem_text(P.PowerPlan(problem="no_headcount", missing=["Jura", "IT"]),
                               "da")
    assert "headcount) for Jura, IT," in text
    assert "no units file" in F.plan_problem_text(P.PowerPlan(problem="no_headcount"), "en")
