"""Handlers that fill batches: due entries wait until a batch is full or its oldest has waited long enough."""

from collections.abc import Mapping, Sequence
from datetime import timedelta

import pytest

import host.sync
from host.extensions import db
from host.plugins import Plugin, hookimpl, registry
from host.sync import claims
from host.sync.delivery import deliver_due
from host.sync.handlers import BatchWait, Done, Entry, Outcome
from host.timestamps import utcnow


class WaitingHandler:
    """Keeps each batch it is handed; waits as long as the test says to fill them."""

    batch_size = 3

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.wait: BatchWait | None = BatchWait(3600, "The test asks for full batches.")

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        self.batches.append([entry.record_id for entry in entries])
        return {entry.id: Done() for entry in entries}

    def batch_wait(self) -> BatchWait | None:
        return self.wait


class Batching(Plugin):
    name = "batching"
    title = "Batching"

    def __init__(self) -> None:
        self.handler = WaitingHandler()

    @hookimpl
    def sync_handlers(self) -> Mapping[str, WaitingHandler]:
        return {"note": self.handler}


@pytest.fixture
def batching(make_app):
    plugin = Batching()
    app = make_app(plugin)
    with app.app_context():
        registry.enable(plugin.name)
        db.session.commit()
    yield app, plugin.handler
    host.sync.stop(app)


def enqueue(app, *record_ids: str) -> None:
    with app.app_context():
        for record_id in record_ids:
            host.sync.enqueue("batching", "note", record_id)
        db.session.commit()


def test_a_queue_is_ready_when_its_batch_is_full_or_its_oldest_entry_has_waited(make_app):
    app = make_app(Batching())  # not enabled: nothing delivers the entries
    enqueue(app, "1", "2")
    with app.app_context():
        now = utcnow()
        waiting_until = claims.batch_ready("batching", "note", 3, 60, now)
        assert waiting_until is not None and now < waiting_until <= now + timedelta(seconds=60)
        later = now + timedelta(seconds=61)
        assert claims.batch_ready("batching", "note", 3, 60, later) == later
        assert claims.batch_ready("batching", "note", 2, 60, now) == now
        assert claims.batch_ready("batching", "other", 3, 60, now) is None


def test_entries_wait_to_fill_a_batch_and_go_together(batching, make_user, log_in):
    app, handler = batching
    enqueue(app, "1", "2")
    assert deliver_due(app) == 0, "two of three wait for the third"
    admin = log_in(app.test_client(), make_user(app, admin=True))
    page = admin.get("/admin/sync/").text
    assert "Filling batches: entries wait up to 3600 s" in page and "The test asks for full batches." in page

    enqueue(app, "3")
    with app.app_context():
        host.sync.wait_until_drained()
    assert handler.batches == [["1", "2", "3"]]

    handler.wait = None
    enqueue(app, "4")
    with app.app_context():
        host.sync.wait_until_drained()
    assert handler.batches[-1] == ["4"], "without a wait, a lone change goes at once"
    assert "Filling batches" not in admin.get("/admin/sync/").text


def test_a_handler_taking_huge_batches_fills_the_batch_its_wait_names(batching):
    app, handler = batching
    handler.batch_size = 100_000
    handler.wait = BatchWait(3600, "One call's worth is enough.", fill_to=3)
    enqueue(app, "1", "2")
    assert deliver_due(app) == 0
    enqueue(app, "3")
    with app.app_context():
        host.sync.wait_until_drained()
    assert handler.batches == [["1", "2", "3"]]
