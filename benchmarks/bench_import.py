"""``hjemmekit import`` of a state-scale SurveyXact export, next to DuckDB reading it.

The state example's survey (``hjemmekit examples --size state``: 1.65 M answer sets, plus
about 6 % respondents who did not complete: 1.75 M rows) is exported once as SurveyXact's
three CSV files (``hjemmekit.example_exports``, comma-separated UTF-8 by default) into
``benchmarks/.cache/state-seed1-<dialect>/`` and reused while the generators are
unchanged. Then, in each round and alternating which goes first, two fresh processes run:

A  ``hjemmekit import dataset.csv structure.csv labels.csv -o survey.csv --profile P``
   (P: the profile ``suggest_profile`` makes, with names and the reversed item): detects
   the tool, reads the dataset without its personal columns, keeps completed
   respondents, scores every answer by its label, reverses, checks, writes survey.csv.
B  DuckDB (all cores) reading the same dataset.csv into a table
   (``CREATE TABLE t AS SELECT * FROM read_csv(...)``).

Wall time from the parent, peak memory (max RSS) and CPU time from ``os.wait4``. Prints
the medians, the paired ratio A/B (target <= 1.5) and A's peak memory (target < 2 GiB).
A warm-up round (not counted) checks that A's survey.csv holds the completed respondents.
Not a test: exit 1 only when something fails to run.

    .venv/bin/python benchmarks/bench_import.py [--rounds 5] [--dialect utf8|cp1252|utf16]
        [--json FILE] [--quiet-wait 20] [--compare-with SRC]

``--compare-with SRC`` adds A0: the same import with ``hjemmekit`` imported from
``SRC/hjemmekit`` (e.g. a ``git archive`` of main), for before/after figures from one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import (  # noqa: E402
    CACHE,
    REPO,
    BenchError,
    Contender,
    _fmt_row,
    ensure_example,
    hjemmekit_cmd,
    machine,
    paired_ratio,
    run_once,
    wait_for_quiet,
)

TARGET_RATIO = 1.5
TARGET_PEAK_MB = 2048.0
DIALECTS = {"utf8": "surveyxact_csv_utf8", "cp1252": "surveyxact_csv_cp1252",
            "utf16": "surveyxact_csv_utf16"}

DUCKDB_SCRIPT = r"""
import sys
import duckdb

path, encoding = sys.argv[1:3]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
options = "" if encoding == "utf-8" else f", encoding='{encoding}'"
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true{options})")
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""


def _stamp(dialect: str) -> str:
    h = hashlib.sha256()
    for name in ("examples.py", "example_exports.py"):
        h.update((REPO / "hjemmekit" / name).read_bytes())
    return f"{dialect} {h.hexdigest()}\n"


def ensure_export(dialect: str) -> tuple[Path, Path]:
    """The SurveyXact CSV export of the state example, and the profile to import it."""
    folder = CACHE / f"state-seed1-{dialect}"
    marker = folder / ".stamp"
    if marker.is_file() and marker.read_text() == _stamp(dialect):
        return folder, folder / "profile.json"
    import pandas as pd

    from hjemmekit import example_exports as ee
    from hjemmekit.examples import QUESTIONS
    from hjemmekit.exports import read_export, suggest_profile

    data = ensure_example("state", 1)
    print(f"exporting the state example as SurveyXact CSV ({dialect}) ...", flush=True)
    t0 = time.perf_counter()
    survey = pd.read_csv(data / "survey.csv", dtype={"unit": "category", "role": "category",
                                                     "age_group": "category"})
    for q in QUESTIONS:
        survey[q] = survey[q].astype("Int8")
    for c in ("home_days_wanted", "home_days_actual", "seniority_years", "commute_minutes"):
        survey[c] = survey[c].astype("Int16")
    units = pd.read_csv(data / "units.csv")["unit"].tolist()
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=CACHE))
    try:
        variant = DIALECTS[dialect]
        ee.write_exports(survey, units, tmp, variants=(variant,))
        del survey
        files = tmp / ee.PATHS[variant]
        sample = tmp / "sample"
        sample.mkdir()
        for name in ("structure.csv", "labels.csv"):
            shutil.copy(files / name, sample / name)
        with open(files / "dataset.csv", "rb") as f:  # the profile from the first rows
            head = b"".join(f.readline() for _ in range(2001))
        (sample / "dataset.csv").write_bytes(head if dialect != "utf16" else
                                             head + b"\x00" * (len(head) % 2))
        export = read_export(sorted(sample.iterdir()))
        profile = suggest_profile(export)
        columns = ee.COLUMNS[variant]
        profile.names = {v: k for k, v in columns.items() if k not in ("unit", "role")}
        profile.reversed = [columns[q] for q in ee.REVERSED]
        (files / "profile.json").write_text(profile.model_dump_json(indent=2))
        (files / ".stamp").write_text(_stamp(dialect))
        if folder.exists():
            shutil.rmtree(folder)
        files.replace(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder, folder / "profile.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--dialect", choices=tuple(DIALECTS), default="utf8",
                        help="SurveyXact's CSV flavour (default utf8: comma, UTF-8)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--quiet-wait", type=float, default=20.0,
                        help="wait up to this many seconds for idle CPUs before each run")
    parser.add_argument("--compare-with", metavar="SRC",
                        help="also run the import with hjemmekit from SRC/hjemmekit (A0)")
    args = parser.parse_args(argv)
    try:
        folder, profile = ensure_export(args.dialect)
        work = Path(tempfile.mkdtemp(prefix="hjemmekit-bench-import-"))
        out = work / "survey.csv"
        sources = [str(folder / f"{n}.csv") for n in ("dataset", "structure", "labels")]
        a = Contender("A", "hjemmekit import (SurveyXact CSV)",
                      [*hjemmekit_cmd(), "import", *sources, "-o", str(out), "--profile",
                       str(profile)])
        encoding = {"utf8": "utf-8", "cp1252": "latin-1", "utf16": "utf-16"}[args.dialect]
        b = Contender("B", "DuckDB reading dataset.csv",
                      [sys.executable, "-c", DUCKDB_SCRIPT, sources[0], encoding])
        contenders = [a, b]
        if args.compare_with:
            src = Path(args.compare_with).resolve()
            if not (src / "hjemmekit" / "__init__.py").is_file():
                raise BenchError(f"{src} holds no hjemmekit/ package")
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                [str(src), *filter(None, [os.environ.get("PYTHONPATH")])]))
            contenders.insert(1, Contender("A0", f"A0 import, hjemmekit from {src.name}",
                                           [*a.cmd[:-3], str(work / "survey0.csv"),
                                            *a.cmd[-2:]], env))
        size_mb = (folder / "dataset.csv").stat().st_size / 1e6
        print(f"dataset.csv: {size_mb:.0f} MB; warm-up round ...", flush=True)
        for c in contenders[:-1]:
            run_once(c.cmd, env=c.env)
        counted = work / "count.txt"
        run_once(b.cmd, stdout_path=counted)
        rows = int(counted.read_text().strip())
        kept = sum(1 for _ in out.open("rb")) - 1
        print(f"  dataset rows {rows:,}; imported (completed) {kept:,}", flush=True)
        for i in range(args.rounds):
            order = contenders if i % 2 == 0 else contenders[::-1]
            for c in order:
                wait_for_quiet(args.quiet_wait)
                c.runs.append(run_once(c.cmd, env=c.env))
        ratio = paired_ratio(a, b)
        for c in contenders:
            print(_fmt_row(c))
        print(f"  ratio A/B (paired median) {ratio:.2f} (target <= {TARGET_RATIO}); "
              f"CPU A/B {a.median('cpu_s') / b.median('cpu_s'):.2f}; "
              f"peak A {a.peak():.0f} MB (target < {TARGET_PEAK_MB:.0f} MB)")
        if args.compare_with:
            a0 = contenders[1]
            print(f"  ratio A0/B (paired median) {paired_ratio(a0, b):.2f}; "
                  f"CPU A0/B {a0.median('cpu_s') / b.median('cpu_s'):.2f}; "
                  f"peak A0 {a0.peak():.0f} MB")
        if args.json:
            Path(args.json).write_text(json.dumps({
                "machine": machine(), "dialect": args.dialect, "dataset_mb": size_mb,
                "rows": rows, "kept": kept, "ratio": ratio,
                "A": {"median_s": a.median("wall_s"), "peak_mb": a.peak(),
                      "walls": [r.wall_s for r in a.runs]},
                "B": {"median_s": b.median("wall_s"), "peak_mb": b.peak(),
                      "walls": [r.wall_s for r in b.runs]},
            }, indent=2))
        shutil.rmtree(work, ignore_errors=True)
    except BenchError as e:
        print(f"bench_import: {e}", file=sys.stderr)
        return 1
    _ = statistics  # (medians via Contender)
    return 0


if __name__ == "__main__":
    sys.exit(main())
