"""Matplotlib figures of a scenario comparison (no widgets, no pyplot state).

Two figures, each a ``matplotlib.figure.Figure``: office occupancy per weekday (one
bar per scenario, the desks as a dashed line) and wishes met (one stacked bar per
scenario: fewer days than wished, as wished, more). Okabe-Ito colours (colour-blind
safe), each series also with its own hatch, so they read in black and white; Danish
labels with a decimal comma. The alt texts for the app say what the figures show, with
the numbers.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from hjemmekit.i18n import DEFAULT_LANGUAGE, number, percent, t
from hjemmekit.model import WEEKDAYS
from hjemmekit.scenarios import count, day_name, people

if TYPE_CHECKING:
    from matplotlib.axis import Axis

    from hjemmekit.scenarios import Comparison

__all__ = [
    "COLOURS",
    "HATCHES",
    "figure_png",
    "occupancy_alt",
    "occupancy_figure",
    "wishes_alt",
    "wishes_figure",
]

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
"""Okabe-Ito blue, orange, bluish green, reddish purple: one per scenario."""
HATCHES = ("", "//", "..", "xx")
WISH_STYLE = {
    "fewer": {"color": "#D55E00", "hatch": "xx"},
    "exact": {"color": "#009E73", "hatch": ""},
    "more": {"color": "#56B4E9", "hatch": "//"},
}
"""Fewer days than wished (vermillion), as wished (bluish green), more (sky blue)."""


def _tr(key: str, lang: str, **fields: object) -> str:
    return t(f"scenarios.{key}", lang, **fields)


def _plain(text: str, limit: int = 40) -> str:
    """User text for a figure: shortened, and ``$`` not read as mathematics."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _number_axis(axis: Axis, lang: str, digits: int = 0) -> None:
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: number(x, lang, digits)))


def figure_png(fig: Figure, dpi: int = 96) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def occupancy_figure(comparison: Comparison, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """People expected in per weekday, one bar per scenario, against the desks."""
    results = comparison.results
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.subplots()
    n = max(1, len(results))
    width = 0.8 / n
    for j, r in enumerate(results):
        xs = [i + (j - (n - 1) / 2) * width for i in range(len(WEEKDAYS))]
        values = [r.by_day[d] for d in WEEKDAYS]
        bars = ax.bar(xs, values, width=width, color=COLOURS[j % 4], hatch=HATCHES[j % 4],
                      edgecolor="black", linewidth=0.6, label=_plain(r.name))
        ax.bar_label(bars, labels=[people(v, lang) for v in values], fontsize=7, padding=2,
                     rotation=90 if n > 2 else 0)
    desks = comparison.data.desks
    ax.axhline(desks, color="black", linestyle="--", linewidth=1.4,
               label=_tr("chart_desks_line", lang, desks=people(desks, lang)))
    ax.set_xticks(range(len(WEEKDAYS)), [day_name(d, lang) for d in WEEKDAYS])
    ax.set_ylabel(_tr("chart_occupancy_axis", lang))
    ax.set_ylim(0, max([desks, *[max(r.by_day.values()) for r in results]]) * 1.22 or 1)
    _number_axis(ax.yaxis, lang)
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2,
              frameon=False)
    ax.set_title(_tr("chart_occupancy_title", lang))
    return fig


def wishes_figure(comparison: Comparison, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """Per scenario: shares of answer sets getting fewer, exactly, more home days than
    wished (units with fewer than k answers left out)."""
    results = comparison.results
    fig = Figure(figsize=(7.2, 1.9 + 0.55 * max(1, len(results))), layout="constrained")
    ax = fig.subplots()
    names = [_plain(r.name) for r in results]
    drawn = False
    for part in ("fewer", "exact", "more"):
        lefts, widths, ys = [], [], []
        for i, r in enumerate(results):
            w = r.wishes
            if w is None or not w.answers:
                continue
            before = 0.0 if part == "fewer" else (w.share("fewer") or 0.0) + (
                (w.share("exact") or 0.0) if part == "more" else 0.0)
            lefts.append(before)
            widths.append(w.share(part) or 0.0)  # type: ignore[arg-type]
            ys.append(i)
        if not ys:
            continue
        drawn = True
        bars = ax.barh(ys, widths, left=lefts, height=0.6, edgecolor="black", linewidth=0.6,
                       label=_tr(f"chart_wish_{part}", lang), **WISH_STYLE[part])
        ax.bar_label(bars, labels=[percent(v, lang) if v >= 0.07 else "" for v in widths],
                     label_type="center", fontsize=8,
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                           "edgecolor": "none", "alpha": 0.85})
    ax.set_yticks(range(len(results)), names)
    ax.set_ylim(len(results) - 0.4, -0.6)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: percent(x, lang)))
    ax.set_xlabel(_tr("chart_wishes_axis", lang, k=comparison.k))
    if drawn:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.32), ncols=3,
                  frameon=False)
    else:
        ax.text(0.5, 0.5, _tr("chart_no_wishes", lang), transform=ax.transAxes, ha="center")
    ax.set_title(_tr("chart_wishes_title", lang))
    return fig


def occupancy_alt(comparison: Comparison, lang: str = DEFAULT_LANGUAGE) -> str:
    """What the occupancy figure shows, with its numbers."""
    parts = []
    for r in comparison.results:
        days = ", ".join(f"{day_name(d, lang)} {people(v, lang)}" for d, v in r.by_day.items())
        parts.append(_tr("alt_occupancy_one", lang, name=r.name, days=days,
                         peak=day_name(r.peak_day, lang)))
    return _tr("alt_occupancy", lang, desks=people(comparison.data.desks, lang),
               scenarios=" ".join(parts))


def wishes_alt(comparison: Comparison, lang: str = DEFAULT_LANGUAGE) -> str:
    """What the wishes figure shows, with its numbers."""
    parts = []
    for r in comparison.results:
        w = r.wishes
        if w is None or not w.answers:
            parts.append(_tr("alt_wishes_none", lang, name=r.name))
            continue
        parts.append(_tr("alt_wishes_one", lang, name=r.name, answers=count(w.answers, lang),
                         fewer=percent(w.share("fewer") or 0, lang),
                         exact=percent(w.share("exact") or 0, lang),
                         more=percent(w.share("more") or 0, lang)))
    return _tr("alt_wishes", lang, k=comparison.k, scenarios=" ".join(parts))
