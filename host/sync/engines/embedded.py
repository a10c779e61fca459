"""The embedded engine: a worker thread in the web process, nothing else to run.

The thread starts with the first request or the first commit that enqueues. It
delivers whatever is due, then sleeps until it is woken by a commit or the next retry
falls due; it also looks every ``PLUGHOST_SYNC_POLL_SECONDS`` for entries that other
processes (the CLI, other web workers) enqueued. Several web processes may each run
one: claims keep them from delivering the same entry twice at once.
"""

import atexit
import logging
import threading

from flask import Flask, request_started

from host.sync.delivery import drain, next_due, seconds_until
from host.sync.runtime import sync_runtime

log = logging.getLogger(__name__)

#: After an unexpected error (the database unreachable), wait this long before trying again.
ERROR_PAUSE_SECONDS = 5.0


class DeliveryLoop:
    """Deliver, sleep until woken or due, repeat: the body of every embedded worker."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def _cycle(self) -> float:
        """Deliver what is due; return how long to sleep before looking again."""
        drain(self.app)
        return seconds_until(next_due(self.app), sync_runtime(self.app).settings.poll_seconds)

    def run(self) -> None:
        """Run until :meth:`stop`; a batch in flight is finished first."""
        while not self._stopping.is_set():
            # Cleared before looking, so a wake during the pass is not lost.
            self._wake.clear()
            try:
                sleep_seconds = self._cycle()
            except Exception:
                log.exception("sync delivery pass failed")
                sleep_seconds = ERROR_PAUSE_SECONDS
            self._wake.wait(sleep_seconds)


class EmbeddedEngine:
    """Runs a :class:`DeliveryLoop` in a daemon thread of this process."""

    def __init__(self, app: Flask) -> None:
        self._loop = DeliveryLoop(app)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # A signal, not a before_request function: those stop at the first that answers
        # (the set-up page, a refusal), and every request should start the worker.
        request_started.connect(self._start, app, weak=False)

    def _start(self, *_sender: object, **_extra: object) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop.run, name="plughost-sync", daemon=True)
                self._thread.start()
                # At exit, let a batch in flight settle rather than waiting for its lease.
                atexit.register(self.stop)

    def signal(self) -> None:
        self._start()
        self._loop.wake()

    def stop(self, timeout: float = 10.0) -> None:
        self._loop.stop()
        if self._thread is not None:
            self._thread.join(timeout)
