"""Unit-clustered intervals for the survey difference-in-differences (plain numpy).

API
---
``cluster_dids(fine, by_role=False) -> dict[(question, role), ClusterDiD]``
    From the evaluation's per (unit, wave, role) sums (``evaluation._Fine``): for each
    survey question (``role`` None) or each question and role (``role`` ``"employee"``/
    ``"manager"`` when ``by_role``), the DiD's standard error and 95 % interval with
    answers clustered by unit, and the number of units with answers in each group.
``attach(fine, survey, by_role) -> None``
    Sets ``did.ci95_cluster``, ``did.se_cluster`` and ``did.units`` on the evaluation's
    ``QuestionResult``/``RoleResult`` objects whose DiD is shown (hidden stays None).

The method: what statsmodels gives for ``OLS(answer ~ 1 + T + Post + T×Post)`` with
``cov_type="cluster"``, ``groups=unit`` and ``use_t=False`` (normal quantile), including
its default small-sample factor ``G/(G-1) * (N-1)/(N-K)`` (G units with answers in the
four cells, N answers, K = 4 parameters). The model is saturated, so the DiD is
``Σ_c w_c ȳ_c`` (w = +1, −1, −1, +1 for trial during/baseline, comparison
during/baseline) and its sandwich variance is ``Σ_g (Σ_c w_c/n_c Σ_{i∈g,c} e_i)²``: only
per (unit, period) sums of the residuals ``e_i = y_i − ȳ_c`` are needed, which the
evaluation's per (unit, wave, role) sums give in a few array operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from hjemmekit.evaluation import _Fine

Z95 = 1.959963984540054
ROLES = ("employee", "manager")
_W = np.array([[1.0, -1.0], [-1.0, 1.0]])
"""Weights of the cells in the DiD, ``[group][period]``: group 0 comparison, 1 trial."""


@dataclass(frozen=True)
class ClusterDiD:
    """A DiD's unit-clustered standard error and interval (None when not computable)."""

    estimate: float | None
    se: float | None
    ci95: tuple[float, float] | None
    units_trial: int
    units_comparison: int
    n: int


def _dids(n: np.ndarray, s: np.ndarray, group: np.ndarray) -> list[ClusterDiD]:
    """``n``, ``s``: (units, 2 periods, questions) counts and shifted sums; ``group``
    (units,) 1 trial / 0 comparison. One result per question."""
    has = (n[:, 0] + n[:, 1]) > 0  # (units, questions)
    is_t = (group == 1)[:, None]
    units_t = np.count_nonzero(has & is_t, axis=0)
    units_c = np.count_nonzero(has & ~is_t, axis=0)
    n_cell = np.stack([n[group == g].sum(axis=0) for g in (0, 1)])  # (2, 2, questions)
    s_cell = np.stack([s[group == g].sum(axis=0) for g in (0, 1)])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s_cell / n_cell  # shifted cell means
        w_n = _W[:, :, None] / n_cell
        est = (_W[:, :, None] * mean).sum(axis=(0, 1))
        resid = s - n * mean[group]  # per unit, period and question: Σ e_i
        score = (w_n[group] * resid).sum(axis=1)  # (units, questions)
    var_sum = np.einsum("uq,uq->q", score, score)
    out = []
    for i in range(n.shape[2]):
        ut, uc = int(units_t[i]), int(units_c[i])
        total = int(round(float(n_cell[:, :, i].sum())))
        if (n_cell[:, :, i] <= 0).any():
            out.append(ClusterDiD(None, None, None, ut, uc, total))
            continue
        g_units = ut + uc
        if g_units < 2 or total <= 4:
            out.append(ClusterDiD(float(est[i]), None, None, ut, uc, total))
            continue
        var = float(var_sum[i]) * g_units / (g_units - 1) * (total - 1) / (total - 4)
        se = math.sqrt(var)
        e = float(est[i])
        out.append(ClusterDiD(e, se, (e - Z95 * se, e + Z95 * se), ut, uc, total))
    return out


def cluster_dids(fine: _Fine, by_role: bool = False) -> dict[tuple[str, str | None], ClusterDiD]:
    """Per question (role None), or per question and role (``by_role``): the
    unit-clustered DiD from the per-unit sums.

    The estimate equals the evaluation's (up to rounding); privacy is the caller's: use
    only where the DiD itself is shown."""
    found = _all(fine)
    return {key: c for key, c in found.items() if (key[1] is not None) == by_role}


def _all(fine: _Fine) -> dict[tuple[str, str | None], ClusterDiD]:
    """All questions, for all answer sets and per role: two ``bincount`` calls."""
    t = fine.table
    out: dict[tuple[str, str | None], ClusterDiD] = {}
    qs = fine.questions
    if t.empty or not qs:
        return out
    period = t["period"].to_numpy()
    keep = period < 2
    if not keep.any():
        return out
    nq = len(qs)
    n_units = len(fine.unit_names)
    unit = t["unit"].to_numpy(dtype=np.int64)[keep]
    group_of = np.zeros(n_units, dtype=np.int64)
    group_of[unit] = t["group"].to_numpy(dtype=np.int64)[keep]
    role = t["role"].to_numpy(dtype=np.int64)[keep]  # 0 employee, 1 manager, 2 other
    # one slot per (unit, role, period, question)
    key = (((unit * 3 + role) * 2 + period[keep].astype(np.int64)) * nq)[:, None] + np.arange(nq)
    size = n_units * 3 * 2 * nq
    shape = (n_units, 3, 2, nq)

    def sums(prefix: str) -> np.ndarray:
        values = t[[f"{prefix}{i}" for i in range(nq)]].to_numpy(dtype=float)[keep]
        return np.bincount(key.ravel(), weights=values.ravel(), minlength=size).reshape(shape)

    n, s = sums("n"), sums("s")
    parts: list[tuple[str | None, np.ndarray, np.ndarray]] = [
        (None, n.sum(axis=1), s.sum(axis=1)),
        *((ROLES[r], n[:, r], s[:, r]) for r in (0, 1)),
    ]
    for name, nn, ss in parts:
        for q, res, total in zip(qs, _dids(nn, ss, group_of), nn.sum(axis=(0, 1)), strict=True):
            if total > 0:
                out[(q, name)] = res
    return out


def attach(fine: _Fine, survey: list[Any], by_role: list[Any]) -> None:
    """Set ``ci95_cluster``/``se_cluster``/``units`` on the shown DiDs of an evaluation."""
    found = _all(fine) if survey or by_role else {}
    for results, roles in ((survey, False), (by_role, True)):
        for r in results:
            c = found.get((r.question, getattr(r, "role", None) if roles else None))
            if c is None:
                continue
            r.did.units = (c.units_trial, c.units_comparison)
            if r.did.estimate is None or r.did.suppressed or c.ci95 is None:
                continue
            # centred on the evaluation's estimate (the same number up to rounding)
            half = Z95 * c.se  # type: ignore[operator]
            r.did.ci95_cluster = (r.did.estimate - half, r.did.estimate + half)
            r.did.se_cluster = c.se
