"""Streamed delivery: entries read and outcomes settled a chunk at a time, crash-safe."""

import os
import signal
import time
from collections import Counter

from polling import wait_for
from workers import embedded_worker_command, worker_environment

import host.sync
from host.sync.models import EntryState

RECORDS = [str(number) for number in range(1, 6)]
KIND = "streamed"


def test_a_streaming_handler_gets_the_batch_as_a_stream_and_each_outcome_is_settled(queue):
    queue.enqueue(*RECORDS, kind=KIND)
    queue.wait_until_drained()
    assert queue.entries() == []
    assert [call["count"] for call in queue.board.calls()] == [5]
    assert Counter(line["record_id"] for line in queue.board.deliveries()) == Counter(RECORDS)
    status = queue.status("5", kind=KIND)
    assert (status.state, status.external_id, status.message, status.attempts) == ("done", "EXT-5", "Streamed", 1)


def test_outcomes_are_settled_a_chunk_at_a_time_while_the_stream_runs(make_queue):
    queue = make_queue(PLUGHOST_SYNC_LEASE_SECONDS=30)
    queue.board.hold(after=3)
    queue.enqueue(*RECORDS, kind=KIND)
    queue.board.wait_until_held()
    # Chunks of two: the first two records are settled, the third waits for its chunk.
    wait_for(lambda: [entry.record_id for entry in queue.entries()] == ["3", "4", "5"], "the first chunk settled")
    assert {entry.state for entry in queue.entries()} == {EntryState.IN_FLIGHT}
    assert queue.status("1", kind=KIND).state == "done"
    queue.board.release()
    queue.wait_until_drained()
    assert queue.entries() == []


def test_a_worker_killed_mid_stream_loses_only_the_unsettled_entries(queue, spawn):
    if not queue.workers:
        host.sync.stop(queue.app)
        environment = worker_environment(queue.app, queue.board)
        queue.workers.extend(spawn(embedded_worker_command(), environment, name) for name in ("worker1", "worker2"))
    queue.board.hold(after=3)
    queue.enqueue(*RECORDS, kind=KIND)
    doomed_pid = queue.board.wait_until_held()
    [survivor_pid] = [worker.pid for worker in queue.workers if worker.pid != doomed_pid]
    wait_for(lambda: len(queue.entries()) == 3, "the first chunk settled")

    os.kill(doomed_pid, signal.SIGKILL)
    next(worker for worker in queue.workers if worker.pid == doomed_pid).wait()
    killed_at = time.time()
    queue.board.release()

    queue.wait_until_drained()
    assert queue.entries() == []
    # Records 1 and 2 were settled before the kill; 3 was sent but not settled, so the
    # survivor sends it again with the rest once the lease lapses.
    delivered = Counter((line["pid"], line["record_id"]) for line in queue.board.deliveries())
    assert delivered == Counter(
        [(doomed_pid, "1"), (doomed_pid, "2"), (doomed_pid, "3"), *((survivor_pid, record) for record in RECORDS[2:])]
    )
    [survivor_call] = [call for call in queue.board.calls() if call["pid"] == survivor_pid]
    assert (survivor_call["count"], survivor_call["at"] >= killed_at) == (3, True)


def test_an_exception_mid_stream_retries_the_entries_not_yet_settled(queue):
    queue.board.behave("raise", reason="the stream broke")
    queue.enqueue(*RECORDS, kind=KIND)
    wait_for(lambda: len(queue.board.calls()) >= 2, "the retry")
    queue.board.behave("deliver")
    queue.wait_until_drained()
    assert queue.entries() == []
    # The chunk in progress when it raised (record 3) went with the rest.
    assert [queue.status(record, kind=KIND).attempts for record in RECORDS] == [1, 1, 2, 2, 2]


def test_a_stream_that_yields_settle_now_reads_only_the_entries_it_has_not_answered(queue):
    queue.board.behave("two_passes")
    queue.enqueue(*RECORDS, kind=KIND)
    queue.wait_until_drained()
    # Chunks of two: without SETTLE_NOW, record 5's answer would still wait unsettled, its entry held.
    assert queue.board.passes() == [["2", "4"]]
    assert [queue.status(record, kind=KIND).message for record in RECORDS] == [
        "First pass",
        "Second pass",
        "First pass",
        "Second pass",
        "First pass",
    ]


def test_a_pause_mid_stream_holds_the_entries_left(queue):
    queue.board.behave("pause", reason="The connection needs reauthorization.")
    queue.enqueue(*RECORDS, kind=KIND)
    with queue.app.app_context():
        wait_for(lambda: host.sync.is_paused("queue_test"), "the plugin paused")
    wait_for(lambda: {entry.state for entry in queue.entries()} == {EntryState.PENDING}, "the entries waiting")
    assert [(entry.record_id, entry.attempts) for entry in queue.entries()] == [(record, 0) for record in RECORDS[1:]]
    assert queue.status("1", kind=KIND).state == "done"


def test_a_record_changed_while_its_entry_streams_is_delivered_again(make_queue):
    queue = make_queue(PLUGHOST_SYNC_LEASE_SECONDS=30)
    queue.board.hold(after=1)
    queue.enqueue(*RECORDS, kind=KIND)
    queue.board.wait_until_held()
    # Record 1 is sent, its outcome not settled yet: the change must still go out.
    queue.enqueue("1", kind=KIND, payload={"version": 2})
    queue.board.release()
    queue.wait_until_drained()
    assert queue.entries() == []
    assert queue.board.delivered_payloads("1") == [None, {"version": 2}]
