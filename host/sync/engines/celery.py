"""The distributed engine: Celery workers on Redis deliver, any number on any machine.

The web process only signals: after a commit that queued work it sends a ``deliver``
task. A worker that receives it drains whatever is due, claiming batches (with
``SKIP LOCKED`` on PostgreSQL) so workers split the work instead of repeating it. A
signal can be lost (Redis restarted, a worker killed before it acked), and retries
fall due without any commit, so Celery beat also sends ``deliver`` every
``PLUGHOST_SYNC_POLL_SECONDS``: a sweep.

Workers build the site themselves, see :mod:`host.sync.celery_app`.
"""

import logging

from celery import Celery
from flask import Flask

from host.sync.delivery import drain
from host.sync.settings import SyncSettings

log = logging.getLogger(__name__)

DELIVER_TASK = "plughost.sync.deliver"
QUEUE = "plughost-sync"


def make_celery(app: Flask) -> Celery:
    """The Celery application that delivers ``app``'s queue."""
    settings = SyncSettings.of(app)
    celery = Celery("plughost", broker=app.config["PLUGHOST_CELERY_BROKER_URL"], set_as_current=False)
    celery.conf.update(
        broker_transport_options={"global_keyprefix": settings.redis_key_prefix},
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        # A signal that cannot be sent is not worth holding a request for: the sweep
        # finds the work anyway.
        task_publish_retry=False,
        # One signal at a time per worker process: a drain takes all that is due.
        worker_prefetch_multiplier=1,
        # Broadcast commands would share Redis channels across sites; none are needed.
        worker_enable_remote_control=False,
        worker_hijack_root_logger=False,
        beat_schedule={"sync-sweep": {"task": DELIVER_TASK, "schedule": settings.poll_seconds}},
    )

    @celery.task(name=DELIVER_TASK, ignore_result=True)
    def deliver() -> int:
        """Deliver everything due; several may run at once, each on its own claims."""
        return drain(app)

    return celery


class CeleryEngine:
    """In the web process: tells the Celery workers that work is waiting."""

    def __init__(self, app: Flask) -> None:
        self.celery = make_celery(app)

    def signal(self) -> None:
        try:
            self.celery.send_task(DELIVER_TASK)
        except Exception:
            # Called after a commit, which must not fail for this; the sweep recovers.
            log.exception("could not signal the sync workers; the next sweep delivers instead")

    def stop(self, timeout: float = 10.0) -> None:
        """Nothing is delivered in this process; release the broker connections."""
        self.celery.close()
