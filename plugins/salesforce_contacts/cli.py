"""``plughost salesforce_contacts import``: make users of Salesforce records, with a progress bar.

(``backfill``, sending every existing user, is the host's :func:`~host.api.plugin_backfill_command`.)"""

import click
from flask.cli import with_appcontext

from host.api import Plugin, db
from plugins.salesforce_common import SalesforceError
from plugins.salesforce_contacts.import_choices import BY_PICKLIST, BY_TOPIC, ImportRefused, chosen_value
from plugins.salesforce_contacts.importing import Importer, ImportStopped, end_import, start


def import_command(plugin: Plugin) -> click.Command:
    @click.command("import")
    @click.option("--topic", help="Import the records that have this topic.")
    @click.option("--picklist-value", help="Import the records whose tag picklist field holds this value.")
    @with_appcontext
    def command(topic: str | None, picklist_value: str | None) -> None:
        """Make site users of Salesforce records with a topic or picklist value, and tag them with it."""
        if bool(topic) == bool(picklist_value):
            raise click.UsageError("Give one of --topic or --picklist-value.")
        by = BY_TOPIC if topic else BY_PICKLIST
        try:
            value = chosen_value(plugin, by, topic or picklist_value or "")  # type: ignore[arg-type]
            progress = start(plugin.store, by, value)
            db.session.commit()
        except (ImportRefused, SalesforceError) as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        importer = Importer(plugin)  # type: ignore[arg-type]
        try:
            next_url = importer.run_page(progress, None)
            with click.progressbar(length=progress.total, label=f'Importing "{progress.value}"') as bar:
                bar.update(progress.processed)
                while next_url:
                    before = progress.processed
                    next_url = importer.run_page(progress, next_url)
                    bar.update(progress.processed - before)
        except ImportStopped as stopped:
            db.session.rollback()
            raise click.ClickException(str(stopped)) from stopped
        except (ImportRefused, SalesforceError) as error:
            db.session.rollback()
            end_import(plugin.store, progress.id, problem=str(error))
            db.session.commit()
            raise click.ClickException(str(error)) from error
        click.echo(
            f"{progress.created} users created, {progress.linked} existing users linked, "
            f"{progress.skipped_total} records skipped."
        )
        for reason, count in sorted(progress.skipped.items()):
            click.echo(f"  skipped, {reason}: {count}")

    return command
