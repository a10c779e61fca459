"""Delivery: batching without waiting, retries, dead letters, pauses, disabled plugins."""

import itertools
import logging
from collections import Counter

import pytest
from logged_errors import assert_logged_sentence
from polling import wait_for

from host.extensions import db
from host.sync import is_paused, resume
from host.sync.models import EntryState

RECORDS = [str(number) for number in range(1, 451)]


def test_lone_entry_goes_at_once_and_alone(make_queue):
    # Workers look on their own only once a minute: the entry goes because its commit woke one.
    queue = make_queue(PLUGHOST_SYNC_POLL_SECONDS=60)
    queue.enqueue("1")
    queue.wait_until_drained(timeout=10)
    assert queue.board.batch_sizes() == [1]
    status = queue.status("1")
    assert (status.state, status.external_id, status.message, status.attempts) == ("done", "EXT-1", "Stored", 1)


def test_entries_piled_up_during_a_call_go_together_up_to_the_batch_size(make_queue):
    # A lease far longer than the held call: this is about batching, and a lapsed lease
    # would rightly send an entry again.
    queue = make_queue(PLUGHOST_SYNC_LEASE_SECONDS=30)
    queue.board.set_batch_size(200)
    queue.board.hold()
    queue.enqueue("first")
    queue.board.wait_until_held()
    queue.enqueue(*RECORDS)
    queue.board.release()
    queue.wait_until_drained()
    assert queue.board.batch_sizes() == [1, 200, 200, 50]
    assert Counter(line["record_id"] for line in queue.board.deliveries()) == Counter(["first", *RECORDS])


def test_transient_faults_back_off_then_dead_letter(queue):
    queue.board.behave("retry", reason="Salesforce timed out")
    queue.enqueue("1")
    queue.wait_until_drained()

    [entry] = queue.entries()
    assert (entry.state, entry.attempts, entry.last_error) == (EntryState.DEAD, 4, "Salesforce timed out")
    starts = [call["at"] for call in queue.board.calls()]
    assert len(starts) == 4
    # Equal jitter waits at least half of each step: 0.05 s doubling, capped at 0.4 s.
    for gap, least in zip([b - a for a, b in itertools.pairwise(starts)], [0.025, 0.05, 0.1], strict=True):
        assert gap >= least
    status = queue.status("1")
    assert (status.state, status.message, status.attempts) == ("dead", "Salesforce timed out", 4)


def test_permanent_fault_dead_letters_at_once(queue):
    queue.board.behave("fail", reason="Company is required.")
    queue.enqueue("1")
    queue.wait_until_drained()
    [entry] = queue.entries()
    assert (entry.state, entry.attempts, entry.last_error) == (EntryState.DEAD, 1, "Company is required.")


def test_raising_handler_retries_its_batch_and_is_logged(queue, caplog):
    queue.board.behave("raise", reason="handler bug")
    with caplog.at_level(logging.ERROR, logger="host.sync.delivery"):
        queue.enqueue("1", "2")
        queue.wait_until_drained()
    entries = queue.entries()
    assert [entry.state for entry in entries] == [EntryState.DEAD] * 2
    logs = caplog.text + queue.worker_logs()
    for entry in entries:
        what = assert_logged_sentence(entry.last_error, logs, "RuntimeError: handler bug")
        assert what.startswith("Sending a batch of ") and what.endswith(" thing entries through queue_test")


def test_handler_down_for_a_while_loses_nothing_and_repeats_nothing(make_queue):
    queue = make_queue(PLUGHOST_SYNC_MAX_ATTEMPTS=1000)
    queue.board.behave("retry", reason="outage")
    queue.enqueue(*RECORDS[:50])
    wait_for(lambda: len(queue.board.calls()) >= 5, "five failed calls")
    queue.board.behave("deliver")
    queue.wait_until_drained()
    assert queue.entries() == []
    assert sorted(line["record_id"] for line in queue.board.deliveries()) == sorted(RECORDS[:50])


def test_pause_holds_every_entry_without_using_attempts_until_resumed(queue):
    queue.board.behave("pause", reason="The Salesforce connection needs reauthorization.")
    queue.enqueue("1", "2")
    queue.wait_until_drained()
    queue.enqueue("3")
    queue.wait_until_drained()

    assert [(entry.state, entry.attempts) for entry in queue.entries()] == [(EntryState.PENDING, 0)] * 3
    assert len(queue.board.calls()) == 1
    with queue.app.app_context():
        assert is_paused("queue_test")

    queue.board.behave("deliver")
    with queue.app.app_context():
        resume("queue_test")
        db.session.commit()
    queue.wait_until_drained()
    assert queue.entries() == []
    assert sorted(line["record_id"] for line in queue.board.deliveries()) == ["1", "2", "3"]


def test_pause_with_an_end_resumes_by_itself(queue):
    queue.board.behave("pause", reason="API limit exhausted", pause_seconds=0.3)
    queue.enqueue("1")
    wait_for(queue.board.calls, "the call that pauses")
    queue.board.behave("deliver")
    wait_for(queue.board.deliveries, "the delivery after the pause ends")
    assert [line["record_id"] for line in queue.board.deliveries()] == ["1"]
    queue.wait_until_drained()
    assert queue.entries() == []


def test_disabled_plugin_entries_wait_until_it_is_enabled(queue):
    queue.set_enabled(False)
    queue.enqueue("1")
    queue.wait_until_drained()
    [entry] = queue.entries()
    assert entry.state == EntryState.PENDING
    assert queue.board.calls() == []

    queue.set_enabled(True)
    wait_for(queue.board.deliveries, "the delivery once enabled")
    queue.wait_until_drained()
    assert queue.entries() == []


@pytest.mark.parametrize("engine", ["celery"])
def test_a_worker_that_claims_a_full_batch_calls_another_to_share_the_burst(make_queue):
    # One commit sends one signal, and the sweep is a minute away: only the first
    # worker's full claim can bring the second one in.
    queue = make_queue(PLUGHOST_SYNC_POLL_SECONDS=60)
    queue.board.set_batch_size(2)
    queue.board.hold(after=1)
    queue.enqueue("1", "2", "3", "4")

    wait_for(lambda: len(set(queue.board.held_pids())) == 2, "both workers holding a batch", 20)
    queue.board.release()
    queue.wait_until_drained(timeout=20)
    delivered = Counter(line["record_id"] for line in queue.board.deliveries())
    assert delivered == Counter(["1", "2", "3", "4"])
    assert len({call["pid"] for call in queue.board.calls()}) == 2
