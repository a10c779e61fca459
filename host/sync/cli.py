"""``plughost sync ...``: run a worker in the foreground, backfill a plugin's records.

:data:`sync_cli` is a click group; the host's command line mounts it as ``sync``.
Until then, or on a machine that only delivers, ``python -m host.sync`` runs the same
commands on a site built from the environment.
"""

import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from host.sync.backfill import DEFAULT_CHUNK_SIZE, BackfillError, backfill, backfill_source
from host.sync.engines.embedded import DeliveryLoop

sync_cli = click.Group("sync", help="The sync queue: workers and backfills.")


@sync_cli.command("worker")
@with_appcontext
def worker_command() -> None:
    """Deliver queued entries until interrupted (Ctrl-C or SIGTERM).

    Run as many as you like, on as many machines as you like: each claims its own
    batches. A batch in flight is finished before the worker exits.
    """
    loop = DeliveryLoop(current_app._get_current_object())  # type: ignore[attr-defined]
    signal.signal(signal.SIGTERM, lambda *_: loop.stop())
    signal.signal(signal.SIGINT, lambda *_: loop.stop())
    click.echo("Delivering sync entries; Ctrl-C to stop.")
    loop.run()


def backfill_with_progress(plugin: str, kind: str, chunk_size: int, records: str) -> None:
    """Queue every existing ``kind`` record of ``plugin`` with a progress bar, and say how many.

    :param records: what the records are called in the messages, e.g. ``"users"``.
    :raises click.ClickException: the plugin cannot backfill that kind; the message says why.
    """
    queued_total = 0
    try:
        expected = backfill_source(plugin, kind).record_count()
        with click.progressbar(length=expected, label=f"Queueing {records} for {plugin}") as bar:
            for queued in backfill(plugin, kind, chunk_size):
                queued_total += queued
                bar.update(queued)
    except BackfillError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Queued {queued_total} {records} for {plugin}; the sync workers deliver them.")


def plugin_backfill_command(plugin: str, kind: str, records: str) -> click.Command:
    """A plugin's own ``plughost <plugin> backfill``, for the one kind its users think of."""

    @click.command("backfill")
    @click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, help="Records queued per transaction.")
    @with_appcontext
    def command(chunk_size: int) -> None:
        backfill_with_progress(plugin, kind, chunk_size, records)

    command.help = f"Queue all existing {records} for delivery by {plugin}, with a progress bar."
    return command


@sync_cli.command("backfill")
@click.argument("plugin")
@click.argument("kind")
@click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, help="Records queued per transaction.")
@with_appcontext
def backfill_command(plugin: str, kind: str, chunk_size: int) -> None:
    """Queue every existing KIND record for PLUGIN, e.g. after connecting it."""
    backfill_with_progress(plugin, kind, chunk_size, f"{kind} records")
