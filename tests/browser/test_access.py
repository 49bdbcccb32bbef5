"""Who may open which workbook, in Chromium: two users' servers on one store.

Each server runs as one JupyterHub user (``JUPYTERHUB_USER``, as JupyterHub starts it),
reaching the store folder itself; the hub's store service and the real hub are tested
with the hub setup. Here: the picker, the denial message, the read-only app and the
owner's sharing panel as a browser shows them, with axe-core and screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import stop

from hjemmekit.access import GuardedStore, Identity
from hjemmekit.session import copy_example
from hjemmekit.store import WorkbookStore

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hub_like(tmp_path_factory: pytest.TempPathFactory, ui: Any) -> Iterator[dict[str, Any]]:
    """A store with Alice's workbooks (one shared with Bob to read, one secret) and a
    server for each of them."""
    base = tmp_path_factory.mktemp("access")
    store = base / "store"
    alices = GuardedStore(WorkbookStore(store), Identity("alice"))
    shared = copy_example(alices, "mellemstor-besluttet")
    assert shared is not None
    shared.title = "Forsøg i Jura 2027"
    alices.save(shared)
    alices.share(shared.id, kind="user", name="bob", access="read")
    secret = alices.create(title="Hemmelig omorganisering", organisation="Styrelsen")
    servers = {}
    try:
        for user in ("alice", "bob"):
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("JUPYTERHUB_USER", user)
                mp.delenv("HJEMMEKIT_STORE_URL", raising=False)
                servers[user] = ui.start_server(store=store, log_dir=base / user)
        yield {"servers": servers, "shared": shared.id, "secret": secret.id, "store": store}
    finally:
        for server in servers.values():
            stop(server.proc)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    pages: list[Any] = []

    def make() -> Any:
        pages.append(context.new_page())
        return pages[-1]

    try:
        yield make
    finally:
        for pg in pages:
            pg.close(run_before_unload=True)
        context.close()


def _open(page: Any, server: Any, ui: Any, workbook_id: str | None = None) -> None:
    page.goto(server.url + (f"?workbook={workbook_id}" if workbook_id else ""))
    ui.wait_for_app(page)


def test_bob_sees_only_what_is_shared_and_nothing_of_the_secret(hub_like, new_page, ui):
    page = new_page()
    _open(page, hub_like["servers"]["bob"], ui, hub_like["secret"])
    alert = page.locator(".hk-denied")
    alert.wait_for()
    assert hub_like["secret"] in alert.inner_text()
    assert "har ikke adgang" in alert.inner_text()
    text = page.locator("body").inner_text()
    options = " ".join(page.locator(".hk-picker select option").all_inner_texts())
    options = options.replace("\xa0", " ")
    assert "Hemmelig" not in text + options
    assert "Forsøg i Jura 2027 (" in options and "delt med dig · kun læse" in options
    assert "ejer alice" in options
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "access-denied")
    # Logged in the server's log (not in the page), with the user and the id.
    log = hub_like["servers"]["bob"].stderr(tail=200_000)
    assert re.search(rf"access denied: user 'bob' .* workbook {hub_like['secret']}", log)
    assert "access denied" not in text
    page.locator(".hk-picker select").focus()
    ui.screenshot(page, "access-picker", full_page=False)


def test_read_only_for_bob_saves_nothing(hub_like, new_page, ui):
    path = Path(hub_like["store"]) / f"{hub_like['shared']}.json"
    before = path.read_bytes()
    page = new_page()
    _open(page, hub_like["servers"]["bob"], ui, hub_like["shared"])
    banner = page.locator(".hk-readonly")
    banner.wait_for()
    assert "Du kan kun læse denne arbejdsbog" in banner.inner_text()
    assert "alice" in banner.inner_text()
    title = page.get_by_role("textbox", name="Arbejdsbogens titel")
    assert title.is_disabled()
    editable = page.locator(".hk-app textarea:not([disabled]), .hk-app input[type=text]"
                            ":not([disabled])")
    assert editable.count() == 0
    assert page.get_by_role("button", name="Del", exact=True).count() == 0
    assert "Ejer: alice. Delt med dig: kun læse." in page.locator(".hk-sharing").inner_text()
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "access-read-only")
    page.get_by_role("button", name=re.compile("Lav beslutningsgrundlag")).click()
    page.locator(".hk-report a[download$='.html']").wait_for()
    assert path.read_bytes() == before


def test_alice_shares_with_a_group_and_sees_who_saved(hub_like, new_page, ui):
    page = new_page()
    _open(page, hub_like["servers"]["alice"], ui, hub_like["shared"])
    panel = page.locator(".hk-sharing")
    assert "Brugeren bob · kun læse" in panel.inner_text()
    page.get_by_role("combobox", name="Del med").select_option(label="Gruppe")
    page.get_by_role("textbox", name="Navn").fill("ledelse")
    page.get_by_role("combobox", name="Adgang").select_option(label="redigere")
    page.get_by_role("button", name="Del", exact=True).click()
    panel.get_by_text("Gruppen ledelse · redigere").wait_for()
    assert page.get_by_role("button", name="Stop deling med bob").is_visible()
    page.get_by_role("button", name="Vis historik").click()
    history = page.locator("table.hk-history")
    history.wait_for()
    assert "alice" in history.inner_text()
    ui.assert_no_axe_violations(page)
    ui.screenshot(page, "access-share-panel")
    store = WorkbookStore(hub_like["store"])
    shares = {(s.kind, s.name, s.access) for s in store.open(hub_like["shared"]).shares}
    assert shares == {("user", "bob", "read"), ("group", "ledelse", "edit")}


def test_a_missing_id_looks_like_a_forbidden_one_to_bob(hub_like, new_page, ui):
    """On a hub nobody can tell from the app whether an id exists."""
    texts = []
    for workbook_id in (hub_like["secret"], "nosuchworkbook"):
        page = new_page()
        _open(page, hub_like["servers"]["bob"], ui, workbook_id)
        alert = page.locator(".hk-denied")
        alert.wait_for()
        texts.append(alert.inner_text().replace(workbook_id, "ID"))
    assert texts[0] == texts[1] and "har ikke adgang" in texts[1]
    log = hub_like["servers"]["bob"].stderr(tail=200_000)
    assert re.search(r"access denied: user 'bob' .* open workbook nosuchworkbook", log)


def test_alice_shares_with_bob_typed_in_capitals_and_a_bad_name_is_said_in_place(
        hub_like, new_page, ui):
    page = new_page()
    _open(page, hub_like["servers"]["alice"], ui, hub_like["shared"])
    panel = page.locator(".hk-sharing")
    name = page.get_by_role("textbox", name="Navn")
    name.fill("Carol Jensen")
    page.get_by_role("button", name="Del", exact=True).click()
    error = panel.locator(".hk-error[role=alert]")
    error.wait_for()
    assert "«Carol Jensen» kan ikke være et brugernavn på JupyterHub" in error.inner_text()
    assert "Traceback" not in page.locator("body").inner_text()
    ui.screenshot(page, "access-share-bad-name")
    name.fill(" Carol ")
    page.get_by_role("button", name="Del", exact=True).click()
    panel.get_by_text("Brugeren carol · kun læse").wait_for()
    ui.assert_no_axe_violations(page)
    shares = WorkbookStore(hub_like["store"]).open(hub_like["shared"]).shares
    assert ("user", "carol", "read") in {(s.kind, s.name, s.access) for s in shares}
