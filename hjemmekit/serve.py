"""Serve the workbook app (``workbook/app.ipynb``) with Voilà on 127.0.0.1.

The kernel learns where the store is and which example to open from environment variables
(set here, inherited by every kernel Voilà starts, pre-heated or not):

- ``HJEMMEKIT_STORE``: absolute path of the folder of workbooks (default ``./store``);
- ``HJEMMEKIT_EXAMPLE``: name of an example workbook to open a copy of (unset: none).

The page uses the project's own Voilà template (``hjemmekit/templates/jupyter/voila/
templates/hjemmekit``), which links nothing outside the host.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import webbrowser
from pathlib import Path
from typing import Any

import hjemmekit

STORE_ENV = "HJEMMEKIT_STORE"
EXAMPLE_ENV = "HJEMMEKIT_EXAMPLE"
TEMPLATE_NAME = "hjemmekit"
HOST = "127.0.0.1"
CELL_ERROR_INSTRUCTION = (
    "hjemmekit kunne ikke starte; se beskeden i terminalen. / "
    "hjemmekit could not start; see the message in the terminal."
)
#: Pre-heated kernels kept ready per notebook (each holds a rendered copy of the app).
POOL_SIZE = 1


def template_root() -> Path:
    """The Jupyter data directory that holds ``voila/templates/hjemmekit``."""
    return Path(__file__).resolve().parent / "templates" / "jupyter"


def app_notebook_path() -> Path:
    """Locate ``app.ipynb``: inside the package if shipped there, else in the source tree."""
    package_dir = Path(hjemmekit.__file__).resolve().parent
    candidates = [
        package_dir / "workbook" / "app.ipynb",
        package_dir.parent / "workbook" / "app.ipynb",
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "workbook/app.ipynb not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + ")"
    )


def port_free(port: int, host: str = HOST) -> bool:
    """Whether ``host:port`` can be bound now (as tornado binds it: with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _page_config_hook(page_config: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Keep MathJax local: with both options "null", Voilà's frontend uses the bundled
    MathJax 3 instead of fetching MathJax 2 from cdnjs."""
    page_config["fullMathjaxUrl"] = "null"
    page_config["mathjaxConfig"] = "null"
    return page_config


def voila_argv(notebook: Path, port: int, preheat: bool = True) -> list[str]:
    """Command-line options for Voilà (shared by ``serve`` and the benchmark)."""
    argv = [
        str(notebook),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--Voila.open_browser=False",
        "--Voila.log_level=WARN",
        f"--template={TEMPLATE_NAME}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
        "--VoilaExecutor.cell_error_instruction=" + CELL_ERROR_INSTRUCTION,
    ]
    if os.name == "posix":
        # Kernels talk to the server over Unix sockets in Voilà's private connection
        # directory: no open TCP ports on a shared host, and no ipykernel warning about it.
        argv.append("--KernelManager.transport=ipc")
    if preheat:
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={POOL_SIZE}",
            "--VoilaKernelManager.fill_delay=0",
        ]
    return argv


def prepare_environment(store: str | None, example: str | None) -> Path:
    """Set the variables the kernel reads and make the template findable; returns the store."""
    store_dir = Path(store).expanduser() if store else Path("store")
    store_dir = store_dir.resolve()
    os.environ[STORE_ENV] = str(store_dir)
    if example:
        os.environ[EXAMPLE_ENV] = example
    else:
        os.environ.pop(EXAMPLE_ENV, None)
    # Voilà finds templates (and their static files) under <jupyter data dir>/voila/templates.
    root = str(template_root())
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([root, *paths])
    return store_dir


class OneLineErrors(logging.Filter):
    """Turn log records carrying a traceback into one line; drop known noise."""

    NOISE = ("is not trusted",)

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False to drop the record; rewrite it in place otherwise."""
        text = str(record.msg)
        if any(n in text for n in self.NOISE):
            return False
        exc: BaseException | None = None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
        elif isinstance(record.msg, BaseException):
            exc = record.msg
        if exc is not None:
            name = getattr(exc, "ename", None) or type(exc).__name__
            value = str(getattr(exc, "evalue", None) or exc).strip()
            first = value.splitlines()[0] if value else ""
            record.msg = "fejl / error: %s: %s"
            record.args = (name, first)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def _quiet_logging(app_log: logging.Logger) -> None:
    """Only warnings and real errors, each in one line, reach the terminal."""
    one_line = OneLineErrors()
    formatter = logging.Formatter("hjemmekit serve: %(levelname)s %(message)s")
    for handler in app_log.handlers:
        handler.addFilter(one_line)
        handler.setFormatter(formatter)
    app_log.setLevel(logging.WARNING)
    tornado_log = logging.getLogger("tornado")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(one_line)
    handler.setFormatter(formatter)
    tornado_log.handlers = [handler]
    tornado_log.propagate = False
    tornado_log.setLevel(logging.WARNING)
    # 4xx answers (a stray favicon, a stale tab) are no news to the person at the terminal.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)


def serve(
    store: str | None,
    port: int = 8866,
    example: str | None = None,
    open_browser: bool = False,
    *,
    notebook: str | Path | None = None,
) -> int:
    """Serve the app until Ctrl+C; return the exit code (1 when the port is taken).

    ``notebook`` serves another notebook the same way (tests and benchmarks).
    """
    try:
        nb_path = Path(notebook).resolve() if notebook else app_notebook_path()
        if not nb_path.is_file():
            raise FileNotFoundError(f"notebook not found: {nb_path}")
    except FileNotFoundError as e:
        print(f"hjemmekit serve: {e}", file=sys.stderr)
        return 1
    if not 0 < port < 65536:
        print(f"hjemmekit serve: port {port} is not a valid port (1-65535)", file=sys.stderr)
        return 2
    if not port_free(port):
        print(
            f"hjemmekit serve: port {port} på {HOST} er optaget / is already in use "
            f"(try --port {port + 1})",
            file=sys.stderr,
        )
        return 1
    prepare_environment(store, example)

    from voila.app import Voila

    class HjemmekitVoila(Voila):
        """Voilà that listens on exactly one port, prints one line and stays quiet."""

        def listen(self) -> None:  # noqa: D102 - replaces Voila.listen
            import tornado.ioloop

            try:
                self.app.listen(self.port, self.ip)
            except OSError as e:
                in_use = e.errno == errno.EADDRINUSE
                reason = "er optaget / is already in use" if in_use else str(e)
                print(f"hjemmekit serve: port {self.port} {reason}", file=sys.stderr)
                self.exit(1)
            url = f"http://{HOST}:{self.port}/"
            print(f"hjemmekit kører på / is running at {url}  (Ctrl+C stopper / stops)")
            sys.stdout.flush()
            if open_browser:
                webbrowser.open(url)
            self.ioloop = tornado.ioloop.IOLoop.current()
            try:
                self.ioloop.start()
            except KeyboardInterrupt:
                pass
            finally:
                self.stop()

    HjemmekitVoila.clear_instance()
    app = HjemmekitVoila.instance()
    try:
        app.initialize(voila_argv(nb_path, port))
        app.voila_configuration.page_config_hook = _page_config_hook
        # jupyter_server's default ping timeout (90 s) exceeds its interval (30 s): tornado
        # warns about it on the first websocket. Same values, said consistently.
        app.tornado_settings = {"ws_ping_interval": 30000, "ws_ping_timeout": 30000}
        _quiet_logging(app.log)
        app.start()
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else 1
    except KeyboardInterrupt:
        pass
    return 0
