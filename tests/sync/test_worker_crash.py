"""A worker process killed mid-batch loses its claim when the lease lapses; nothing is lost."""

import os
import signal
import time
from collections import Counter

import host.sync
from conftest import python_module, worker_environment
from polling import wait_for

RECORDS = [str(number) for number in range(1, 6)]


def test_batch_of_a_killed_worker_is_delivered_again_after_its_lease(queue, spawn):
    # Only the worker processes deliver: the site's own thread stays out of the way.
    host.sync.stop(queue.app)
    environment = worker_environment(queue.app, queue.board)
    doomed = spawn(python_module("host.sync", "worker"), environment, "doomed")
    queue.board.hold(after=2)
    queue.enqueue(*RECORDS)
    assert queue.board.wait_until_held() == doomed.pid

    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    killed_at = time.time()
    queue.board.release()
    survivor = spawn(python_module("host.sync", "worker"), environment, "survivor")

    queue.wait_until_drained()
    assert queue.entries() == []
    by_pid = Counter((line["pid"], line["record_id"]) for line in queue.board.deliveries())
    # The doomed worker got two records out before it died; the survivor sent the whole
    # batch again (handlers are idempotent), each record once, and only after the kill.
    assert by_pid == Counter([(doomed.pid, "1"), (doomed.pid, "2"), *((survivor.pid, record) for record in RECORDS)])
    [survivor_call] = [call for call in queue.board.calls() if call["pid"] == survivor.pid]
    assert survivor_call["at"] >= killed_at
    wait_for(lambda: queue.status("5").state == "done", "the record's status")
