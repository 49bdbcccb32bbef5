"""The store service (hjemmekit.store_service) through its client (RemoteStore).

The real service runs as a subprocess (``python -m hjemmekit.store_service``, with the
environment JupyterHub gives a managed service) and authenticates every request with
JupyterHub's own ``HubAuth`` against a small fake of the hub's ``/hub/api/user``
endpoint, which answers for the tokens of alice, bob, carol (group ``hr``) and mallory
(whose token lacks the scope to reach the service). So the tests follow the code path of
a real hub from the HTTP request on; ``test_real_jupyterhub`` repeats the core with a
real JupyterHub when one can be started.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hjemmekit.access import AccessDeniedError
from hjemmekit.model import Workbook
from hjemmekit.store import ConflictError, NotFoundError, WorkbookStore
from hjemmekit.store_client import DataFileTooLargeError, RemoteStore, StoreUnavailableError

ROOT = Path(__file__).resolve().parents[2]
SCOPE = "access:services!service=hjemmekit-store"
PREFIX = "/services/hjemmekit-store/"
USERS = {  # token -> (user, groups, scopes), as the hub would answer
    "token-alice": ("alice", ["ledelse"], [SCOPE, "users:activity!user=alice"]),
    "token-bob": ("bob", [], [SCOPE]),
    "token-carol": ("carol", ["hr"], [SCOPE]),
    "token-dave": ("dave", ["it"], [SCOPE]),
    "token-mallory": ("mallory", ["hr"], ["users:activity!user=mallory"]),
}
MAX_FILE = 131_072  # bytes (0.125 MB): the service is started with a small limit


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeHub:
    """``GET /hub/api/user`` as JupyterHub answers it: the token's owner, groups and
    scopes, or 403 for a token it does not know. Runs on its own thread and loop."""

    def __init__(self) -> None:
        self.port = free_port()
        self.asked: list[str] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(30)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hub/api"

    def _run(self) -> None:
        from tornado import web

        hub = self

        class UserHandler(web.RequestHandler):
            def get(self) -> None:
                header = self.request.headers.get("Authorization", "")
                token = header.split(" ", 1)[1] if " " in header else ""
                hub.asked.append(token)
                if token not in USERS:
                    self.set_status(403)
                    self.finish(json.dumps({"status": 403, "message": "Forbidden"}))
                    return
                name, groups, scopes = USERS[token]
                self.finish(json.dumps({
                    "kind": "user", "name": name, "admin": False, "groups": groups,
                    "scopes": scopes, "session_id": None, "token_id": "a1",
                }))

        async def main() -> None:
            app = web.Application([(r"/hub/api/user", UserHandler)])
            self._server = app.listen(self.port, "127.0.0.1")
            self._stop = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            self._ready.set()
            await self._stop.wait()
            self._server.stop()

        asyncio.run(main())

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the store service ended: {log.read_text()}")
        try:
            urllib.request.urlopen(url + "api/whoami", timeout=5)
        except urllib.error.HTTPError:
            return  # it answers (401 without a token)
        except OSError:
            time.sleep(0.2)
            continue
        return
    raise AssertionError(f"the store service did not start: {log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


class Service:
    def __init__(self, url: str, store: Path, log: Path, hub: FakeHub) -> None:
        self.url, self.store, self.log, self.hub = url, store, log, hub

    def client(self, who: str, lang: str = "da") -> RemoteStore:
        return RemoteStore(self.url, f"token-{who}", lang=lang)


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("service")
    hub = FakeHub()
    port = free_port()
    env = dict(os.environ)
    for key in ("HJEMMEKIT_STORE_URL", "JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN"):
        env.pop(key, None)
    env.update({  # what JupyterHub gives a managed service, and our settings
        "JUPYTERHUB_SERVICE_NAME": "hjemmekit-store",
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}",
        "JUPYTERHUB_SERVICE_PREFIX": PREFIX,
        "JUPYTERHUB_API_URL": hub.api_url,
        "JUPYTERHUB_API_TOKEN": "service-token",
        "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(["access:services", SCOPE]),
        "HJEMMEKIT_STORE": str(tmp / "store"),
        "HJEMMEKIT_STORE_MAX_FILE_MB": str(MAX_FILE / (1024 * 1024)),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    })
    log = tmp / "service.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "hjemmekit.store_service"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}{PREFIX}"
    try:
        wait_until_up(url, proc, log)
        yield Service(url, tmp / "store", log, hub)
    finally:
        stop(proc)
        hub.close()


def raw(service: Service, method: str, path: str, token: str | None = "token-alice",
        data: bytes | None = None, lang: str = "da") -> tuple[int, dict]:
    """One request without the client: status and JSON answer."""
    headers = {"Accept-Language": lang}
    if token:
        headers["Authorization"] = f"token {token}"
    request = urllib.request.Request(service.url + path, data=data, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())


# --- Who is calling ---------------------------------------------------------------------


def test_identity_comes_from_the_hub(service):
    me = service.client("carol").whoami()
    assert (me["user"], me["groups"], me["max_file_bytes"]) == ("carol", ["hr"], MAX_FILE)
    ident = service.client("carol").identity
    assert (ident.user, ident.groups, ident.local) == ("carol", frozenset({"hr"}), False)
    assert "token-carol" in service.hub.asked
    asked = service.hub.asked.count("token-carol")
    for _ in range(3):
        service.client("carol").list()
    assert service.hub.asked.count("token-carol") == asked  # HubAuth remembers the answer


def test_no_token_unknown_token_and_token_without_the_scope(service):
    status, body = raw(service, "GET", "api/workbooks", token=None)
    assert status == 401 and body["error"] == "not_authenticated" and body["message"]
    status, body = raw(service, "GET", "api/workbooks", token="forged")
    assert status == 401 and body["error"] == "not_authenticated"
    status, body = raw(service, "GET", "api/workbooks", token="token-mallory")
    assert status == 403 and body["error"] == "not_allowed"
    assert "access:services!service=hjemmekit-store" in body["message"]
    with pytest.raises(StoreUnavailableError) as e:
        service.client("mallory").list()
    assert e.value.key == "not_allowed"
    assert "ikke adgang til lagertjenesten" in str(e.value)
    with pytest.raises(StoreUnavailableError) as e:
        RemoteStore(service.url, "forged", lang="en").list()
    assert "Log out of JupyterHub" in str(e.value)


def test_a_caller_cannot_claim_to_be_someone_else(service):
    alice, bob = service.client("alice"), service.client("bob")
    doc = Workbook(title="Mine", owner="bob").model_dump(mode="json")
    imported = alice.import_document(doc)
    assert imported.owner == "alice"  # the hub's name, not the document's
    # a header or a query naming another user changes nothing
    request = urllib.request.Request(
        service.url + "api/workbooks?user=alice",
        headers={"Authorization": "token token-bob", "X-Forwarded-User": "alice",
                 "JUPYTERHUB_USER": "alice"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        listed = [i["id"] for i in json.loads(r.read())["workbooks"]]
    assert imported.id not in listed
    assert imported.id not in [i.id for i in bob.list()]


# --- The access rules over HTTP -------------------------------------------------------


def test_owner_sharing_read_and_edit_and_history(service):
    alice, bob, carol, dave = (service.client(u) for u in ("alice", "bob", "carol", "dave"))
    wb = alice.create(title="Ledelsens overvejelser", organisation="Styrelsen")
    assert (wb.owner, wb.revision) == ("alice", 1)
    wb.context.statement = "Fleksibilitet for medarbejdere i enhed A"
    saved = alice.save(wb)
    assert saved is wb and wb.revision == 2
    assert [(i.id, i.access) for i in alice.list() if i.id == wb.id] == [(wb.id, "owner")]

    # bob: not in his list, cannot open, save, read its history or data
    assert wb.id not in [i.id for i in bob.list()]
    with pytest.raises(AccessDeniedError) as e:
        bob.open(wb.id)
    assert e.value.needed == "read" and e.value.workbook_id == wb.id
    assert "har ikke adgang" in e.value.message("da")
    with pytest.raises(AccessDeniedError):
        bob.save(wb.model_copy())
    with pytest.raises(AccessDeniedError):
        bob.history(wb.id)
    with pytest.raises(AccessDeniedError):
        bob.data_dir(wb.id)
    assert bob.access(wb.id) is None and bob.exists(wb.id) is False
    status, body = raw(service, "GET", f"api/workbooks/{wb.id}", token="token-bob")
    assert status == 403 and body["error"] == "denied"
    assert body["message"].startswith(f"Arbejdsbogen {wb.id} findes ikke")
    assert "Fleksibilitet" not in json.dumps(body)
    with pytest.raises(AccessDeniedError):  # only the owner shares
        bob.share(wb.id, kind="user", name="bob", access="edit")

    # shared with bob to read: he opens it, cannot save it
    alice.share(wb.id, kind="user", name="bob", access="read")
    assert bob.open(wb.id).context.statement == "Fleksibilitet for medarbejdere i enhed A"
    assert [(i.id, i.access, i.owner) for i in bob.list()
            if i.id == wb.id] == [(wb.id, "read", "alice")]
    theirs = bob.open(wb.id)
    theirs.context.statement = "bob was here"
    with pytest.raises(AccessDeniedError) as e:
        bob.save(theirs)
    assert e.value.needed == "edit"
    assert "bob was here" not in alice.open(wb.id).context.statement

    # shared with the group hr to edit: carol (hr) saves, dave (it) cannot open
    alice.share(wb.id, kind="group", name="hr", access="edit")
    hers = carol.open(wb.id)
    hers.context.statement = "Rettet af HR"
    carol.save(hers)
    assert alice.open(wb.id).context.statement == "Rettet af HR"
    with pytest.raises(AccessDeniedError):
        dave.open(wb.id)
    with pytest.raises(AccessDeniedError):  # an editor cannot share on
        carol.share(wb.id, kind="user", name="dave", access="read")

    # the history names who saved each revision
    history = alice.history(wb.id)
    assert history[0].by == "carol" and history[-1].by == "alice"
    assert {h.by for h in history} == {"alice", "carol"}
    first = alice.open_revision(wb.id, history[-1].revision)
    assert first.revision == 1 and first.title == "Ledelsens overvejelser"

    # alice stops sharing with bob: he loses it again
    alice.unshare(wb.id, kind="user", name="bob")
    with pytest.raises(AccessDeniedError):
        bob.open(wb.id)

    # denials are logged by the service, with the user
    log = service.log.read_text()
    assert "access denied: user 'bob'" in log and wb.id in log
    assert "(bob)" in log  # the access log names the caller


def test_stale_save_raises_the_same_conflict_error(service):
    alice = service.client("alice")
    wb = alice.create(title="Konflikt")
    first, second = alice.open(wb.id), alice.open(wb.id)
    first.title = "Første"
    alice.save(first)
    second.title = "Anden"
    with pytest.raises(ConflictError) as e:
        alice.save(second)
    err = e.value
    assert (err.workbook_id, err.revision, err.base, err.by) == (wb.id, 2, 1, "alice")
    assert err.updated is not None and err.updated.tzinfo is not None
    assert "nothing was written" in str(err)
    assert alice.open(wb.id).title == "Første"


def test_copy_import_recover_and_not_found(service):
    alice, bob = service.client("alice"), service.client("bob")
    wb = alice.create(title="Original")
    alice.put_data_file(wb.id, "units.csv", b"unit,parent\nA,\n")
    copy = alice.copy(alice.open(wb.id), title="Kopi")
    assert copy.id != wb.id and copy.owner == "alice" and copy.title == "Kopi"
    assert (alice.data_dir(copy.id) / "units.csv").read_bytes() == b"unit,parent\nA,\n"
    # bob copying a workbook he may not read gets no data files and it is his own
    stolen = bob.copy(wb)
    assert stolen.owner == "bob" and stolen.id != wb.id
    assert not any(bob.data_dir(stolen.id).iterdir())
    assert alice.recover(wb.id).title == "Original"
    with pytest.raises(AccessDeniedError):  # on a hub "not there" is told as "not yours"
        alice.open("no-such-workbook")
    with pytest.raises(NotFoundError):  # a revision of her own workbook that is not kept
        alice.open_revision(wb.id, 99)
    with pytest.raises(ValueError):
        alice.open("../etc")
    from hjemmekit.model import DocumentError

    with pytest.raises(DocumentError):
        alice.import_document({"schema_version": 1, "title": 7, "id": "x y"})


def test_concurrent_saves_through_the_service_lose_nothing(service):
    """Four editors save the same workbook at once through the service: every save that
    returned is in the history, the others got ConflictError and tried again."""
    alice = service.client("alice")
    wb = alice.create(title="Samtidigt")
    alice.share(wb.id, kind="group", name="hr", access="edit")
    saved: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def editor(who: str, n: int) -> None:
        store = service.client(who)
        try:
            for i in range(n):
                while True:
                    mine = store.open(wb.id)
                    mine.title = f"{who} {i}"
                    try:
                        store.save(mine)
                    except ConflictError:
                        continue  # another editor saved first: open anew and try again
                    with lock:
                        saved.append(mine.revision)
                    break
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=editor, args=(who, 5))
               for who in ("alice", "carol", "alice", "carol")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors, errors
    current = alice.open(wb.id)
    assert len(saved) == 20 and len(set(saved)) == 20  # no two saves got one revision
    assert current.revision == 2 + 20  # created (1), shared (2), then the 20 saves
    kept = {h.revision: h.by for h in alice.history(wb.id)}
    assert all(kept[r] in ("alice", "carol") for r in saved)


# --- Data files -------------------------------------------------------------------------


def test_data_files_upload_read_replace_delete(service):
    alice, bob = service.client("alice"), service.client("bob")
    wb = alice.create(title="Data")
    survey = b"unit,date,question,answer\nA,2026-01-31,trivsel,4\n"
    alice.put_data_file(wb.id, "survey.csv", survey)
    alice.put_data_file(wb.id, ".names.json", b'{"survey": "Trivsel jan.csv"}')
    with pytest.raises(AccessDeniedError):
        bob.put_data_file(wb.id, "survey.csv", b"x")
    alice.share(wb.id, kind="user", name="bob", access="read")
    folder = bob.data_dir(wb.id)
    assert (folder / "survey.csv").read_bytes() == survey
    assert sorted(p.name for p in folder.iterdir()) == [".names.json", "survey.csv"]
    assert oct(folder.parent.stat().st_mode & 0o777) == "0o700"  # private to this user
    stored = service.store / ".data" / wb.id / "survey.csv"
    assert stored.read_bytes() == survey
    # what the service writes is its own (umask 077): no other Unix user reads it
    for path in (service.store, stored, service.store / f"{wb.id}.json"):
        assert oct(path.stat().st_mode & 0o077) == "0o0", path
    with pytest.raises(AccessDeniedError):  # read access: no changes to the data
        bob.remove_data_file(wb.id, "survey.csv")

    # a change is seen by the next data_dir; a removed file disappears
    alice.put_data_file(wb.id, "survey.csv", survey + b"B,2026-01-31,trivsel,3\n")
    assert (bob.data_dir(wb.id) / "survey.csv").read_bytes().count(b"\n") == 3
    assert alice.remove_data_file(wb.id, "survey.csv") is True
    assert alice.remove_data_file(wb.id, "survey.csv") is False
    assert [p.name for p in bob.data_dir(wb.id).iterdir()] == [".names.json"]
    with pytest.raises(ValueError):
        alice.put_data_file(wb.id, "../escape.csv", b"x")
    assert not (service.store / ".data" / "escape.csv").exists()


def test_data_files_are_read_with_read_data_dir(service):
    from hjemmekit.io import read_data_dir

    alice = service.client("alice")
    wb = alice.create(title="Eksempeldata")
    small = ROOT / "data" / "examples" / "small"
    for path in sorted(small.iterdir()):
        if path.suffix in (".csv", ".xlsx"):
            alice.put_data_file(wb.id, path.name, path.read_bytes())
    data = read_data_dir(alice.data_dir(wb.id))
    expected = read_data_dir(small)
    assert data.kinds == expected.kinds
    assert len(data.survey) == len(expected.survey)


def test_too_large_data_file(service):
    alice = service.client("alice")
    wb = alice.create(title="Stor fil")
    with pytest.raises(DataFileTooLargeError) as e:  # the client knows the limit
        alice.put_data_file(wb.id, "survey.csv", b"x" * (MAX_FILE + 1))
    assert str(e.value) == (
        "Filen 'survey.csv' er for stor: lagertjenesten tager datafiler på højst 0,1 MB."
    )
    # and the service refuses it by itself, with a JSON message, and goes on serving
    status, body = raw(service, "PUT", f"api/workbooks/{wb.id}/data/survey.csv",
                       data=b"x" * (MAX_FILE + 1), lang="en")
    assert status == 413 and body["error"] == "too_large"
    assert body["message"] == (
        "The file 'survey.csv' is too large: the store service takes data files of at "
        "most 0.1 MB."
    )
    assert not (service.store / ".data" / wb.id / "survey.csv").exists()
    alice.put_data_file(wb.id, "survey.csv", b"x" * MAX_FILE)  # the limit itself is fine
    assert alice.data_files(wb.id)[0]["size"] == MAX_FILE


# --- The app's and the notebooks' code over the service ---------------------------------


def as_user(monkeypatch, service: Service, who: str) -> None:
    """The environment of ``who``'s server on the hub: the service's URL and a token."""
    monkeypatch.setenv("HJEMMEKIT_STORE_URL", service.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", f"token-{who}")
    monkeypatch.setenv("JUPYTERHUB_USER", who)


def test_app_session_and_notebook_helpers_over_the_service(service, monkeypatch):
    from hjemmekit import notebook, trialdata
    from hjemmekit.session import start_session

    as_user(monkeypatch, service, "alice")
    session = start_session(autosave_delay=0)
    assert type(session.store).__name__ == "RemoteStore" and session.is_owner
    session.new()  # alice's newest workbook may be another test's, with data files of its own
    wb_id = session.workbook.id
    assert session.edit(lambda wb: setattr(wb, "title", "Via tjenesten"))
    survey = (ROOT / "data" / "examples" / "small" / "survey.csv").read_bytes()
    upload = trialdata.add_file_to(session.store, wb_id, "survey.csv", survey)
    assert not upload.problems and upload.kind == "survey"
    found = trialdata.for_workbook(session.store, session.workbook)
    assert found.source == "own" and [f.name for f in found.files] == ["survey.csv"]
    assert (service.store / ".data" / wb_id / "survey.csv").read_bytes() == survey

    as_user(monkeypatch, service, "bob")
    assert wb_id not in [i.id for i in notebook.list_workbooks()]
    with pytest.raises(AccessDeniedError):
        notebook.open_workbook(wb_id)
    assert start_session(workbook_id=wb_id, autosave_delay=0).denied == wb_id

    session.share("user", "bob", "read")
    theirs = notebook.open_workbook(wb_id)
    assert theirs.read_only and theirs.workbook.title == "Via tjenesten"
    assert not theirs.edit(lambda wb: setattr(wb, "title", "bob"))
    assert notebook.workbook_data(theirs).source == "own"
    assert alice_title(service, wb_id) == "Via tjenesten"
    assert [h.by for h in theirs.history()][0] == "alice"


def alice_title(service: Service, workbook_id: str) -> str:
    return service.client("alice").open(workbook_id).title


# --- Errors -------------------------------------------------------------------------------


def test_errors_are_json_with_a_message(service):
    status, body = raw(service, "GET", "api/nothing-here")
    assert status == 404 and body["error"] == "not_found" and body["message"]
    status, body = raw(service, "POST", "api/workbooks", data=b"{not json")
    assert status == 400 and body["message"] == "Forespørgslen er ikke gyldig JSON."
    status, body = raw(service, "GET", "api/workbooks/nope/history")
    assert status == 403 and str(service.store) not in body["message"]


def test_share_names_through_the_service(service):
    """"Bob" reaches bob; a name that cannot be one comes back as ShareNameError with
    the message in the caller's language."""
    from hjemmekit.access import ShareNameError

    alice = service.client("alice", lang="en")
    wb = alice.create(title="Til Bob")
    shared = alice.share(wb.id, kind="user", name=" Bob ", access="read")
    assert [(s.kind, s.name) for s in shared.shares] == [("user", "bob")]
    assert service.client("bob").access(wb.id) == "read"
    with pytest.raises(ShareNameError) as bad:
        alice.share(wb.id, kind="group", name="two words", access="read")
    assert bad.value.kind == "group" and bad.value.name == "two words"
    assert "«two words» kan ikke være et gruppenavn" in bad.value.message("da")
    status, body = raw(service, "POST", f"api/workbooks/{wb.id}/shares", lang="en",
                       data=b'{"kind": "user", "name": "a/b", "access": "read"}')
    assert status == 400 and body["message"].startswith("“a/b” cannot be a user name")


def test_a_missing_id_is_answered_like_a_forbidden_one(service):
    """Nobody can probe which ids exist: every call about an id with nothing stored gets
    the same status and body as about a workbook of someone else's, and the same log."""
    wb = service.client("alice").create(title="Alices")
    missing = "no-such-workbook-x"
    workbook = json.dumps({"workbook": Workbook(title="Probe").model_dump(mode="json")})
    share = json.dumps({"kind": "user", "name": "bob", "access": "edit"}).encode()
    calls = [
        ("GET", "api/workbooks/{id}", None),
        ("PUT", "api/workbooks/{id}", "workbook"),
        ("GET", "api/workbooks/{id}/recover", None),
        ("GET", "api/workbooks/{id}/exists", None),
        ("GET", "api/workbooks/{id}/access", None),
        ("GET", "api/workbooks/{id}/history", None),
        ("GET", "api/workbooks/{id}/revisions/1", None),
        ("POST", "api/workbooks/{id}/shares", share),
        ("DELETE", "api/workbooks/{id}/shares", share),
        ("GET", "api/workbooks/{id}/data", None),
        ("GET", "api/workbooks/{id}/data/units.csv", None),
        ("PUT", "api/workbooks/{id}/data/units.csv", b"unit\nA\n"),
        ("DELETE", "api/workbooks/{id}/data/units.csv", None),
    ]
    for lang in ("da", "en"):
        for method, path, data in calls:
            answers = []
            for wid in (wb.id, missing):
                body = data
                if data == "workbook":
                    body = workbook.replace(json.loads(workbook)["workbook"]["id"],
                                            wid).encode()
                status, answer = raw(service, method, path.format(id=wid), token="token-bob",
                                     data=body, lang=lang)
                answers.append((status, json.dumps(answer).replace(wid, "ID")))
            assert answers[0] == answers[1], (method, path)
            assert answers[0][0] in (200, 403), (method, path, answers[0])
    assert raw(service, "GET", f"api/workbooks/{missing}", token="token-bob")[0] == 403
    assert raw(service, "GET", f"api/workbooks/{missing}/exists", token="token-bob")[1] == {
        "exists": False}
    log = service.log.read_text()
    for wid in (wb.id, missing):
        assert f"access denied: user 'bob' (groups -) may not open workbook {wid}" in log
    assert not WorkbookStore(service.store).exists(missing)  # the refused save made nothing


def test_unreachable_service_gives_a_clear_message():
    port = free_port()
    store = RemoteStore(f"http://127.0.0.1:{port}/services/hjemmekit-store/", "t")
    with pytest.raises(StoreUnavailableError) as e:
        store.list()
    assert e.value.key == "unreachable"
    assert str(e.value).startswith("Arbejdsbøgerne kan ikke hentes lige nu")
    assert "Traceback" not in str(e.value)
    assert e.value.text("en").startswith("The workbooks cannot be fetched right now")


# --- The config fragment ------------------------------------------------------------------


def test_config_fragment_loaded_by_jupyterhub_s_loader(tmp_path, monkeypatch):
    """``load_subconfig`` of the fragment (as make hub's config does) with the
    HJEMMEKIT_SERVICE_* variables; what it adds to a config that has its own settings."""
    from traitlets.config.loader import PyFileConfigLoader

    fragment = ROOT / "deploy" / "jupyterhub" / "hjemmekit_service.py"
    (tmp_path / "jupyterhub_config.py").write_text(f"""
c = get_config()
c.JupyterHub.services = [{{"name": "other", "url": "http://127.0.0.1:9999"}}]
c.JupyterHub.load_roles = [{{"name": "user", "scopes": ["self", "read:groups"]}}]
c.Spawner.environment = {{"PATH": "/x"}}
load_subconfig({str(fragment)!r})
""")
    monkeypatch.setenv("HJEMMEKIT_SERVICE_STORE", "/srv/hjemmekit/store")
    monkeypatch.setenv("HJEMMEKIT_SERVICE_PORT", "10123")
    monkeypatch.setenv("HJEMMEKIT_SERVICE_USER", "hjemmekit")
    from jupyterhub.app import JupyterHub
    from jupyterhub.spawner import LocalProcessSpawner

    def load() -> tuple[JupyterHub, LocalProcessSpawner]:
        """The config as JupyterHub's and a spawner's traits take it in."""
        config = PyFileConfigLoader("jupyterhub_config.py", str(tmp_path)).load_config()
        return JupyterHub(config=config), LocalProcessSpawner(config=config)

    hub, spawner = load()
    assert [s["name"] for s in hub.services] == ["other", "hjemmekit-store"]
    ours = hub.services[1]
    assert ours["url"] == "http://127.0.0.1:10123" and ours["user"] == "hjemmekit"
    assert ours["command"][1:] == ["-m", "hjemmekit.store_service"]
    assert ours["environment"]["HJEMMEKIT_STORE"] == "/srv/hjemmekit/store"
    assert hub.load_roles == [{"name": "user", "scopes": ["self", "read:groups"]}]
    assert hub.extra_user_scopes == {SCOPE}
    assert spawner.server_token_scopes == [
        "users:activity!user", "access:servers!server", SCOPE
    ]
    assert spawner.environment == {
        "PATH": "/x",
        "HJEMMEKIT_STORE_URL": f"http://127.0.0.1:10123{PREFIX}",
    }
    monkeypatch.delenv("HJEMMEKIT_SERVICE_STORE")  # without a store: nothing added
    hub, spawner = load()
    assert [s["name"] for s in hub.services] == ["other"] and not hub.extra_user_scopes


# --- A real JupyterHub ----------------------------------------------------------------------

HUB_CONFIG = '''
import sys
sys.path.insert(0, {deploy!r})
from hjemmekit_service import configure_store_service
from jupyterhub.proxy import Proxy


class NoProxy(Proxy):
    """No proxy: the test calls the hub and the service on their own ports."""

    async def start(self):
        pass

    def stop(self):
        pass

    async def add_route(self, routespec, target, data):
        pass

    async def delete_route(self, routespec):
        pass

    async def get_all_routes(self):
        return {{}}


c.JupyterHub.proxy_class = NoProxy
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [{python!r}, {probe!r}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.services = [{{"name": "test-admin", "api_token": {admin!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "test-admin",
    "scopes": ["admin:users", "admin:groups", "admin:servers", "tokens"],
    "services": ["test-admin"],
}}]
configure_store_service(c, store="{tmp}/store", port={service_port}, python={python!r},
                        max_file_mb=1)
'''

PROBE = '''
"""A stand-in single-user server: uses its own token to reach the store service, writes
what it got, then answers HTTP so the hub sees it running."""
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse

from hjemmekit.access import open_store

out = {{"url": os.environ.get("HJEMMEKIT_STORE_URL")}}
try:
    store = open_store()
    me = store.whoami()
    wb = store.create(title="Fra serveren")
    out.update(user=me["user"], groups=me["groups"], created=wb.id, owner=wb.owner,
               listed=[i.id for i in store.list()], kind=type(store).__name__)
except Exception as e:
    out["error"] = f"{{type(e).__name__}}: {{e}}"
with open({result!r}, "w") as f:
    json.dump(out, f)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"probe")

    def log_message(self, *args):
        pass


def orphaned():  # the hub is gone (the test ended): go too, leave nothing running
    import time
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


__import__("threading").Thread(target=orphaned, daemon=True).start()
port = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"]).port
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''


def hub_api(hub: str, method: str, path: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{hub}/hub/api/{path}", data=data, method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        text = r.read()
    return json.loads(text) if text else {}


@pytest.mark.slow
def test_real_jupyterhub(tmp_path):
    """The service started by a real JupyterHub from deploy/jupyterhub/hjemmekit_service.py:
    tokens and groups from the hub, the user role's scope, a spawned server's own token."""
    pytest.importorskip("jupyterhub")
    ports = {k: free_port() for k in ("public_port", "hub_port", "service_port")}
    admin = "admin-" + os.urandom(8).hex()
    probe, result = tmp_path / "probe.py", tmp_path / "probe.json"
    probe.write_text(PROBE.format(result=str(result)))
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        deploy=str(ROOT / "deploy" / "jupyterhub"), tmp=tmp_path, admin=admin,
        python=sys.executable, probe=str(probe), **ports,
    ))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTERHUB_", "HJEMMEKIT_"))}
    log = tmp_path / "hub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    hub = f"http://127.0.0.1:{ports['hub_port']}"
    url = f"http://127.0.0.1:{ports['service_port']}{PREFIX}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                hub_api(hub, "GET", "", admin)
                urllib.request.urlopen(url + "api/whoami", timeout=5)
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    break
            except OSError:
                pass
            time.sleep(0.3)

        hub_api(hub, "POST", "users", admin, {"usernames": ["alice", "bob", "carol",
                                                            "mallory"]})
        hub_api(hub, "POST", "groups/hr", admin, {"users": ["carol"]})

        def token(user: str, scopes: list[str]) -> str:
            return hub_api(hub, "POST", f"users/{user}/tokens", admin,
                           {"scopes": scopes, "note": "test"})["token"]

        alice = RemoteStore(url, token("alice", [SCOPE]))
        bob = RemoteStore(url, token("bob", [SCOPE]))
        carol = RemoteStore(url, token("carol", [SCOPE]))
        mallory = RemoteStore(url, token("mallory", ["read:users:name!user"]))
        assert carol.whoami()["groups"] == ["hr"]
        wb = alice.create(title="Rigtig hub")
        assert wb.owner == "alice"
        assert wb.id not in [i.id for i in bob.list()]
        with pytest.raises(AccessDeniedError):
            bob.open(wb.id)
        alice.share(wb.id, kind="group", name="hr", access="edit")
        hers = carol.open(wb.id)
        hers.title = "Rettet af carol"
        carol.save(hers)
        assert [h.by for h in alice.history(wb.id)][:2] == ["carol", "alice"]
        with pytest.raises(StoreUnavailableError) as e:
            mallory.list()
        assert e.value.key == "not_allowed"

        # a spawned server reaches the service with its own JUPYTERHUB_API_TOKEN
        hub_api(hub, "POST", "users/bob/server", admin)
        deadline = time.monotonic() + 120
        while not result.exists():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        time.sleep(0.2)
        got = json.loads(result.read_text())
        assert "error" not in got, got
        assert got["url"] == url and got["kind"] == "RemoteStore"
        assert (got["user"], got["owner"]) == ("bob", "bob")
        assert got["created"] in got["listed"] and wb.id not in got["listed"]
    finally:
        with contextlib.suppress(Exception):  # stop bob's server before the hub
            hub_api(hub, "DELETE", "users/bob/server", admin)
        stop(proc)


def test_app_says_so_when_the_service_is_down(service, monkeypatch):
    """No traceback: the app shows the message in place; an autosave keeps the edit and
    says it was not saved."""
    from hjemmekit.session import start_session
    from hjemmekit.widgets.app import App, launch

    monkeypatch.setenv("HJEMMEKIT_STORE_URL", f"http://127.0.0.1:{free_port()}{PREFIX}")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "token-alice")
    page = launch()
    assert not isinstance(page, App)
    shown = page.children[-1].value
    assert "role='alert'" in shown and "Arbejdsbøgerne kan ikke hentes lige nu" in shown

    as_user(monkeypatch, service, "alice")
    session = start_session(autosave_delay=0)
    session.store.url = f"http://127.0.0.1:{free_port()}{PREFIX}"  # the service goes away
    session.edit(lambda wb: setattr(wb, "title", "Ikke gemt"))
    assert session.status.state == "error"
    assert session.workbook.title == "Ikke gemt"
