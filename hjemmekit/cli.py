"""The ``hjemmekit`` command.

Exit codes (contract): 0 success, 1 wrong input (one line per problem, naming file,
line and column), 2 wrong usage. No traceback reaches a user: unexpected errors are
reported in one line and exit 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from hjemmekit import __version__


class UsageError(Exception):
    """Wrong usage of the command (exit 2)."""


class InputError(Exception):
    """Wrong input (exit 1); the message holds one line per problem."""


def _serve(args: argparse.Namespace) -> int:
    from hjemmekit.serve import serve

    return serve(
        store=args.store,
        port=args.port,
        example=args.example,
        open_browser=False,
        base_url=args.base_url,
        idle_timeout=args.idle_timeout,
    )


def _store_service(args: argparse.Namespace) -> int:
    from hjemmekit.store_service import serve

    return serve(args)


def _new(args: argparse.Namespace) -> int:
    from hjemmekit.store import WorkbookStore, default_store_dir

    store = WorkbookStore(args.store or default_store_dir())
    wb = store.create(title=args.title, organisation=args.organisation, language=args.lang)
    if args.owner:
        from hjemmekit.access import set_owner

        set_owner(store, wb.id, args.owner)
    print(wb.id)
    return 0


def _owner(args: argparse.Namespace) -> int:
    """``hjemmekit owner``: list workbooks with their owners, or give one an owner."""
    from hjemmekit.access import set_owner
    from hjemmekit.store import NotFoundError, WorkbookStore, default_store_dir, valid_id

    store = WorkbookStore(args.store or default_store_dir())
    if args.workbook is None:
        for info in store.list():
            shares = ", ".join(f"{s.kind}:{s.name}:{s.access}" for s in info.shares)
            print("\t".join([info.id, info.owner or "-", shares or "-", info.title]))
        return 0
    if args.user is None:
        raise UsageError("give the workbook's id and the user who shall own it")
    if not valid_id(args.workbook):
        raise InputError(f"{args.workbook}: not a workbook id")
    try:
        wb = set_owner(store, args.workbook, args.user)
    except NotFoundError:
        raise InputError(f"{args.workbook}: no such workbook in {store.directory}") from None
    print(f"{wb.id}\t{wb.owner}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from hjemmekit.io import validate_command

    return validate_command(args.file, kind=args.kind)


def _tune_malloc() -> None:
    """Let glibc's malloc keep and reuse freed big arrays (``evaluate`` only).

    Evaluating a big folder makes many large temporary arrays. By default glibc gives
    each one its own ``mmap`` and returns it to the system when it is freed, so the
    next array of that size faults in fresh pages again: on the state example that was
    0.6-1.1 s of system time. With these thresholds freed memory stays in the heap and
    is reused; with one arena, also what the CSV parser's threads freed (without it the
    peak memory rises by about 250 MB). Output is unchanged. Linux with glibc only;
    elsewhere, or if anything is amiss, nothing happens. The settings stay for the rest
    of the process: they only change where memory comes from.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
    except (AttributeError, OSError, ValueError):
        return
    mallopt(-8, 1)  # M_ARENA_MAX: the parser threads share the one heap (reuse across)
    mallopt(-3, 256 << 20)  # M_MMAP_THRESHOLD: mmap only blocks of 256 MB and more
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB freed at the heap's top
    mallopt(-2, 64 << 20)  # M_TOP_PAD: grow the heap 64 MB at a time


def _evaluate(args: argparse.Namespace) -> int:
    _tune_malloc()
    # Before numpy is imported: its OpenBLAS starts no threads of its own. Evaluating
    # does no linear algebra worth them, and they busy-wait for a while after starting,
    # taking a CPU from the CSV parser's threads (0.04 s of wall time on the state
    # example).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Evaluating makes many objects and hardly any cycles: the collector's passes over
    # them (about 0.08 s on the state example) would free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from hjemmekit.evaluation_text import evaluate_command

        return evaluate_command(
            args.data_dir,
            workbook=args.workbook,
            baseline=args.baseline,
            trial=args.trial,
            as_json=args.json,
            lang=args.lang,
        )
    finally:
        if collecting:
            gc.enable()


def _import(args: argparse.Namespace) -> int:
    _tune_malloc()  # big exports: as for evaluate
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from hjemmekit.exports.command import import_command

    return import_command(
        args.sources, args.output, unit=args.unit, role=args.role, managers=args.manager,
        date_column=args.date, scale=args.scale, profile_file=args.profile,
        save_profile=args.save_profile,
    )


def _examples(args: argparse.Namespace) -> int:
    from hjemmekit.examples import examples_command

    return examples_command(size=args.size, seed=args.seed, out=args.out, exports=args.exports)


def _report(args: argparse.Namespace) -> int:
    """``hjemmekit report``: write the decision document of a workbook (HTML or Word)."""
    from pathlib import Path

    from hjemmekit.i18n import t
    from hjemmekit.io import DataError
    from hjemmekit.model import DocumentError, load_workbook
    from hjemmekit.report import render

    path = Path(args.workbook)
    try:
        wb = load_workbook(path.read_bytes())
    except OSError as e:
        raise InputError(f"{path}: {e.strerror or e}") from None
    except DocumentError as e:
        raise InputError("\n".join(f"{path}: {line}" for line in str(e).splitlines())) from None
    out = Path(args.output)
    fmt = args.format or ("docx" if out.suffix.casefold() == ".docx" else "html")
    if args.data is not None and not Path(args.data).is_dir():
        raise InputError(f"{args.data}: no such folder")
    try:
        content = render(wb, fmt, args.lang, args.data)
    except DataError as e:
        raise InputError(str(e)) from None
    try:
        out.write_bytes(content)
    except OSError as e:
        raise InputError(f"{out}: {e.strerror or e}") from None
    print(t("report.cli_written", args.lang, path=str(out)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hjemmekit",
        description="Workbook for deciding on, organising and evaluating home working "
        "in Danish state workplaces.",
    )
    parser.add_argument("--version", action="version", version=f"hjemmekit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("serve", help="serve the workbook app with Voilà")
    p.add_argument("--store", metavar="DIR", help="folder of workbooks (default: ./store)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--example", metavar="NAME", help="open a copy of an example workbook")
    p.add_argument(
        "--idle-timeout",
        type=int,
        default=600,
        metavar="SECONDS",
        help="stop a kernel whose page has been gone this long (default 600; 0: never)",
    )
    p.add_argument(
        "--base-url",
        metavar="PREFIX",
        help="URL prefix in front of the app (default: $JUPYTERHUB_SERVICE_PREFIX, else /)",
    )
    p.set_defaults(func=_serve)

    p = sub.add_parser(
        "store-service",
        help="serve the store to users' servers on JupyterHub (a hub-managed service)",
    )
    p.add_argument("--store", metavar="DIR",
                   help="folder of workbooks (default: $HJEMMEKIT_STORE, else ./store)")
    p.add_argument("--port", type=int, default=None,
                   help="port on 127.0.0.1 (default: from $JUPYTERHUB_SERVICE_URL)")
    p.add_argument("--max-file-mb", type=float, default=None,
                   help="largest data file in MB (default: $HJEMMEKIT_STORE_MAX_FILE_MB, "
                   "else 200)")
    # also `python -m hjemmekit.store_service`, as JupyterHub starts it
    p.set_defaults(func=_store_service)

    p = sub.add_parser("new", help="create a new workbook in the store and print its id")
    p.add_argument("--store", metavar="DIR", help="folder of workbooks (default: ./store)")
    p.add_argument("--title", default="", help="title of the workbook")
    p.add_argument("--organisation", default="", help="name of the organisation")
    p.add_argument("--lang", choices=("da", "en"), default="da", help="language (default da)")
    p.add_argument("--owner", metavar="USER",
                   help="JupyterHub user who owns it (on a hub, nobody else sees it)")
    p.set_defaults(func=_new)

    p = sub.add_parser(
        "owner", help="list workbooks with their owners, or give a workbook an owner "
        "(an administrator, on the store folder)")
    p.add_argument("--store", metavar="DIR", help="folder of workbooks (default: ./store)")
    p.add_argument("workbook", metavar="WORKBOOK", nargs="?", help="workbook id")
    p.add_argument("user", metavar="USER", nargs="?", help="JupyterHub user name")
    p.set_defaults(func=_owner)

    p = sub.add_parser("validate", help="check a data file and summarise it")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--kind",
        choices=("units", "survey", "sickleave", "production", "dialogue"),
        help="kind of data (default: from the file name)",
    )
    p.set_defaults(func=_validate)

    p = sub.add_parser("evaluate", help="evaluate a trial on a folder of data files")
    p.add_argument("data_dir", metavar="DATA_DIR")
    p.add_argument("--workbook", metavar="FILE", help="workbook JSON with the trial design")
    p.add_argument("--baseline", metavar="FROM:TO", help="baseline period, e.g. 2026-01:2026-03")
    p.add_argument("--trial", metavar="FROM:TO", help="trial period, e.g. 2026-04:2026-09")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--lang", choices=("da", "en"), default="da", help="language of text output")
    p.set_defaults(func=_evaluate)

    p = sub.add_parser("report", help="write a workbook's decision document (HTML or Word)")
    p.add_argument("workbook", metavar="WORKBOOK", help="workbook JSON file")
    p.add_argument("--format", choices=("html", "docx"),
                   help="html or docx (default: from the output's suffix, else html)")
    p.add_argument("--lang", choices=("da", "en"), default="da", help="language (default da)")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="file to write")
    p.add_argument("--data", metavar="DIR",
                   help="folder of data files for the evaluation (default: the workbook's "
                   "example data, if it names one)")
    p.set_defaults(func=_report)

    p = sub.add_parser(
        "import", help="turn a survey tool's export (SurveyXact, Microsoft Forms, SPSS, "
        "Google Forms) into a survey file")
    p.add_argument("sources", metavar="SOURCE", nargs="+",
                   help="the export: one file, or SurveyXact's dataset, structure and labels "
                   "CSV files")
    p.add_argument("-o", "--output", metavar="FILE", required=True,
                   help="survey file to write (CSV)")
    p.add_argument("--unit", metavar="COLUMN", help="the column giving each respondent's unit")
    p.add_argument("--role", metavar="COLUMN", help="the column giving the role")
    p.add_argument("--manager", metavar="VALUE", action="append",
                   help="an answer of the role column that means manager (repeat for more)")
    p.add_argument("--date", metavar="COLUMN",
                   help="the column giving the date (default: the completion time), or "
                   "YYYY-MM-DD for every answer set")
    p.add_argument("--scale", metavar="NAME|FILE",
                   help="answer scale: auto (default), agree-da, agree-en, satisfaction-da, "
                   "satisfaction-en, extent-da, extent-en, 0-10, or a CSV/JSON file of "
                   "label,score")
    p.add_argument("--profile", metavar="FILE", help="read the whole mapping from a profile")
    p.add_argument("--save-profile", metavar="FILE", help="write the mapping used to a profile")
    p.set_defaults(func=_import)

    p = sub.add_parser("examples", help="generate an example organisation's data")
    p.add_argument(
        "--size", choices=("small", "medium", "large", "state"), default="small",
        help="about 60, 800, 6,000 or 185,000 employees (default small)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out", metavar="DIR", default=".", help="output folder (default .)")
    p.add_argument("--exports", action="store_true",
                   help="also write the survey as SurveyXact, Microsoft Forms, SPSS and "
                   "Google Forms export it, into DIR/exports")
    p.set_defaults(func=_examples)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except UsageError as e:
        print(f"hjemmekit {args.command}: {e}", file=sys.stderr)
        return 2
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter exit quiet
        return 0
    except ValueError as e:
        # DataError, DocumentError and DesignError: the message is the problem list.
        print(str(e), file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - the contract: no traceback reaches a user
        print(f"hjemmekit {args.command}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


def run() -> None:
    """The ``hjemmekit`` command's entry point: :func:`main`, then the process ends.

    Before the interpreter shuts down, the objects still alive (after ``evaluate``: the
    frames and some 100,000 figures) are moved out of the cyclic collector's reach. Its
    last pass at exit would visit them all and free nothing the operating system does
    not take back anyway (about 0.05 s on the state example). Exit handlers and the
    flushing of output still run.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
