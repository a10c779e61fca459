"""Entry point of the Celery workers and beat.

Run, with the site's environment (``PLUGHOST_DATABASE_URL``, ``PLUGHOST_SYNC_ENGINE=celery``,
``PLUGHOST_CELERY_BROKER_URL``, the keys), on as many machines as needed::

    celery -A host.sync.celery_app worker --concurrency 4
    celery -A host.sync.celery_app beat          # exactly one, anywhere

Each worker builds the site itself from that environment, with the installed plugins.
"""

from celery import Celery
from celery.signals import worker_process_init

from host.extensions import db
from host.sync.engines.celery import CeleryEngine
from host.sync.runtime import sync_runtime
from host.sync.worker_app import create_worker_app

flask_app = create_worker_app()
_engine = sync_runtime(flask_app).engine
if not isinstance(_engine, CeleryEngine):
    raise RuntimeError("Celery workers need PLUGHOST_SYNC_ENGINE=celery in their environment")
celery: Celery = _engine.celery


@worker_process_init.connect
def _open_own_connections(**_: object) -> None:
    """A forked pool process must not share the parent's database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)
