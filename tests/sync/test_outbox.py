"""Entries commit or roll back with the change, and coalesce per record."""

from queue_test_plugin import QueueTestPlugin

from host.extensions import db
from host.sync import enqueue, pause, resume
from host.sync.models import EntryState

PLUGIN = QueueTestPlugin.name


def test_rolled_back_change_enqueues_nothing(queue):
    with queue.app.app_context():
        enqueue(PLUGIN, "thing", "1", {"v": 1})
        db.session.rollback()
    queue.wait_until_drained()
    assert queue.entries() == []
    assert queue.board.calls() == []


def test_entry_savepoint_rolled_back_with_its_plugin_hook(queue):
    with queue.app.app_context():
        enqueue(PLUGIN, "thing", "kept")
        try:
            with db.session.begin_nested():
                enqueue(PLUGIN, "thing", "undone")
                raise RuntimeError("the hook failed")
        except RuntimeError:
            pass
        db.session.commit()
    queue.wait_until_drained()
    assert [line["record_id"] for line in queue.board.deliveries()] == ["kept"]


def test_pending_entries_for_one_record_coalesce_into_the_newest(queue):
    with queue.app.app_context():
        pause(PLUGIN, "holding for the test")
        db.session.commit()
    for version in (1, 2, 3):
        queue.enqueue("7", payload={"v": version})

    [entry] = queue.entries()
    assert (entry.record_id, entry.payload, entry.state) == ("7", {"v": 3}, EntryState.PENDING)

    with queue.app.app_context():
        resume(PLUGIN)
        db.session.commit()
    queue.wait_until_drained()
    assert queue.board.delivered_payloads("7") == [{"v": 3}]


def test_change_while_in_flight_is_delivered_after_the_one_in_flight(queue):
    queue.board.hold()
    queue.enqueue("7", payload={"v": 1})
    queue.board.wait_until_held()

    queue.enqueue("7", payload={"v": 2})
    [entry] = queue.entries()
    assert (entry.state, entry.changed_in_flight) == (EntryState.IN_FLIGHT, True)

    queue.board.release()
    queue.wait_until_drained()
    assert queue.board.delivered_payloads("7") == [{"v": 1}, {"v": 2}]
    assert queue.entries() == []


def test_dead_entry_comes_back_when_its_record_changes(queue):
    queue.board.behave("fail", reason="Company is required.")
    queue.enqueue("7", payload={"v": 1})
    queue.wait_until_drained()
    [dead] = queue.entries()
    assert dead.state == EntryState.DEAD

    queue.board.behave("deliver")
    queue.enqueue("7", payload={"v": 2})
    queue.wait_until_drained()
    assert queue.entries() == []
    assert queue.board.delivered_payloads("7") == [{"v": 2}]
    assert queue.status("7").state == "done"
