"""A worker process killed mid-batch loses its claim when the lease lapses; nothing is lost."""

import os
import signal
import time
from collections import Counter

from polling import wait_for
from workers import embedded_worker_command, worker_environment

import host.sync

RECORDS = [str(number) for number in range(1, 6)]


def test_batch_of_a_killed_worker_is_delivered_again_after_its_lease(queue, spawn):
    if not queue.workers:
        # Embedded: two worker processes deliver instead of the site's own thread.
        host.sync.stop(queue.app)
        environment = worker_environment(queue.app, queue.board)
        queue.workers.extend(spawn(embedded_worker_command(), environment, name) for name in ("worker1", "worker2"))
    queue.board.hold(after=2)
    queue.enqueue(*RECORDS)
    doomed_pid = queue.board.wait_until_held()
    [survivor_pid] = [worker.pid for worker in queue.workers if worker.pid != doomed_pid]

    # While the doomed worker lives it renews its lease, so the survivor keeps off.
    first_lease_end = max(entry.claimed_until for entry in queue.entries())
    wait_for(lambda: min(entry.claimed_until for entry in queue.entries()) > first_lease_end, "a renewed lease", 10)
    assert all(call["pid"] == doomed_pid for call in queue.board.calls())

    os.kill(doomed_pid, signal.SIGKILL)
    next(worker for worker in queue.workers if worker.pid == doomed_pid).wait()
    killed_at = time.time()
    queue.board.release()

    queue.wait_until_drained()
    assert queue.entries() == []
    # The doomed worker got two records out before it died; the survivor sent the whole
    # batch again once the lease lapsed (handlers are idempotent), each record once.
    delivered = Counter((line["pid"], line["record_id"]) for line in queue.board.deliveries())
    assert delivered == Counter([(doomed_pid, "1"), (doomed_pid, "2"), *((survivor_pid, record) for record in RECORDS)])
    [survivor_call] = [call for call in queue.board.calls() if call["pid"] == survivor_pid]
    assert survivor_call["at"] >= killed_at
    wait_for(lambda: queue.status("5").state == "done", "the record's status")
