"""``hjemmekit serve``'s options for hosting: the URL prefix behind JupyterHub, the idle
timeout, the upload limit (the servers themselves: tests/browser/test_hub.py, test_load.py)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hjemmekit import serve
from hjemmekit.cli import main as cli_main


def options(argv: list[str]) -> dict[str, str]:
    return dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)


def test_prefix_from_jupyterhub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(serve.HUB_PREFIX_ENV, raising=False)
    assert serve.base_url_from_env() == "/"
    monkeypatch.setenv(serve.HUB_PREFIX_ENV, "/user/alice/")
    assert serve.base_url_from_env() == "/user/alice/"
    assert serve.base_url_from_env("/hjemmekit") == "/hjemmekit/"  # --base-url wins


def test_behind_a_prefix_voila_serves_at_root() -> None:
    opts = options(serve.voila_argv(Path("app.ipynb"), 9000, base_url="/user/alice/"))
    assert opts["Voila.base_url"] == "/user/alice/"
    assert opts["Voila.server_url"] == "/"  # the proxy strips the prefix
    assert "Voila.base_url" not in options(serve.voila_argv(Path("app.ipynb"), 9000))


def test_idle_timeout_culls_kernels_without_a_page() -> None:
    opts = options(serve.voila_argv(Path("app.ipynb"), 9000, idle_timeout=600))
    assert opts["MappingKernelManager.cull_idle_timeout"] == "600"
    assert opts["MappingKernelManager.cull_interval"] == "60"
    assert opts["MappingKernelManager.cull_connected"] == "False"  # open pages stay
    assert opts["VoilaConfiguration.multi_kernel_manager_class"].endswith("PageKernelManager")
    assert int(opts["VoilaExecutor.iopub_timeout"]) >= 60  # the hang with many visitors
    never = options(serve.voila_argv(Path("app.ipynb"), 9000, idle_timeout=0))
    assert "MappingKernelManager.cull_idle_timeout" not in never
    assert serve.cull_interval(20) == 2 and serve.cull_interval(5) == 1


def test_negative_idle_timeout_is_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["serve", "--idle-timeout", "-5", "--port", "1"])
    assert code == 2
    assert "--idle-timeout -5" in capsys.readouterr().err


def test_a_kernel_whose_page_never_connected_gets_a_grace_time() -> None:
    from hjemmekit.culling import PageKernelManager

    km = PageKernelManager(cull_idle_timeout=20, never_connected_timeout=300)
    culled: list[str] = []

    async def parent_cull(self: PageKernelManager, kernel_id: str) -> None:
        culled.append(kernel_id)

    base = PageKernelManager.__mro__[1]
    original = base.cull_kernel_if_idle
    base.cull_kernel_if_idle = parent_cull  # type: ignore[method-assign]
    try:
        asyncio.run(km.cull_kernel_if_idle("loading"))
        assert culled == []  # first seen now: its page may still be loading
        km._first_seen["loading"] = datetime.now(UTC) - timedelta(seconds=301)
        asyncio.run(km.cull_kernel_if_idle("loading"))
        assert culled == ["loading"]  # never connected for 5 minutes: abandoned
        km._kernel_connections["left"] = 0
        km.notify_connect("left")
        asyncio.run(km.cull_kernel_if_idle("left"))
        assert culled == ["loading", "left"]  # had a page: jupyter_server's rule applies
        km.notify_disconnect("left")  # its websocket blipped just now: not yet
        asyncio.run(km.cull_kernel_if_idle("left"))
        assert culled == ["loading", "left"]
        km._left["left"] = datetime.now(UTC) - timedelta(seconds=21)
        asyncio.run(km.cull_kernel_if_idle("left"))
        assert culled == ["loading", "left", "left"]  # gone for the timeout: stopped
    finally:
        base.cull_kernel_if_idle = original  # type: ignore[method-assign]


def test_upload_limit_message_in_both_languages() -> None:
    from hjemmekit.widgets.base import upload_limit_attributes, upload_too_big

    small = {"name": "units.csv", "size": 1000, "content": b"x" * 1000}
    big = {"name": "survey.csv", "size": serve.UPLOAD_LIMIT_BYTES + 1, "content": b""}
    assert upload_too_big([small], "da") is None
    da = upload_too_big([small, big], "da")
    en = upload_too_big([big], "en")
    assert da is not None and "survey.csv" in da and "højst 50 MB" in da
    assert en is not None and "at most 50 MB" in en
    attrs = upload_limit_attributes("da")
    assert f"data-hk-upload-limit='{serve.UPLOAD_LIMIT_BYTES}'" in attrs and "{name}" in attrs
    assert serve.WS_MAX_MESSAGE_BYTES > serve.UPLOAD_LIMIT_BYTES  # the file plus its fields


def test_serve_module_stays_light_for_kernels() -> None:
    """Kernels import hjemmekit.serve (wait_for_request): no Voilà, no jupyter_server."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", "import sys, hjemmekit.serve; print(sorted(m for m in "
         "('voila', 'jupyter_server', 'tornado', 'hjemmekit.culling') if m in sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert out == "[]"


def test_a_preheated_kernel_loads_the_steps_while_it_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """``wait_for_request(meanwhile)`` runs ``meanwhile`` only in a pre-heated kernel (one
    started for a visitor goes straight to the first page)."""
    import socket

    called: list[str] = []
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert serve.wait_for_request(lambda: called.append("x")) is False and called == []
    with socket.socket() as sock:  # a port nobody listens on: the wait gives up at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    assert serve.wait_for_request(lambda: called.append("x")) is False and called == ["x"]


def test_preload_steps_imports_every_step() -> None:
    import subprocess

    code = ("import sys; from hjemmekit.widgets.app import preload_steps; preload_steps(); "
            "assert 'hjemmekit.widgets.trial' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
