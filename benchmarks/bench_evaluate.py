"""``hjemmekit evaluate`` on the state example, next to DuckDB doing the same sums (``make bench``).

The example (``hjemmekit examples --size state --seed 1``: about 185,000 employees, a year
of monthly survey waves, 1.65 M survey rows, ~194 MB of CSV) is generated once into
``benchmarks/.cache/<size>-seed<seed>/`` and reused while ``hjemmekit/examples.py`` is
unchanged. Then, in each round and alternating which goes first, two fresh processes run:

A  ``hjemmekit evaluate DIR --baseline 2026-01:2026-03 --trial 2026-04:2026-09 --json``
   with its output sent to /dev/null: reads and validates every data file, evaluates with
   privacy rules and prints the JSON document.
B  a Python script using DuckDB (all cores) on the same CSV files: the comparable core
   of that work (per question x group x period mean, count and variance; per unit x
   period the same; sick days and årsværk per group and per unit x period; see
   ``DUCKDB_SCRIPT``), its figures printed as JSON to /dev/null.

Wall time comes from the parent, peak memory (max RSS) and CPU time from ``os.wait4`` on
each child. On a shared machine each run first waits (up to ``--quiet-wait`` seconds) for
the CPUs to be mostly idle. A warm-up round (not counted) also checks that A and B agree
on the group means, counts and sick-leave rates. Prints the medians, the ratio A/B
(target <= 1.5) and A's peak memory (target < 2 GB). Not a test: exit 1 only when
something fails to run.

    .venv/bin/python benchmarks/bench_evaluate.py [--rounds 5] [--size state|large]
        [--seed 1] [--json FILE] [--compare-with SRC] [--quiet-wait 20]

``--compare-with SRC`` adds A0: the same command importing ``hjemmekit`` from the
folder SRC (holding a ``hjemmekit/`` package, e.g. a copy of an older commit), measured
in the same rounds: before/after figures for a change, side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "benchmarks" / ".cache"
KINDS = ("units", "survey", "sickleave", "production", "dialogue")
BASELINE = ("2026-01", "2026-03")
TRIAL = ("2026-04", "2026-09")
TARGET_RATIO = 1.5
TARGET_PEAK_MB = 2048.0

#: B: DuckDB computing what ``hjemmekit evaluate`` computes at its core, on the same CSV
#: files. argv: data folder, baseline first day, baseline last day, trial first day, trial
#: last day. Question columns are the numeric survey columns that are not known columns
#: (as hjemmekit finds them). Groups come from ``units.group``; a period is a closed date
#: range; sick-leave months count by their first day. Not done by B (but by A): checking
#: every value and naming bad ones by line, Danish dialects, groups through parent
#: units, the k-rule per survey wave and secondary suppression, the leaders/employees,
#: trend, wishes, home-days, production and dialogue tables, and a 27 MB JSON document.
DUCKDB_SCRIPT = r"""
import json, sys
import duckdb

folder, b0, b1, t0, t1 = sys.argv[1:6]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # else, when slow, a bar lands on stdout
survey = f"read_csv('{folder}/survey.csv', header=true)"
units = f"read_csv('{folder}/units.csv', header=true, all_varchar=true)"
known = {"date", "unit", "role", "home_days_wanted", "home_days_actual", "seniority_years",
         "commute_minutes", "age_group"}
numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE")
columns = con.sql(f"DESCRIBE SELECT * FROM {survey}").fetchall()
questions = [c[0] for c in columns if c[0] not in known and str(c[1]).startswith(numeric)]
aggs = ", ".join(f'count("{q}"), avg("{q}"), var_samp("{q}")' for q in questions)
groups = f"SELECT unit, \"group\" AS grp FROM {units} WHERE \"group\" IN ('trial', 'comparison')"
baseline = f"BETWEEN DATE '{b0}' AND DATE '{b1}'"
during = f"BETWEEN DATE '{t0}' AND DATE '{t1}'"
survey_rows = con.sql(f'''
    WITH u AS ({groups}),
    s AS (
        SELECT s.*, u.grp, CASE WHEN s.date {baseline} THEN 'baseline' ELSE 'during' END AS period
        FROM {survey} s JOIN u USING (unit)
        WHERE s.date {baseline} OR s.date {during})
    SELECT grp, unit, period, {aggs} FROM s
    GROUP BY GROUPING SETS ((grp, period), (grp, unit, period))
''').fetchall()
sick_rows = con.sql(f'''
    WITH u AS ({groups}),
    m AS (
        SELECT unit, strptime(month, '%Y-%m')::DATE AS first_day, fte, sick_days
        FROM read_csv('{folder}/sickleave.csv', header=true, types={{'month': 'VARCHAR'}})),
    s AS (
        SELECT m.*, u.grp,
               CASE WHEN first_day {baseline} THEN 'baseline' ELSE 'during' END AS period
        FROM m JOIN u USING (unit)
        WHERE first_day {baseline} OR first_day {during})
    SELECT grp, unit, period, count(DISTINCT first_day) AS months, sum(fte), sum(sick_days),
           12 * sum(sick_days) / sum(fte) FROM s
    GROUP BY GROUPING SETS ((grp, period), (grp, unit, period))
''').fetchall()
json.dump({"questions": questions, "survey": survey_rows, "sickleave": sick_rows},
          sys.stdout, default=str)
"""


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_mb: float


@dataclass
class Contender:
    key: str
    label: str
    cmd: list[str]
    env: dict[str, str] | None = None
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def peak(self) -> float:
        return max(r.peak_mb for r in self.runs)


class BenchError(RuntimeError):
    """Something failed to run (exit 1)."""


# --- The example data -------------------------------------------------------------------


def _stamp(size: str, seed: int) -> str:
    """What the cached example depends on: the generator's source, size and seed."""
    source = (REPO / "hjemmekit" / "examples.py").read_bytes()
    return f"{size} {seed} {hashlib.sha256(source).hexdigest()}\n"


def hjemmekit_cmd() -> list[str]:
    script = Path(sys.executable).parent / "hjemmekit"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from hjemmekit.cli import run; run()"]


def ensure_example(size: str, seed: int) -> Path:
    """The example's folder in the cache, generated (once) when missing or outdated."""
    folder = CACHE / f"{size}-seed{seed}"
    stamp = _stamp(size, seed)
    marker = folder / ".stamp"
    if (
        marker.is_file()
        and marker.read_text() == stamp
        and all((folder / f"{k}.csv").is_file() for k in KINDS)
    ):
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{size}-seed{seed}-", dir=CACHE))
    tmp.chmod(0o755)
    print(f"generating the {size} example (seed {seed}) into {folder} ...", flush=True)
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            [*hjemmekit_cmd(), "examples", "--size", size, "--seed", str(seed), "--out", str(tmp)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(
                f"hjemmekit examples failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
            )
        (tmp / ".stamp").write_text(stamp)
        if folder.exists():
            shutil.rmtree(folder)
        tmp.replace(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder


# --- Running and measuring ---------------------------------------------------------------


def run_once(
    cmd: list[str], env: dict[str, str] | None = None, stdout_path: Path | None = None
) -> Run:
    """Run ``cmd`` in a fresh child; wall time, CPU time and peak RSS (from wait4)."""
    with tempfile.TemporaryFile() as err:
        out = open(stdout_path, "wb") if stdout_path else open(os.devnull, "wb")  # noqa: SIM115
        try:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=tempfile.gettempdir())
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        finally:
            out.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", errors="replace").strip()[-2000:]
            raise BenchError(f"{' '.join(cmd[:3])} ... exited with {proc.returncode}:\n{tail}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak)


def _cpu_ticks() -> tuple[int, int] | None:
    """(idle, total) CPU ticks of the machine, from /proc/stat (None elsewhere)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields)


def wait_for_quiet(max_wait_s: float, idle_share: float = 0.75, sample_s: float = 0.5) -> bool:
    """Wait (at most ``max_wait_s``) until the machine's CPUs are mostly idle, so other
    jobs on a shared machine disturb the next run less. True when quiet."""
    deadline = time.monotonic() + max_wait_s
    while True:
        before = _cpu_ticks()
        time.sleep(sample_s)
        after = _cpu_ticks()
        if before is None or after is None:
            return True
        idle, total = after[0] - before[0], after[1] - before[1]
        if total <= 0 or idle / total >= idle_share:
            return True
        if time.monotonic() >= deadline:
            return False


def _close(a: float | None, b: float | None, tol: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def check_agreement(a_json: Path, b_json: Path) -> list[str]:
    """Differences between A's and B's group figures (empty: they agree)."""
    a = json.loads(a_json.read_text(encoding="utf-8"))
    b = json.loads(b_json.read_text(encoding="utf-8"))
    problems: list[str] = []
    qs = b["questions"]
    a_qs = [q["question"] for q in a["survey"]]
    if qs != a_qs:
        problems.append(f"questions differ: hjemmekit {a_qs}, duckdb {qs}")
        return problems
    cells = {(r[0], r[2]): r[3:] for r in b["survey"] if r[1] is None}
    for i, q in enumerate(a["survey"]):
        for grp in ("trial", "comparison"):
            for period, key in (("baseline", "baseline"), ("during", "during")):
                n_a, m_a = q[grp][f"n_{key}"], q[grp][key]
                row = cells.get((grp, period))
                if row is None or m_a is None:  # hidden by the k-rule or empty
                    continue
                n_b, m_b = row[3 * i], row[3 * i + 1]
                if n_a != n_b or not _close(m_a, m_b):
                    problems.append(
                        f"{q['question']} {grp} {period}: hjemmekit n={n_a} "
                        f"mean={m_a}, duckdb n={n_b} mean={m_b}"
                    )
    sick = {(r[0], r[2]): r for r in b["sickleave"] if r[1] is None}
    for grp in ("trial", "comparison"):
        for period in ("baseline", "during"):
            rate_a = a["sickleave"][grp][period]
            row = sick.get((grp, period))
            if row is None or rate_a is None:
                continue
            if not _close(rate_a, row[6]):
                problems.append(f"sick leave {grp} {period}: hjemmekit {rate_a}, duckdb {row[6]}")
    return problems


def machine() -> dict[str, Any]:
    import duckdb  # noqa: PLC0415 - only to report its version

    try:
        load = os.getloadavg()
    except OSError:
        load = (math.nan, math.nan, math.nan)
    return {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in load],
    }


def _best(c: Contender) -> float:
    return min(r.wall_s for r in c.runs)


def _fmt_row(c: Contender) -> str:
    walls = ", ".join(f"{r.wall_s:.2f}" for r in c.runs)
    return (
        f"  {c.label:<34} median {c.median('wall_s'):5.2f} s  best {_best(c):5.2f} s  "
        f"cpu {c.median('cpu_s'):5.2f} s  peak {c.peak():5.0f} MB  ({walls})"
    )


def paired_ratio(a: Contender, b: Contender) -> float:
    """Median over rounds of a's time / b's time in the same round (drift cancels)."""
    return statistics.median(x.wall_s / y.wall_s for x, y in zip(a.runs, b.runs, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument(
        "--size", choices=("state", "large"), default="state", help="example size (default state)"
    )
    parser.add_argument("--seed", type=int, default=1, help="example seed (default 1)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--compare-with", metavar="SRC", help="also run hjemmekit imported from SRC/hjemmekit (A0)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        metavar="S",
        help="before each run wait up to S seconds for idle CPUs (default 20; 0: don't)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    try:
        import duckdb  # noqa: F401, PLC0415
    except ImportError:
        print("bench_evaluate: duckdb is not installed in this environment", file=sys.stderr)
        return 1

    try:
        folder = ensure_example(args.size, args.seed)
    except (BenchError, OSError) as e:
        print(f"bench_evaluate: cannot prepare the example: {e}", file=sys.stderr)
        return 1
    size_mb = sum((folder / f"{k}.csv").stat().st_size for k in KINDS) / 1e6
    b0, b1 = f"{BASELINE[0]}-01", _last_day(BASELINE[1])
    t0, t1 = f"{TRIAL[0]}-01", _last_day(TRIAL[1])
    evaluate_args = [
        "evaluate",
        str(folder),
        "--baseline",
        ":".join(BASELINE),
        "--trial",
        ":".join(TRIAL),
        "--json",
    ]
    contenders = [
        Contender("A", "A  hjemmekit evaluate --json", [*hjemmekit_cmd(), *evaluate_args]),
        Contender(
            "B",
            "B  duckdb, same group sums",
            [sys.executable, "-c", DUCKDB_SCRIPT, str(folder), b0, b1, t0, t1],
        ),
    ]
    if args.compare_with:
        src = Path(args.compare_with).resolve()
        if not (src / "hjemmekit" / "__init__.py").is_file():
            print(f"bench_evaluate: {src} holds no hjemmekit/ package", file=sys.stderr)
            return 1
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join([str(src), *filter(None, [os.environ.get("PYTHONPATH")])]),
        )
        contenders.insert(
            1,
            Contender(
                "A0", f"A0 hjemmekit from {src.name}", [*hjemmekit_cmd(), *evaluate_args], env
            ),
        )
    info = machine()
    busy = 0
    print(
        f"bench_evaluate: {args.size} example, {folder} ({size_mb:.0f} MB of CSV), "
        f"{args.rounds} rounds, {info['cpus']} CPUs, load {info['load_before']}",
        flush=True,
    )

    try:
        with tempfile.TemporaryDirectory() as tmp:
            outs = {c.key: Path(tmp) / f"{c.key}.json" for c in contenders}
            for c in contenders:  # warm-up: page cache, .pyc files; outputs kept to compare
                run_once(c.cmd, c.env, outs[c.key])
            problems = check_agreement(outs["A"], outs["B"])
        if problems:
            print("WARNING: A and B disagree (the comparison may be unfair):")
            for p in problems[:20]:
                print(f"  {p}")
        else:
            print("check: A and B give the same group means, counts and sick-leave rates")
        for r in range(args.rounds):
            order = contenders if r % 2 == 0 else contenders[::-1]
            for c in order:
                if args.quiet_wait > 0 and not wait_for_quiet(args.quiet_wait):
                    busy += 1
                c.runs.append(run_once(c.cmd, c.env))
            print(
                f"  round {r + 1}/{args.rounds}: "
                + "  ".join(f"{c.key} {c.runs[-1].wall_s:.2f} s" for c in contenders),
                flush=True,
            )
    except (BenchError, OSError) as e:
        print(f"bench_evaluate: {e}", file=sys.stderr)
        return 1

    if busy:
        print(
            f"  note: {busy} of {args.rounds * len(contenders)} runs started while other "
            "jobs kept the CPUs busy: expect noise"
        )
    a = next(c for c in contenders if c.key == "A")
    b = next(c for c in contenders if c.key == "B")
    ratio = a.median("wall_s") / b.median("wall_s")
    print()
    for c in contenders:
        print(_fmt_row(c))
    print(
        f"  ratio A/B: {ratio:.2f} of the medians (target <= {TARGET_RATIO}: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); median of the rounds' ratios "
        f"{paired_ratio(a, b):.2f}, best to best {_best(a) / _best(b):.2f}, "
        f"cpu {a.median('cpu_s') / b.median('cpu_s'):.2f}"
    )
    print(
        f"  A peak memory: {a.peak():.0f} MB  (target < {TARGET_PEAK_MB:.0f} MB: "
        f"{'met' if a.peak() < TARGET_PEAK_MB else 'NOT met'})"
    )
    a0 = next((c for c in contenders if c.key == "A0"), None)
    if a0 is not None:
        print(
            f"  A0/B: {a0.median('wall_s') / b.median('wall_s'):.2f}; A/A0: "
            f"{a.median('wall_s') / a0.median('wall_s'):.2f} of the medians, "
            f"{paired_ratio(a, a0):.2f} median of the rounds' ratios"
        )
    if args.json:
        doc = {
            "benchmark": "evaluate",
            "size": args.size,
            "seed": args.seed,
            "rounds": args.rounds,
            "csv_mb": round(size_mb, 1),
            "machine": info,
            "agreement_problems": problems,
            "ratio": ratio,
            "runs_started_busy": busy,
            "ratio_rounds_median": paired_ratio(a, b),
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "target_ratio": TARGET_RATIO,
            "target_peak_mb": TARGET_PEAK_MB,
            "contenders": {
                c.key: {
                    "label": c.label.split(None, 1)[1],
                    "median_wall_s": c.median("wall_s"),
                    "best_wall_s": _best(c),
                    "median_cpu_s": c.median("cpu_s"),
                    "peak_mb": c.peak(),
                    "runs": [vars(r) for r in c.runs],
                }
                for c in contenders
            },
        }
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0


def _last_day(month: str) -> str:
    import calendar  # noqa: PLC0415

    y, m = (int(x) for x in month.split("-"))
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


if __name__ == "__main__":
    sys.exit(main())
