"""hjemmekit behind a real JupyterHub (``make hub``'s configuration): each leader logs in
on JupyterHub's form, gets their own app, and no one else's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hub import Hub, log_in, start_hub
from servers import stop

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GROUPS = "ledelse:alice,bob;hr:carol"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A JupyterHub on a free port with a temporary store, for this module."""
    running = start_hub(tmp_path_factory.mktemp("hjemmekit-hub"), groups=GROUPS)
    try:
        yield running
    finally:
        stop(running.proc)


@pytest.fixture(scope="module")
def alice(browser: Any, hub: Hub) -> Iterator[Any]:
    """alice, logged in, on her app."""
    page = log_in(browser, hub, "alice")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def bob(browser: Any, hub: Hub) -> Iterator[Any]:
    """bob, logged in, on his app."""
    page = log_in(browser, hub, "bob")
    yield page
    page.context.close()


def test_each_user_gets_their_own_app(alice: Any, bob: Any, hub: Hub, ui: Any) -> None:
    """Both log in on JupyterHub's form and land on their own app at /user/<name>/."""
    assert alice.url.startswith(f"{hub.url}/user/alice/")
    assert bob.url.startswith(f"{hub.url}/user/bob/")
    ui.screenshot(alice, "hub-alice")


def test_no_access_to_another_users_server(alice: Any, bob: Any, hub: Hub) -> None:
    """bob asking for alice's server gets JupyterHub's 403 and nothing of her app."""
    other = bob.context.new_page()
    try:
        response = other.goto(f"{hub.url}/user/alice/")
        assert response is not None
        assert response.status == 403, (response.status, other.url)
        assert other.get_by_role("button", name="Næste").count() == 0
        assert "hjemmekit" not in other.content().lower()
    finally:
        other.close()


def test_not_logged_in_goes_to_the_login(browser: Any, alice: Any, hub: Hub) -> None:
    """A browser without a login asking for alice's app is sent to the hub's login form."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{hub.url}/user/alice/")
        assert "/hub/login" in page.url, page.url
        assert page.get_by_role("button", name="Næste").count() == 0
    finally:
        context.close()


def test_leader_cannot_run_code(alice: Any, hub: Hub) -> None:
    """A leader's server is the app only: no JupyterLab, no terminals, no way to start a
    kernel (and Voilà's kernels accept widget messages only, never code to execute)."""
    request = alice.context.request
    for path in ("lab", "tree", "terminals/1", "api/kernels", "api/contents", "api/terminals"):
        response = request.get(f"{hub.url}/user/alice/{path}", max_redirects=0)
        assert response.status in {302, 403, 404, 405}, (path, response.status)
    for path in ("api/kernels", "api/terminals", "api/sessions"):
        response = request.post(f"{hub.url}/user/alice/{path}", data="{}", max_redirects=0)
        assert response.status in {302, 403, 404, 405}, (path, response.status)
