"""Who may open which workbook: the rules, GuardedStore, and the app under them."""

from __future__ import annotations

import json
import logging

import ipywidgets as W
import pytest

from hjemmekit import access, notebook, trialdata
from hjemmekit.access import (
    AccessDeniedError,
    GuardedStore,
    Identity,
    access_of,
    current_identity,
    open_store,
)
from hjemmekit.model import Share, Workbook, load_workbook
from hjemmekit.session import Session, copy_example, start_session
from hjemmekit.store import NotFoundError, StoreError, WorkbookStore
from hjemmekit.widgets.app import App
from hjemmekit.widgets.base import VIEW_ONLY, find_widgets, walk

ALICE = Identity("alice", frozenset({"hr"}))
BOB = Identity("bob", frozenset({"jura"}))
CAROL = Identity("carol", frozenset({"hr", "ledelse"}))
UNITS = b"unit,group\nJura,trial\nHR,comparison\n"


@pytest.fixture
def raw(tmp_path) -> WorkbookStore:
    return WorkbookStore(tmp_path / "store")


def guarded(raw: WorkbookStore, who: Identity) -> GuardedStore:
    return GuardedStore(raw, who)


@pytest.fixture
def alices(raw) -> tuple[GuardedStore, Workbook]:
    """Alice's store and a workbook she made."""
    store = guarded(raw, ALICE)
    return store, store.create(title="Omorganisering af Jura", organisation="Styrelsen")


# --- The rules -------------------------------------------------------------------------------


def test_rules_owner_shares_groups_and_edit_beats_read():
    wb = Workbook(owner="alice")
    assert access_of(ALICE, wb) == "owner"
    assert access_of(BOB, wb) is None
    wb.shares = [Share(kind="user", name="bob", access="read")]
    assert access_of(BOB, wb) == "read" and access_of(CAROL, wb) is None
    wb.shares.append(Share(kind="group", name="jura", access="edit"))
    assert access_of(BOB, wb) == "edit"  # edit (group) beats read (user)
    wb.shares = [Share(kind="group", name="ledelse", access="read")]
    assert access_of(CAROL, wb) == "read" and access_of(BOB, wb) is None
    # A user named like a group gets nothing from a group share, and the other way round.
    assert access_of(Identity("ledelse"), wb) is None
    wb.shares = [Share(kind="user", name="hr", access="edit")]
    assert access_of(ALICE.__class__("x", frozenset({"hr"})), wb) is None


def test_ownerless_workbook_is_nobodys_on_a_hub_and_the_local_users_locally():
    old = Workbook()  # from before hosting
    assert old.owner is None and old.shares == []
    assert access_of(ALICE, old) is None
    assert access_of(Identity("me", local=True), old) == "owner"


def test_old_documents_load_without_owner_or_shares():
    doc = json.loads(Workbook(title="Gammel").to_json())
    del doc["owner"], doc["shares"]
    wb = load_workbook(doc)
    assert wb.owner is None and wb.shares == []


def test_current_identity_from_the_environment(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert current_identity().local
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("HJEMMEKIT_GROUPS", "hr, ledelse,")
    assert current_identity() == Identity("alice", frozenset({"hr", "ledelse"}))


# --- GuardedStore ------------------------------------------------------------------------------


def test_create_copy_and_import_make_the_user_the_owner(raw, alices):
    store, wb = alices
    assert wb.owner == "alice" and wb.shares == []
    bobs = guarded(raw, BOB)
    doc = json.loads(wb.to_json())
    doc["shares"] = [{"kind": "user", "name": "bob", "access": "edit"}]
    imported = bobs.import_document(doc)
    assert imported.owner == "bob" and imported.shares == []  # not taken over
    assert bobs.copy(wb).owner == "bob"
    assert [i.title for i in bobs.list()] == [wb.title, wb.title]  # his copy and import


def test_list_and_open_only_what_the_user_may(raw, alices, caplog):
    store, wb = alices
    bobs = guarded(raw, BOB)
    assert [i.id for i in store.list()] == [wb.id]
    assert store.list()[0].owner == "alice" and store.list()[0].access == "owner"
    assert bobs.list() == [] and bobs.access(wb.id) is None and not bobs.exists(wb.id)
    with caplog.at_level(logging.WARNING, logger="hjemmekit.access"):
        with pytest.raises(AccessDeniedError) as denied:
            bobs.open(wb.id)
    assert wb.title not in str(denied.value)
    assert denied.value.workbook_id == wb.id and denied.value.needed == "read"
    assert "Bed ejeren om at dele den med dig" in denied.value.message("da")
    assert "Ask its owner to share it with you" in denied.value.message("en")
    record = caplog.records[-1]
    assert record.name == "hjemmekit.access" and "'bob'" in record.getMessage()
    assert wb.id in record.getMessage()
    for call in (lambda: bobs.history(wb.id), lambda: bobs.open_revision(wb.id, 1),
                 lambda: bobs.recover(wb.id), lambda: bobs.data_dir(wb.id)):
        with pytest.raises(AccessDeniedError):
            call()


def _refusal(call, workbook_id, caplog) -> tuple[type, str, str, str, list[str]]:
    """What a call that is refused shows: the error, its messages, what it needed, and
    the log lines (the workbook id left out)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="hjemmekit.access"):
        with pytest.raises(StoreError) as err:
            call(workbook_id)
    e = err.value
    wid = getattr(e, "workbook_id", "")
    lines = [r.getMessage().replace(wid, "ID") for r in caplog.records
             if r.name == "hjemmekit.access"]
    return (type(e), e.message("da").replace(wid, "ID"), e.message("en").replace(wid, "ID"),
            getattr(e, "needed", ""), lines)


def test_on_a_hub_a_missing_id_is_refused_like_a_forbidden_one(raw, alices, caplog):
    """Nobody can probe which ids exist: every call about an id with nothing stored is
    refused exactly as about alice's workbook (same error, message and log line)."""
    store, wb = alices
    bobs = guarded(raw, BOB)
    missing = "nosuchworkbook"
    calls = {
        "open": lambda i: bobs.open(i),
        "recover": lambda i: bobs.recover(i),
        "history": lambda i: bobs.history(i),
        "open_revision": lambda i: bobs.open_revision(i, 1),
        "data_dir": lambda i: bobs.data_dir(i),
        "put_data_file": lambda i: bobs.put_data_file(i, "units.csv", UNITS),
        "remove_data_file": lambda i: bobs.remove_data_file(i, "units.csv"),
        "share": lambda i: bobs.share(i, kind="user", name="bob", access="edit"),
        "unshare": lambda i: bobs.unshare(i, kind="user", name="bob"),
        "save": lambda i: bobs.save(Workbook(id=i, title="Probe")),
    }
    for name, call in calls.items():
        forbidden = _refusal(call, wb.id, caplog)
        absent = _refusal(call, missing, caplog)
        assert forbidden[0] is AccessDeniedError, name
        assert absent == forbidden, name
        assert len(absent[4]) == 1 and "'bob'" in absent[4][0], name
    assert not raw.exists(missing)  # the refused save made nothing
    assert bobs.access(missing) is None and bobs.access(wb.id) is None
    assert not bobs.exists(missing) and not bobs.exists(wb.id)
    # Locally there is one user, and "not found" says what it is, as before.
    local = guarded(raw, Identity("me", local=True))
    for call in (lambda: local.open(missing), lambda: local.history(missing),
                 lambda: local.data_dir(missing), lambda: local.recover(missing)):
        with pytest.raises(NotFoundError):
            call()


def test_share_user_names_in_lower_case_group_names_as_typed(raw, alices):
    """JupyterHub lower-cases user names: a share with "Bob" reaches bob. Groups are
    case-sensitive there: kept as typed, only stripped."""
    store, wb = alices
    store.share(wb.id, kind="user", name="  Bob ", access="read")
    store.share(wb.id, kind="group", name=" Ledelse ", access="read")
    assert [(s.kind, s.name) for s in store.open(wb.id).shares] == [
        ("user", "bob"), ("group", "Ledelse")]
    assert guarded(raw, BOB).access(wb.id) == "read"
    assert guarded(raw, CAROL).access(wb.id) is None  # carol is in "ledelse", not "Ledelse"
    store.unshare(wb.id, kind="user", name="BOB")
    assert guarded(raw, BOB).access(wb.id) is None
    assert access.share_name("user", " ÆBLE ") == "æble"
    with pytest.raises(access.ShareNameError) as bad:
        store.share(wb.id, kind="group", name="two words", access="read")
    assert "«two words» kan ikke være et gruppenavn" in bad.value.message("da")
    assert "cannot be a group name" in str(bad.value)


def test_share_to_read_then_edit_then_stop(raw, alices):
    store, wb = alices
    bobs = guarded(raw, BOB)
    store.share(wb.id, kind="user", name="bob", access="read")
    info = bobs.list()[0]
    assert (info.id, info.owner, info.access) == (wb.id, "alice", "read")
    mine = bobs.open(wb.id)
    mine.title = "Bobs titel"
    with pytest.raises(AccessDeniedError) as denied:
        bobs.save(mine)
    assert denied.value.needed == "edit"
    assert store.open(wb.id).title == "Omorganisering af Jura"
    store.share(wb.id, kind="user", name="bob", access="edit")  # replaces the read share
    assert [s.access for s in store.open(wb.id).shares] == ["edit"]
    mine = bobs.open(wb.id)
    mine.title = "Bobs titel"
    bobs.save(mine)
    assert store.open(wb.id).title == "Bobs titel"
    store.unshare(wb.id, kind="user", name="bob")
    assert bobs.list() == []
    with pytest.raises(AccessDeniedError):
        bobs.open(wb.id)


def test_group_share(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="group", name="ledelse", access="read")
    carols = guarded(raw, CAROL)
    assert carols.access(wb.id) == "read"
    assert guarded(raw, BOB).access(wb.id) is None


def test_only_the_owner_shares(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="user", name="bob", access="edit")
    bobs = guarded(raw, BOB)
    with pytest.raises(AccessDeniedError) as denied:
        bobs.share(wb.id, kind="user", name="carol", access="edit")
    assert denied.value.needed == "owner"
    with pytest.raises(AccessDeniedError):
        bobs.unshare(wb.id, kind="user", name="bob")
    with pytest.raises(ValueError):
        store.share(wb.id, kind="user", name="two words", access="read")
    with pytest.raises(ValueError):
        store.share(wb.id, kind="team", name="x", access="read")  # type: ignore[arg-type]


def test_save_keeps_owner_and_shares_and_records_who(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="user", name="bob", access="edit")
    bobs = guarded(raw, BOB)
    mine = bobs.open(wb.id)
    mine.owner = "bob"  # a client cannot take the workbook over by saving ...
    mine.shares = [Share(kind="group", name="alle", access="edit")]  # ... or share it
    mine.title = "Ændret af Bob"
    bobs.save(mine)
    stored = store.open(wb.id)
    assert stored.owner == "alice" and [s.name for s in stored.shares] == ["bob"]
    assert stored.title == "Ændret af Bob"
    history = store.history(wb.id)
    assert [(h.revision, h.by) for h in history[:3]] == [(3, "bob"), (2, "alice"), (1, "alice")]


def test_data_files_read_needs_read_write_needs_edit(raw, alices):
    store, wb = alices
    bobs = guarded(raw, BOB)
    up = trialdata.add_file_to(store, wb.id, "enheder.csv", UNITS)
    assert up.ok and (store.data_dir(wb.id) / "units.csv").read_bytes() == UNITS
    with pytest.raises(AccessDeniedError):
        trialdata.add_file_to(bobs, wb.id, "units.csv", UNITS)
    store.share(wb.id, kind="user", name="bob", access="read")
    assert trialdata.for_workbook(bobs, bobs.open(wb.id)).source == "own"
    with pytest.raises(AccessDeniedError):
        bobs.put_data_file(wb.id, "units.csv", b"x")
    with pytest.raises(AccessDeniedError):
        trialdata.remove_file_from(bobs, wb.id, "units")
    assert (store.data_dir(wb.id) / "units.csv").read_bytes() == UNITS
    with pytest.raises(ValueError):
        store.put_data_file(wb.id, "../escape.csv", b"x")
    assert trialdata.remove_file_from(store, wb.id, "units")
    assert not trialdata.has_files(store.data_dir(wb.id))


def test_copy_takes_data_files_only_from_a_readable_workbook(raw, alices):
    store, wb = alices
    store.put_data_file(wb.id, "units.csv", UNITS)
    bobs = guarded(raw, BOB)
    # Bob holds a document with Alice's id (e.g. a download): his copy gets no data files.
    copy = bobs.copy(wb)
    assert not (raw.data_dir(copy.id, create=False) / "units.csv").exists()
    store.share(wb.id, kind="user", name="bob", access="read")
    copy = bobs.copy(bobs.open(wb.id))
    assert (raw.data_dir(copy.id, create=False) / "units.csv").read_bytes() == UNITS


def test_local_user_may_do_everything_as_before(raw):
    old = raw.create(title="Fra før")  # no owner: made before hosting
    local = guarded(raw, Identity("me", local=True))
    assert local.open(old.id).title == "Fra før" and local.access(old.id) == "owner"
    wb = local.open(old.id)
    wb.title = "Ændret"
    local.save(wb)
    assert raw.open(old.id).owner is None  # kept as it was
    assert not local.hosted and guarded(raw, ALICE).list() == []


def test_set_owner_gives_an_old_workbook_to_a_user(raw):
    old = raw.create(title="Fra før")
    access.set_owner(raw, old.id, "alice")
    assert guarded(raw, ALICE).access(old.id) == "owner"


def test_open_store_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("HJEMMEKIT_STORE_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("HJEMMEKIT_STORE", str(tmp_path / "s"))
    store = open_store()
    assert isinstance(store, GuardedStore) and store.store.directory == tmp_path / "s"
    assert store.identity.local


def test_open_store_with_a_url_needs_the_store_client(tmp_path, monkeypatch):
    monkeypatch.setenv("HJEMMEKIT_STORE_URL", "http://127.0.0.1:1/")
    try:
        import hjemmekit.store_client  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(StoreError, match="store_client"):
            open_store()
    assert isinstance(open_store(tmp_path / "own"), GuardedStore)  # a folder given wins


def test_notebook_helpers_follow_the_same_rules(raw, alices, monkeypatch):
    store, wb = alices
    monkeypatch.delenv("HJEMMEKIT_STORE_URL", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    monkeypatch.delenv("HJEMMEKIT_GROUPS", raising=False)
    assert notebook.list_workbooks(raw.directory) == []
    with pytest.raises(AccessDeniedError):
        notebook.open_workbook(wb.id, raw.directory)
    store.share(wb.id, kind="user", name="bob", access="read")
    [info] = notebook.list_workbooks(raw.directory)
    assert (info.owner, info.access) == ("alice", "read")
    session = notebook.open_workbook(wb.id, raw.directory)
    assert session.read_only
    assert not session.edit(lambda w: setattr(w, "title", "Bobs"))
    assert store.open(wb.id).title == "Omorganisering af Jura"


# --- Sessions and the app -------------------------------------------------------------------


def test_read_only_session_saves_nothing(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="user", name="bob", access="read")
    before = raw.path(wb.id).read_bytes()
    bobs = guarded(raw, BOB)
    session = Session(bobs, bobs.open(wb.id), autosave_delay=0)
    assert session.read_only and session.status.state == "readonly"
    assert not session.edit(lambda w: setattr(w, "title", "Bobs"))
    session.save_now()
    session.set_lang("en")  # shows the app in English, stores nothing
    assert session.lang == "en" and session.workbook.title == wb.title
    assert raw.path(wb.id).read_bytes() == before


def _app_for(raw: WorkbookStore, who: Identity, workbook_id: str | None = None) -> App:
    store = guarded(raw, who)
    session = Session(store, store.open(workbook_id) if workbook_id else None,
                      autosave_delay=0)
    return App(session)


def test_picker_lists_only_what_the_user_may_open_with_owner_and_access(raw, alices):
    store, wb = alices
    other = store.create(title="Alices hemmelige")
    store.share(wb.id, kind="user", name="bob", access="read")
    app = _app_for(raw, BOB, wb.id)
    labels = [label for label, _ in app.picker.options]
    assert any("Omorganisering af Jura" in la and "ejer alice" in la and "delt med dig"
               in la and "kun læse" in la for la in labels)
    assert not any("Alices hemmelige" in la for la in labels)
    assert other.id not in [v for _, v in app.picker.options]


def test_read_only_app_disables_inputs_shows_a_banner_and_saves_nothing(raw, alices):
    store, _ = alices
    wb = copy_example(store, "mellemstor-besluttet")  # every step filled in
    store.share(wb.id, kind="group", name="jura", access="read")
    before = raw.path(wb.id).read_bytes()
    app = _app_for(raw, BOB, wb.id)
    assert "Du kan kun læse denne arbejdsbog" in app.read_only_banner.value
    assert "alice" in app.read_only_banner.value
    assert app.title_input.disabled
    for step in range(5):
        app.go(step)
        inputs = [w for w in walk(app.body) if w.has_trait("disabled")
                  and VIEW_ONLY not in w._dom_classes]
        assert inputs and all(w.disabled for w in inputs), step
    # Typing anyway (e.g. a widget's value set from the page) changes nothing stored.
    app.title_input.value = "Bob skriver"
    app.go(0)
    boxes = find_widgets(app.body, (W.Textarea, W.Text))
    assert boxes
    for box in boxes:
        box.value = "Bob skriver"
    assert raw.path(wb.id).read_bytes() == before
    assert not hasattr(app, "share_button")  # only the owner shares ...
    card = " ".join(w.value for w in walk(app) if isinstance(w, W.HTML) and "Deling" in w.value)
    assert "Ejer: alice. Delt med dig: kun læse." in card
    assert app.share_list.children == ()  # ... and sees who else it is shared with
    app.make_report()  # the report can still be made
    assert "download=" in app.report_links.value


def test_view_only_controls_stay_usable_and_late_panels_are_locked(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="user", name="bob", access="read")
    app = _app_for(raw, BOB, wb.id)
    app.go(3)
    view = app.body.children[0]
    if hasattr(view, "scenarios_toggle"):
        assert not view.scenarios_toggle.disabled
        view.toggle_scenarios()  # built now, after the lock: locked as well
        late = [w for w in walk(view.scenarios_box) if w.has_trait("disabled")
                and VIEW_ONLY not in w._dom_classes]
        assert late and all(w.disabled for w in late)


def test_denied_workbook_shows_a_message_and_nothing_of_it(raw, alices, monkeypatch, caplog):
    store, wb = alices
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    monkeypatch.delenv("HJEMMEKIT_STORE_URL", raising=False)
    with caplog.at_level(logging.WARNING, logger="hjemmekit.access"):
        session = start_session(raw.directory, workbook_id=wb.id, autosave_delay=0)
    assert session.denied == wb.id and session.workbook.id != wb.id
    assert session.workbook.owner == "bob"  # the app goes on with a workbook of his own
    app = App(session)
    assert wb.id in app.denied.value and "role='alert'" in app.denied.value
    shown = " ".join(str(getattr(w, "value", "")) for w in walk(app)) + " ".join(
        str(o) for o in app.picker.options)
    assert "Omorganisering" not in shown and "Styrelsen" not in shown
    assert any("'bob'" in r.getMessage() and wb.id in r.getMessage() for r in caplog.records)
    assert app.picker.options  # the picker is there to go on
    app.session.open(wb.id)  # asking again from the app: refused, with a message
    assert app.session.workbook.id != wb.id and "findes ikke" in app.status.value


def test_owner_shares_and_stops_sharing_from_the_app(raw, alices):
    store, wb = alices
    app = _app_for(raw, ALICE, wb.id)
    app.share_name.value = "bob"
    app.share_access.value = "edit"
    assert app.share()
    assert "Brugeren bob · redigere" in " ".join(
        w.value for w in walk(app.share_list) if isinstance(w, W.HTML))
    assert guarded(raw, BOB).access(wb.id) == "edit"
    app.share_kind.value = "group"
    app.share_name.value = "ledelse"
    assert app.share()
    assert guarded(raw, CAROL).access(wb.id) == "read"
    # Editing after sharing goes on without a conflict (the session took the new revision).
    app.title_input.value = "Ny titel"
    assert store.open(wb.id).title == "Ny titel" and app.session.status.state == "saved"
    button = app.unshare_buttons[("user", "bob")]
    assert button.description == "Stop deling med bob"
    button.click()
    assert guarded(raw, BOB).access(wb.id) is None
    assert [s.name for s in store.open(wb.id).shares] == ["ledelse"]
    app.share_name.value = " "
    assert not app.share() and "Skriv navnet" in app.share_message.value


@pytest.mark.parametrize("lang, expected", [
    ("da", "«Bob Smith» kan ikke være et brugernavn på JupyterHub"),
    ("en", "“Bob Smith” cannot be a user name on JupyterHub"),
])
def test_app_shares_with_bob_typed_as_bob_and_says_so_in_place_for_a_bad_name(
        raw, alices, lang, expected):
    store, wb = alices
    app = _app_for(raw, ALICE, wb.id)
    app.session.lang = lang
    app.share_kind.value = "user"
    app.share_name.value = "Bob Smith"
    assert not app.share()
    assert expected in app.share_message.value and "role='alert'" in app.share_message.value
    assert "Traceback" not in app.share_message.value and store.open(wb.id).shares == []
    # the store gives the same message when the app's check is passed by
    assert not app.session.share("user", "Bob Smith", "read")
    assert expected in app._status_text()
    app.share_name.value = " Bob "
    assert app.share()
    assert guarded(raw, BOB).access(wb.id) == "read"
    assert "Delt med brugeren bob" in app.share_message.value or "user bob" in (
        app.share_message.value)


def test_history_shows_who_saved_each_revision(raw, alices):
    store, wb = alices
    store.share(wb.id, kind="user", name="bob", access="edit")
    bobs = guarded(raw, BOB)
    mine = bobs.open(wb.id)
    mine.title = "Bob var her"
    bobs.save(mine)
    app = _app_for(raw, ALICE, wb.id)
    app.toggle_history()
    table = app.history_box.value
    assert "<th scope='col'>Gemt af</th>" in table
    assert table.index(">bob<") < table.index(">alice<")  # newest first


def test_local_app_has_no_sharing_but_a_history(session):
    app = App(session)
    assert not hasattr(app, "share_button") and not hasattr(app, "share_kind")
    app.toggle_history()
    assert "Gemt af" in app.history_box.value


def test_owner_command_lists_and_gives_an_owner(raw, capsys):
    from hjemmekit.cli import main

    old = raw.create(title="Fra før")
    assert main(["owner", "--store", str(raw.directory)]) == 0
    assert capsys.readouterr().out.split("\t")[:2] == [old.id, "-"]
    assert main(["owner", "--store", str(raw.directory), old.id, "alice"]) == 0
    assert raw.open(old.id).owner == "alice"
    assert raw.history(old.id)[0].by.startswith("admin:")
    assert main(["owner", "--store", str(raw.directory), "nosuch", "alice"]) == 1
    assert main(["owner", "--store", str(raw.directory), old.id]) == 2
    assert main(["new", "--store", str(raw.directory), "--owner", "bob"]) == 0
    new_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.open(new_id).owner == "bob"
