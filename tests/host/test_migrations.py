"""The migrations build exactly the schema the models describe (the host's; plugins' have their own)."""

from typing import Any

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from host import create_app
from host.database import MIGRATIONS_DIRECTORY, upgrade_database
from host.extensions import db
from host.models import Affiliate, User
from host.plugin_migrations import tables_of, version_table
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_leads import SalesforceLeads


def _host_differences() -> list[Any]:
    """What the database lacks, or has beyond, the host's models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": tables_of(None, connection)}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(database_config, tmp_path):
    config = {"TESTING": True, "PLUGHOST_LOAD_ENTRYPOINTS": False, "SECRET_KEY": "test", **database_config}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    upgrade_database(app)
    with app.app_context():
        differences = _host_differences()
        db.engine.dispose()
    assert differences == [], "the models changed: regenerate the migration (see host/migrations/README.md)"


def test_the_claim_token_index_goes_away_on_downgrade_and_comes_back_on_upgrade(database_config, tmp_path):
    config = {"TESTING": True, "PLUGHOST_LOAD_ENTRYPOINTS": False, "SECRET_KEY": "test", **database_config}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    upgrade_database(app)

    def sync_entry_indexes() -> set[str | None]:
        return {index["name"] for index in sqlalchemy.inspect(db.engine).get_indexes("sync_entries")}

    with app.app_context():
        assert "ix_sync_entries_claim_token" in sync_entry_indexes()
        downgrade(directory=MIGRATIONS_DIRECTORY, revision="0002_consents")
        assert "ix_sync_entries_claim_token" not in sync_entry_indexes()
        assert "ix_sync_entries_queue" in sync_entry_indexes()
        upgrade(directory=MIGRATIONS_DIRECTORY)
        assert "ix_sync_entries_claim_token" in sync_entry_indexes()
        differences = _host_differences()
        db.engine.dispose()
    assert differences == []


@pytest.mark.parametrize("bundled", [SalesforceContactsPlugin, SalesforceLeads], ids=lambda plugin: plugin.name)
def test_each_bundled_plugins_migrations_match_its_models(make_app, bundled):
    app = make_app(bundled())
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": tables_of(bundled.name, connection),
                "version_table": version_table(bundled.name),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"{bundled.name}'s models changed: `plughost db revision --plugin {bundled.name}`"


def test_ids_of_deleted_users_and_affiliates_are_never_given_again(database_config, tmp_path):
    """Plugins key their links to other systems by id: a new record must not inherit a
    deleted one's (SQLite reuses the highest id unless the table says AUTOINCREMENT)."""
    config = {"TESTING": True, "PLUGHOST_LOAD_ENTRYPOINTS": False, "SECRET_KEY": "test", **database_config}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    upgrade_database(app)
    with app.app_context():
        for make in (
            lambda email: User(email=email, password_hash="-", first_name="A", last_name="B"),
            lambda email: Affiliate(email=email, first_name="A", last_name="B"),
        ):
            first = make("first@example.com")
            db.session.add(first)
            db.session.flush()
            db.session.delete(first)
            db.session.flush()
            second = make("second@example.com")
            db.session.add(second)
            db.session.flush()
            assert second.id > first.id, type(first).__name__
        db.session.rollback()
        db.engine.dispose()
