"""``plughost salesforce_contacts backfill``: send every existing user, with a progress bar."""

import click
from flask.cli import with_appcontext

from host.plugins import Plugin
from host.sync.backfill import DEFAULT_CHUNK_SIZE, BackfillError, backfill, backfill_source
from plugins.salesforce_contacts.handler import KIND


def backfill_command(plugin: Plugin) -> click.Command:
    @click.command("backfill")
    @click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, help="Users queued per transaction.")
    @with_appcontext
    def command(chunk_size: int) -> None:
        """Queue every existing user for Salesforce; the sync workers send them in batches of 200."""
        queued_total = 0
        try:
            expected = backfill_source(plugin.name, KIND).record_count()
            with click.progressbar(length=expected, label="Queueing users for Salesforce") as bar:
                for queued in backfill(plugin.name, KIND, chunk_size):
                    queued_total += queued
                    bar.update(queued)
        except BackfillError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Queued {queued_total} users; they reach Salesforce as the sync workers deliver them.")

    return command
