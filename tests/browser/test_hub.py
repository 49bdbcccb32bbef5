"""hjemmekit behind a real JupyterHub (``make hub``'s configuration): each leader logs in
on JupyterHub's form and gets their own app; the workbooks live in the store service, and
each user sees only what is theirs or shared with them (as a user or through a group)."""

from __future__ import annotations

import json
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


def open_in(page: Any, hub: Hub, user: str, workbook_id: str) -> None:
    """Open ``?workbook=ID`` in ``user``'s app and wait for it."""
    from conftest import wait_for_app

    page.goto(f"{hub.url}/user/{user}/?workbook={workbook_id}")
    wait_for_app(page)


def picker_options(page: Any) -> str:
    """The picker's entries, " | "-separated (no-break spaces as spaces)."""
    texts = page.locator(".hk-picker select option").all_inner_texts()
    return " | ".join(texts).replace("\xa0", " ")


def test_workbooks_are_private_until_shared(
    browser: Any, alice: Any, bob: Any, hub: Hub, ui: Any
) -> None:
    """alice writes a workbook; bob neither lists nor opens it; alice shares it with bob to
    read: he sees it read-only and saves nothing; the history names alice; a share with
    the group hr lets carol (in hr) read it too."""
    title = "Alices fortrolige omorganisering"
    for page in (alice, bob):
        page.context.set_default_timeout(60_000)  # both servers run by now
    alice.get_by_role("button", name="Ny arbejdsbog").click()
    box = alice.get_by_role("textbox", name="Arbejdsbogens titel")
    box.fill(title)
    box.press("Tab")
    ui.wait_saved(alice, after=1)
    wid = ui.workbook_id(alice)
    saved = hub.store / f"{wid}.json"
    assert json.loads(saved.read_text(encoding="utf-8"))["title"] == title

    # bob: not in his picker, and ?workbook=ID shows a message and nothing of it
    bob.reload()
    ui.wait_for_app(bob)
    assert title not in picker_options(bob)
    open_in(bob, hub, "bob", wid)
    denied = bob.locator(".hk-denied")
    denied.wait_for()
    assert wid in denied.inner_text()
    shown = bob.locator("body").inner_text().replace("\xa0", " ")
    assert title not in shown + picker_options(bob)
    ui.screenshot(bob, "hub-bob-denied")

    # alice shares it with bob, to read
    open_in(alice, hub, "alice", wid)
    alice.get_by_role("combobox", name="Del med").select_option(label="Bruger")
    alice.get_by_role("textbox", name="Navn").fill("bob")
    alice.get_by_role("combobox", name="Adgang").select_option(label="kun læse")
    alice.get_by_role("button", name="Del", exact=True).click()
    alice.locator(".hk-sharing").get_by_text("Brugeren bob · kun læse").wait_for()

    # bob: listed, read-only, nothing he does is saved; the history names alice
    before = saved.read_bytes()
    open_in(bob, hub, "bob", wid)
    assert title in picker_options(bob)
    bob.locator(".hk-readonly").wait_for()
    assert "alice" in bob.locator(".hk-readonly").inner_text()
    bob_title = bob.get_by_role("textbox", name="Arbejdsbogens titel")
    assert bob_title.is_disabled()
    assert bob_title.input_value() == title
    bob.get_by_role("button", name="Næste").click()  # moving around saves nothing either
    bob.get_by_role("button", name="Vis historik").click()
    history = bob.locator("table.hk-history")
    history.wait_for()
    assert "alice" in history.inner_text()
    ui.screenshot(bob, "hub-bob-read-only")
    bob.wait_for_timeout(2000)  # an autosave would have happened by now
    assert saved.read_bytes() == before

    # a share with the group hr: carol, a member, may read it
    alice.get_by_role("combobox", name="Del med").select_option(label="Gruppe")
    alice.get_by_role("textbox", name="Navn").fill("hr")
    alice.get_by_role("combobox", name="Adgang").select_option(label="kun læse")
    alice.get_by_role("button", name="Del", exact=True).click()
    alice.locator(".hk-sharing").get_by_text("Gruppen hr · kun læse").wait_for()
    carol = log_in(browser, hub, "carol")
    try:
        assert title in picker_options(carol)
        open_in(carol, hub, "carol", wid)
        carol.locator(".hk-readonly").wait_for()
        assert carol.get_by_role("textbox", name="Arbejdsbogens titel").is_disabled()
    finally:
        carol.context.close()
