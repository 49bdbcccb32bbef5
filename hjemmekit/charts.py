"""Matplotlib figures of a trial evaluation (no widgets, no pyplot state).

Every function takes an ``Evaluation`` and a language and returns a
``matplotlib.figure.Figure``. Hidden figures are ``None`` in the evaluation and are
never drawn. Colours are the Okabe-Ito blue and orange (colour-blind safe); the
groups also differ by marker, line style and hatch, so the figures read in black and
white. Danish figures use a decimal comma.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from matplotlib.dates import AutoDateLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter

from hjemmekit.i18n import number, t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hjemmekit.evaluation import Cell, Evaluation

BLUE = "#0072B2"
ORANGE = "#E69F00"
GROUPS = ("trial", "comparison")
STYLE: dict[str, dict[str, Any]] = {
    "trial": {"color": BLUE, "marker": "o", "linestyle": "-"},
    "comparison": {"color": ORANGE, "marker": "s", "linestyle": "--"},
}
HATCH = {"trial": "", "comparison": "//"}
_LOCALES = {"da": "da_DK", "en": "en_GB"}


def _t(key: str, lang: str, **fields: object) -> str:
    return t(f"evaluation.{key}", lang, **fields)


class LocalFormatter(ScalarFormatter):
    """Matplotlib's tick numbers, with a decimal comma in Danish."""

    def __init__(self, lang: str = "da") -> None:
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos)
        return text.replace(".", ",") if self.lang == "da" else text


def _number_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(LocalFormatter(lang))


def _month_axis(ax: Axes, lang: str) -> None:
    loc = _LOCALES.get(lang, "da_DK")

    def fmt(x: float, _pos: int | None = None) -> str:
        return format_date(num2date(x).date(), "MMM yy", locale=loc)

    ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=7))
    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _note(fig: Figure, text: str) -> None:
    """A small note under the figure (laid out by the figure, never over the axes)."""
    fig.supxlabel(text, fontsize=7, x=0.01, ha="left")


def _hidden_note(fig: Figure, ev: Evaluation, lang: str) -> None:
    _note(fig, _t("chart_hidden_note", lang, k=ev.design.min_answers))


# --- (1) Trend ------------------------------------------------------------------------


def trend_figure(
    ev: Evaluation, questions: Sequence[str] | str | None = None, lang: str = "da"
) -> Figure:
    """Monthly means per group for each question, with the trial period shaded.

    Hidden months are left out (the line breaks there).
    """
    if isinstance(questions, str):
        questions = [questions]
    qs = list(questions) if questions is not None else list(ev.questions)
    ncols = 1 if len(qs) <= 1 else 2
    nrows = max(1, (len(qs) + ncols - 1) // ncols)
    fig = _new_figure(6.4 * ncols if ncols > 1 else 7.0, 3.2 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    start, end = ev.design.trial
    first = min(ev.design.baseline[0], start).replace(day=1)
    last = max(ev.design.baseline[1], end)
    months = sorted({p.month for p in ev.trend})
    for i, ax in enumerate(axes):
        if i >= len(qs):
            ax.remove()
            continue
        q = qs[i]
        ax.axvspan(date2num(start), date2num(end + timedelta(days=1)), color="0.85",
                   zorder=0, label=_t("legend_trial_period", lang))
        for g in GROUPS:
            points = {p.month: p.value for p in ev.trend if p.question == q and p.group == g}
            if not points:
                continue
            xs = [date2num(m) for m in months if m in points]
            ys = [points[m] if points[m] is not None else float("nan")
                  for m in months if m in points]
            ax.plot(xs, ys, label=_t(f"group_{g}", lang), markersize=5, **STYLE[g])
        ax.set_xlim(date2num(first) - 10, date2num(last) + 10)
        ax.set_title(question_text(q, lang, 60), fontsize=9)
        ax.set_ylabel(_t("axis_mean", lang))
        _month_axis(ax, lang)
        _number_axis(ax.yaxis, lang)
        ax.grid(axis="y", color="0.9")
    if qs:
        axes[0].legend(fontsize=8, loc="best")
    fig.suptitle(_t("chart_trend_title", lang))
    _hidden_note(fig, ev, lang)
    return fig


# --- (2) DiD --------------------------------------------------------------------------


def question_text(question: str, lang: str = "da", width: int = 38) -> str:
    """A question's wording (known questions) wrapped for a chart, else its column name."""
    import textwrap

    from hjemmekit.trialdata import question_label

    return textwrap.fill(question_label(question, lang), width)


def did_figure(ev: Evaluation, lang: str = "da") -> Figure:
    """The difference-in-differences of each question with its 95 % interval."""
    qs = ev.survey
    fig = _new_figure(7.0, 1.2 + 0.6 * max(1, len(qs)))
    ax = fig.subplots()
    ax.axvline(0, color="black", linestyle=":", linewidth=1)
    labels = []
    for i, q in enumerate(qs):
        label = question_text(q.question, lang)
        d = q.did
        if d.suppressed or d.estimate is None:
            label += f" ({_t('hidden' if d.suppressed else 'no_data', lang)})"
        elif d.ci95 is not None:
            lo, hi = d.ci95
            ax.errorbar([d.estimate], [i], xerr=[[d.estimate - lo], [hi - d.estimate]],
                        fmt="o", color=BLUE, ecolor=BLUE, capsize=4, markersize=6)
        else:
            ax.plot([d.estimate], [i], "o", color=BLUE)
        labels.append(label)
    ax.set_yticks(range(len(qs)), labels)
    ax.set_ylim(-0.7, max(len(qs), 1) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(_t("axis_did", lang))
    _number_axis(ax.xaxis, lang)
    ax.grid(axis="x", color="0.9")
    fig.suptitle(_t("chart_did_title", lang))  # centred on the figure, not the narrow axes
    return fig


# --- (3) Sick leave -------------------------------------------------------------------


def _bar_group(
    ax: Axes, xs: Sequence[float], cells: Sequence[Cell], g: str, width: float, lang: str,
    digits: int = 1,
) -> None:
    shown = [(x, c.value) for x, c in zip(xs, cells, strict=True) if c.value is not None]
    for x, c in zip(xs, cells, strict=True):
        if c.suppressed:
            ax.text(x, 0, _t("hidden", lang), ha="center", va="bottom", fontsize=7,
                    rotation=90)
    bars = ax.bar([x for x, _ in shown], [v for _, v in shown], width=width,
                  color=STYLE[g]["color"], hatch=HATCH[g], edgecolor="black", linewidth=0.6,
                  label=_t(f"group_{g}", lang))
    if shown:
        ax.bar_label(bars, labels=[number(v, lang, digits) for _, v in shown], fontsize=8,
                     padding=2)


def sickleave_figure(ev: Evaluation, lang: str = "da") -> Figure:
    """Sick-leave days per årsværk per year, per group, before and during the trial."""
    fig = _new_figure(6.0, 4.0)
    ax = fig.subplots()
    s = ev.sickleave
    width = 0.36
    if s is not None:
        for j, (g, grp) in enumerate((("trial", s.trial), ("comparison", s.comparison))):
            xs = [p + (j - 0.5) * width for p in (0, 1)]
            _bar_group(ax, xs, [grp.baseline, grp.during], g, width, lang)
    else:
        ax.text(0.5, 0.5, _t("no_data", lang), transform=ax.transAxes, ha="center")
    ax.set_xticks([0, 1], [_t("period_baseline", lang), _t("period_during", lang)])
    ax.set_ylabel(_t("axis_days_per_fte", lang))
    ax.margins(y=0.25)
    _number_axis(ax.yaxis, lang)
    if ax.containers:
        ax.legend(fontsize=8, loc="upper center", ncols=2)
    ax.set_title(_t("chart_sick_title", lang))
    _note(fig, _t("chart_hidden_note_fte", lang, fte=number(ev.design.min_fte, lang, 0)))
    return fig


# --- (4) Home days wanted -------------------------------------------------------------


def home_days_figure(ev: Evaluation, period: str = "during", lang: str = "da") -> Figure:
    """How many answer sets want 0-5 home days a week, per group (hidden counts left out)."""
    fig = _new_figure(6.4, 4.0)
    ax = fig.subplots()
    width = 0.4
    from hjemmekit.evaluation import Cell

    for j, g in enumerate(GROUPS):
        counts = {h.days: h for h in ev.home_days if h.group == g and h.period == period}
        if not counts:
            continue
        days = list(range(6))
        cells = []
        for d in days:
            h = counts.get(d)
            value = None if h is None or h.count is None else float(h.count)
            cells.append(Cell(value, None, bool(h is not None and h.suppressed)))
        _bar_group(ax, [d + (j - 0.5) * width for d in days], cells, g, width, lang, digits=0)
    ax.set_xticks(range(6), [str(d) for d in range(6)])
    ax.set_xlabel(_t("axis_home_days", lang))
    ax.set_ylabel(_t("axis_count", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _number_axis(ax.yaxis, lang)
    ax.margins(y=0.25)
    if ax.containers:
        ax.legend(fontsize=8, loc="upper center", ncols=2)
    else:
        ax.text(0.5, 0.5, _t("no_data", lang), transform=ax.transAxes, ha="center")
    ax.set_title(_t("chart_homedays_title", lang, period=_t(f"period_{period}", lang)))
    _hidden_note(fig, ev, lang)
    return fig


def month_label(d: date, lang: str = "da") -> str:
    """A month as the trend chart writes it (``mar. 26`` / ``Mar 26``)."""
    return format_date(d, "MMM yy", locale=_LOCALES.get(lang, "da_DK"))
