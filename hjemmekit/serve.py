"""Serve the workbook app (``workbook/app.ipynb``) with Voilà on 127.0.0.1.

The kernel learns where the store is and which example to open from environment variables
(set here, inherited by every kernel Voilà starts, pre-heated or not):

- ``HJEMMEKIT_STORE``: absolute path of the folder of workbooks (default ``./store``);
- ``HJEMMEKIT_EXAMPLE``: name of an example workbook to open a copy of (unset: none).

With pre-heated kernels (the default) the notebook runs *before* anyone asks for the page,
so the kernel sees no ``QUERY_STRING`` at first: call :func:`wait_for_request` (no-op
outside a pre-heated Voilà kernel) before reading it.

The page uses the project's own Voilà template (``hjemmekit/templates/jupyter/voila/
templates/hjemmekit``), which links nothing outside the host.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hjemmekit

STORE_ENV = "HJEMMEKIT_STORE"
EXAMPLE_ENV = "HJEMMEKIT_EXAMPLE"
PREHEAT_ENV = "HJEMMEKIT_PREHEAT"
TEMPLATE_NAME = "hjemmekit"
HOST = "127.0.0.1"
CELL_ERROR_INSTRUCTION = (
    "hjemmekit kunne ikke starte; se beskeden i terminalen. / "
    "hjemmekit could not start; see the message in the terminal."
)
#: Pre-heated kernels kept ready per notebook (each holds a rendered copy of the app).
POOL_SIZE = 1
#: Seconds before a used pre-heated kernel is replaced. Keep 0: in Voilà 0.5 a visitor who
#: arrives during the delay waits for the delay *and* the kernel start (measured: 8 s with 10).
FILL_DELAY_S = 0
#: Seconds Voilà waits, after a cell's reply, for the rest of its output. nbclient's
#: default (4) is too short under load: the app's hundreds of widget messages queue up
#: behind other visitors' and the cell's output (the app itself) was dropped.
IOPUB_TIMEOUT_S = 120
#: Default of ``hjemmekit serve --idle-timeout``: seconds a kernel may live without its page.
IDLE_TIMEOUT_S = 600
#: Largest file (MB) a user may upload in the app (a data file or a workbook). ipywidgets'
#: FileUpload sends the whole file in one message over the kernel's websocket, which
#: tornado closes when a message is bigger than ``websocket_max_message_size`` (10 MiB by
#: default): the upload then vanished and the page lost its kernel connection. The page
#: refuses bigger files before sending them (the template's script) with a message in
#: place; the server takes messages up to the limit plus room for the widget's fields.
UPLOAD_LIMIT_MB = 50
UPLOAD_LIMIT_BYTES = UPLOAD_LIMIT_MB * 1024 * 1024
WS_MAX_MESSAGE_BYTES = UPLOAD_LIMIT_BYTES + 4 * 1024 * 1024
#: Set by JupyterHub for a user's server: the URL prefix the browser sees.
HUB_PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"


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
        "workbook/app.ipynb not found (looked in: " + ", ".join(str(c) for c in candidates) + ")"
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


def base_url_from_env(base_url: str | None = None) -> str:
    """The URL prefix the browser sees: ``base_url`` if given, else JupyterHub's
    ``JUPYTERHUB_SERVICE_PREFIX`` (``/user/alice/``), else ``/``; always ``/.../``."""
    prefix = base_url or os.environ.get(HUB_PREFIX_ENV) or "/"
    return "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"


def cull_interval(idle_timeout: int) -> int:
    """How often (s) to look for kernels to stop: a tenth of the timeout, 1 to 60 s."""
    return max(1, min(60, idle_timeout // 10))


def voila_argv(
    notebook: Path,
    port: int,
    preheat: bool = True,
    *,
    base_url: str = "/",
    idle_timeout: int = IDLE_TIMEOUT_S,
) -> list[str]:
    """Command-line options for Voilà (shared by ``serve`` and the benchmark).

    ``base_url`` is the prefix the browser sees (JupyterHub's ``/user/<name>/``); Voilà
    itself serves at ``/`` because the proxy in front strips the prefix. Kernels without
    a page connected and idle for ``idle_timeout`` seconds are stopped (0: never).
    """
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
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_S}",
        "--VoilaConfiguration.multi_kernel_manager_class=hjemmekit.culling.PageKernelManager",
    ]
    if base_url != "/":
        argv += [f"--Voila.base_url={base_url}", "--Voila.server_url=/"]
    if idle_timeout > 0:
        # A kernel whose page is gone (closed without Voilà's shutdown call: a closed
        # laptop, a crashed tab) is stopped once it has had no page connected and no
        # activity for idle_timeout seconds. An open page keeps its websocket connected
        # and is never culled; nor are pre-heated kernels waiting in the pool (Voilà skips
        # them). Every change is autosaved, so a stopped kernel loses nothing.
        # (PageKernelManager gives a kernel whose page is still loading more time.)
        argv += [
            f"--MappingKernelManager.cull_idle_timeout={idle_timeout}",
            f"--MappingKernelManager.cull_interval={cull_interval(idle_timeout)}",
            "--MappingKernelManager.cull_connected=False",
            "--MappingKernelManager.cull_busy=False",
        ]
    if os.name == "posix":
        # Kernels talk to the server over Unix sockets in Voilà's private connection
        # directory: no open TCP ports on a shared host, and no ipykernel warning about it.
        argv.append("--KernelManager.transport=ipc")
    if preheat:
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={POOL_SIZE}",
            f"--VoilaKernelManager.fill_delay={FILL_DELAY_S}",
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
    preheat: bool | None = None,
    base_url: str | None = None,
    idle_timeout: int = IDLE_TIMEOUT_S,
) -> int:
    """Serve the app until Ctrl+C; return the exit code (1 when the port is taken).

    ``notebook`` serves another notebook the same way (tests and benchmarks). ``preheat``
    keeps a kernel with the app already rendered ready for the next visitor; default on,
    ``HJEMMEKIT_PREHEAT=0`` turns it off (saves one idle kernel's memory per server).
    ``base_url`` is the URL prefix in front of the app (default: JupyterHub's
    ``JUPYTERHUB_SERVICE_PREFIX`` when set, else ``/``). ``idle_timeout``: see
    :func:`voila_argv`.
    """
    if preheat is None:
        preheat = os.environ.get(PREHEAT_ENV, "1").strip().lower() not in {"0", "false", "no"}
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
    if idle_timeout < 0:
        print(f"hjemmekit serve: --idle-timeout {idle_timeout} is negative", file=sys.stderr)
        return 2
    prefix = base_url_from_env(base_url)
    if not port_free(port):
        print(
            f"hjemmekit serve: port {port} på {HOST} er optaget / is already in use "
            f"(try --port {port + 1})",
            file=sys.stderr,
        )
        return 1
    prepare_environment(store, example)

    from tornado.web import HTTPError
    from voila.app import Voila
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    class ShutdownOnUnloadHandler(VoilaShutdownKernelHandler):
        """Voilà's kernel shutdown on page unload, which its frontend sends with
        ``navigator.sendBeacon`` and so without the XSRF token: jupyter_server refuses it
        (403, voila-dashboards/voila#1458) and every closed tab left its kernel running.
        Accept it from the page's own origin instead."""

        def check_xsrf_cookie(self) -> None:
            if not self.check_origin():
                raise HTTPError(404)

    class HjemmekitVoila(Voila):
        """Voilà that listens on exactly one port, prints one line and stays quiet."""

        def init_handlers(self) -> list[Any]:
            """Voilà's handlers, with the unload shutdown that works (see above)."""
            return [
                (h[0], ShutdownOnUnloadHandler, *h[2:]) if h[1] is VoilaShutdownKernelHandler else h
                for h in super().init_handlers()
            ]

        def listen(self) -> None:
            """Listen on the one port asked for (no retries), print the URL, run."""
            import tornado.ioloop

            try:
                self.app.listen(self.port, self.ip)
            except OSError as e:
                in_use = e.errno == errno.EADDRINUSE
                reason = "er optaget / is already in use" if in_use else str(e)
                print(f"hjemmekit serve: port {self.port} {reason}", file=sys.stderr)
                self.exit(1)
            url = f"http://{HOST}:{self.port}/"
            behind = f" for {prefix}" if prefix != "/" else ""
            print(f"hjemmekit kører på / is running at {url}{behind}  (Ctrl+C stopper / stops)")
            sys.stdout.flush()
            if open_browser:
                import webbrowser

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
        app.initialize(
            voila_argv(nb_path, port, preheat=preheat, base_url=prefix, idle_timeout=idle_timeout)
        )
        app.voila_configuration.page_config_hook = _page_config_hook
        # jupyter_server's default ping timeout (90 s) exceeds its interval (30 s): tornado
        # warns about it on the first websocket. Same values, said consistently.
        app.tornado_settings = {
            "ws_ping_interval": 30000,
            "ws_ping_timeout": 30000,
            "websocket_max_message_size": WS_MAX_MESSAGE_BYTES,  # uploads: see UPLOAD_LIMIT_MB
        }
        _quiet_logging(app.log)
        app.start()
    except SystemExit as e:
        return int(e.code or 0) if isinstance(e.code, int) else 1
    except KeyboardInterrupt:
        pass
    return 0


def wait_for_request(meanwhile: Callable[[], object] | None = None) -> bool:
    """In a pre-heated Voilà kernel, block until a visitor's request arrives and put its
    details (``QUERY_STRING``, ``SCRIPT_NAME``, ``SERVER_NAME``, …) into ``os.environ``.

    ``meanwhile`` runs first, only in a pre-heated kernel: it has time to spare before its
    visitor comes (the app imports the later steps' code there, which a kernel started for
    a visitor leaves until a step is first shown).

    Returns True when the request info was received, False when not pre-heated (the
    environment already holds it) or the server cannot be reached. Does what
    ``voila.utils.wait_for_request`` does without importing Voilà into the kernel (1+ s),
    reconnects if the connection drops, and ends the kernel quietly when the server goes
    away while it waits (server stopped: no traceback from a half-shut kernel).
    """
    env = os.environ
    if env.get("VOILA_PREHEAT", "False") != "True" or not env.get("VOILA_KERNEL_ID"):
        return False
    if meanwhile is not None:
        meanwhile()
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', HOST)}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env['VOILA_KERNEL_ID']}"
    )
    result: dict[str, str | bytes] = {}

    async def receive() -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        connected = False
        while True:
            try:
                async with connect(url, open_timeout=10) as ws:
                    connected = True
                    result["info"] = await ws.recv()
                    return
            except ConnectionClosed:
                await asyncio.sleep(0.2)  # the server keeps the info until we are back
            except OSError:
                if connected:
                    result["gone"] = "server stopped"
                return

    def run() -> None:  # own thread and loop: the kernel's loop is busy running this cell
        try:
            asyncio.run(receive())
        except Exception:  # noqa: BLE001 - handled as "no request info" below
            pass

    import threading

    thread = threading.Thread(target=run, name="hjemmekit-wait-for-request", daemon=True)
    thread.start()
    try:
        thread.join()
    except BaseException:  # the server interrupts a waiting pool kernel when it stops
        os._exit(0)
    if "gone" in result:
        os._exit(0)
    if "info" not in result:
        return False
    for key, value in json.loads(result["info"]).items():
        env[key] = str(value)
    env["VOILA_PREHEAT"] = "False"  # the request has arrived: later calls return at once
    return True
