"""Charts of an evaluation: what is drawn, what is not (hidden figures), and the labels."""

from __future__ import annotations

import io
from datetime import date

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from hjemmekit import charts
from hjemmekit.evaluation import (
    Cell,
    Design,
    DiD,
    Evaluation,
    HomeDaysCount,
    Periods,
    QuestionResult,
    SickGroup,
    SickLeaveResult,
    TrendPoint,
)

HIDDEN_MONTH = date(2026, 6, 1)


def _ev() -> Evaluation:
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), ["A"], ["B"])
    ev = Evaluation(d, {"A": "trial", "B": "comparison"}, ["q1", "q2", "q3"])

    def periods(b: float, dur: float | None) -> Periods:
        during = Cell(dur, 40) if dur is not None else Cell(None, None, True)
        return Periods(Cell(b, 40), during)

    ev.survey = [
        QuestionResult("q1", periods(3.25, 3.75), periods(3.1, 3.2), DiD(0.4, (0.1, 0.7))),
        QuestionResult("q2", periods(2.5, 2.75), periods(2.4, 2.45), DiD(0.2, (-0.15, 0.55))),
        QuestionResult("q3", periods(3.0, None), periods(3.0, 3.1), DiD(None, suppressed=True)),
    ]
    months = [date(2026, m, 1) for m in range(1, 10)]
    for q in ("q1", "q2", "q3"):
        for g, base in (("trial", 3.2), ("comparison", 3.0)):
            for i, m in enumerate(months):
                hidden = g == "trial" and m == HIDDEN_MONTH
                value = None if hidden else base + 0.05 * i
                ev.trend.append(TrendPoint(q, g, m, value, None if hidden else 30, hidden))
    ev.sickleave = SickLeaveResult(
        SickGroup(Cell(8.25, 40.0), Cell(7.5, 41.0)),
        SickGroup(Cell(8.0, 55.0), Cell(None, None, True)),
        DiD(None, suppressed=True),
    )
    for g in ("trial", "comparison"):
        for days in range(6):
            hidden = g == "comparison" and days in (4, 5)
            ev.home_days.append(HomeDaysCount(g, "during", days, None if hidden else 10 + days,
                                              hidden))
    return ev


def _labels(fig: Figure) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + ax.get_xticklabels()]


def _bars(ax) -> list:
    return [p for c in ax.containers for p in c.patches]


def test_trend_one_line_per_group_and_hidden_month_left_out() -> None:
    fig = charts.trend_figure(_ev(), lang="da")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 3
    for ax in axes:
        lines = [ln for ln in ax.get_lines() if isinstance(ln, Line2D)]
        assert len(lines) == 2
        trial, comparison = lines
        assert to_hex(trial.get_color()) == charts.BLUE.lower()
        assert to_hex(comparison.get_color()) == charts.ORANGE.lower()
        assert trial.get_marker() != comparison.get_marker()
        assert trial.get_linestyle() != comparison.get_linestyle()
        ys = list(trial.get_ydata())
        assert len(ys) == 9 and sum(y == y for y in ys) == 8  # the hidden month is NaN
        assert len(ax.patches) == 1  # the shaded trial period
    texts = _labels(fig)
    assert any("," in t for t in texts) and not any("." in t for t in texts if t[:1].isdigit())


def test_trend_single_question_in_english() -> None:
    fig = charts.trend_figure(_ev(), "q2", lang="en")
    assert len(fig.axes) == 1
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "Trial period"
    nums = [t for t in _labels(fig) if t[:1].isdigit()]
    assert any("." in t for t in nums) and not any("," in t for t in nums)


def test_did_dot_and_whisker_skips_hidden() -> None:
    fig = charts.did_figure(_ev(), lang="da")
    ax = fig.axes[0]
    dots = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert len(dots) == 2  # q3 is hidden
    assert [list(d.get_xdata()) for d in dots] == [[0.4], [0.2]]
    assert len(ax.containers) == 2  # two error bars
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["q1", "q2"] and "skjult" in labels[2]
    zero = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0, 0]]
    assert zero
    assert any("," in t for t in _labels(fig))


def test_sickleave_bars_with_labels_hidden_cell_not_drawn() -> None:
    fig = charts.sickleave_figure(_ev(), lang="da")
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 3  # four cells, one hidden
    heights = sorted(round(b.get_height(), 6) for b in bars)
    assert heights == [7.5, 8.0, 8.25]
    texts = [t.get_text() for t in ax.texts]
    assert {"8,2", "7,5", "8,0"} <= set(texts) or {"8,3", "7,5", "8,0"} <= set(texts)
    assert "skjult" in texts
    hatches = {b.get_hatch() for b in bars}
    assert len(hatches) == 2  # trial and comparison differ without colour


def test_home_days_counts_only_where_shown() -> None:
    fig = charts.home_days_figure(_ev(), lang="en")
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 6 + 4
    assert all(b.get_height() >= 10 for b in bars)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3", "4", "5"]
    assert sum(t.get_text() == "hidden" for t in ax.texts) == 2


@pytest.mark.parametrize("make", [charts.trend_figure, charts.did_figure,
                                  charts.sickleave_figure, charts.home_days_figure])
def test_figures_render_to_png(make) -> None:
    fig = make(_ev(), lang="da")
    assert isinstance(fig, Figure)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_empty_evaluation_still_draws() -> None:
    d = Design(("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-09-30"), ["A"], ["B"])
    ev = Evaluation(d, {}, [])
    for make in (charts.trend_figure, charts.did_figure, charts.sickleave_figure,
                 charts.home_days_figure):
        make(ev, lang="en").savefig(io.BytesIO(), format="png", dpi=30)
