"""``plughost salesforce_leads backfill``: send every existing affiliate to Salesforce."""

from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from host.sync.backfill import backfill
from plugins.salesforce_leads.sync import KIND

if TYPE_CHECKING:
    from plugins.salesforce_leads.plugin import SalesforceLeads


def backfill_command(plugin: "SalesforceLeads") -> click.Command:
    """Queue every affiliate; the sync workers send them in Collections of 200."""

    @click.command("backfill")
    @click.option("--chunk-size", default=1000, show_default=True, help="Affiliates queued per transaction.")
    @with_appcontext
    def command(chunk_size: int) -> None:
        """Queue every existing affiliate for Salesforce, with a progress bar."""
        total = plugin.sync_handler.record_count()
        queued = 0
        with click.progressbar(length=total, label="Queueing affiliates for Salesforce") as bar:
            for count in backfill(plugin.name, KIND, chunk_size):
                queued += count
                bar.update(count)
        click.echo(f"Queued {queued} affiliates; the sync workers send them to Salesforce in batches of 200.")

    return command
