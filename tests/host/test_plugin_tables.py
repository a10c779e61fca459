"""Plugins' own tables: their own Alembic history, migrated with the host's."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from notes_plugin import BrokenTables, Note, Notes
from sample_plugins import Showcase
from sqlalchemy import MetaData, inspect, select

from host.cli import main
from host.database import MIGRATIONS_DIRECTORY, schema_is_current
from host.extensions import db
from host.models import User
from host.plugin_migrations import tables_of, version_table
from host.services.users import delete_user


def plughost(app, *args: str):
    return app.test_cli_runner().invoke(main, list(args))


def versions(app, table: str) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(MigrationContext.configure(connection, opts={"version_table": table}).get_current_heads())


#: The host's newest revision, where a site's own history stands once migrated.
HOST_HEADS = set(ScriptDirectory(MIGRATIONS_DIRECTORY).get_heads())


def table_names(app) -> set[str]:
    with app.app_context(), db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_an_installed_plugins_tables_are_built_with_the_site_in_a_history_of_their_own(make_app, make_user):
    app = make_app(Notes(), Showcase())  # installed, not enabled: its tables are there all the same
    assert "notes_entries" in table_names(app)
    assert versions(app, version_table("notes")) == {"n0001"}
    assert versions(app, "alembic_version") == HOST_HEADS
    assert schema_is_current(app)

    user_id = make_user(app)
    with app.test_request_context():
        db.session.add(Note(user_id=user_id, text="met at the fair"))
        db.session.commit()
        delete_user(db.session.get_one(User, user_id))
        db.session.commit()
        assert db.session.scalars(select(Note)).all() == []


def test_each_history_compares_only_its_own_tables(make_app):
    app = make_app(Notes())
    with app.app_context(), db.engine.connect() as connection:
        for owner in (None, "notes"):
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": tables_of(owner, connection)}
            )
            assert compare_metadata(context, db.metadata) == [], owner
        # A plugin whose models are gone (uninstalled) still owns the tables its version table names.
        hosts_only = MetaData(naming_convention=db.metadata.naming_convention)
        for table in db.metadata.tables.values():
            if "plugin" not in table.info:
                table.to_metadata(hosts_only)
        context = MigrationContext.configure(connection, opts={"include_object": tables_of(None, connection)})
        assert compare_metadata(context, hosts_only) == []
        db.engine.dispose()


def test_db_upgrade_migrates_a_plugin_installed_after_the_site_was_built(make_app):
    make_app()
    app = make_app(Notes(), PLUGHOST_AUTO_MIGRATE=False)
    assert "notes_entries" not in table_names(app)
    assert not schema_is_current(app)
    assert app.test_client().get("/").status_code == 503

    result = plughost(app, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert schema_is_current(app)
    assert versions(app, version_table("notes")) == {"n0001"}
    assert app.test_client().get("/").status_code != 503


def test_db_upgrade_to_an_older_host_revision_leaves_the_plugins_alone(make_app):
    app = make_app(Notes(), PLUGHOST_AUTO_MIGRATE=False)
    result = plughost(app, "db", "upgrade", "0001")
    assert result.exit_code == 0, result.output
    assert versions(app, version_table("notes")) == set()


def test_db_revision_writes_a_plugins_revision_into_its_folder(make_app, tmp_path):
    folder = tmp_path / "notes_migrations"
    plugin = type("NewNotes", (Notes,), {"migrations": folder})()
    app = make_app(plugin)
    assert "notes_entries" not in table_names(app)

    written = plughost(app, "db", "revision", "--plugin", "notes", "-m", "notes about users")
    assert written.exit_code == 0, written.output
    [first] = folder.glob("*.py")
    assert first.name.endswith("_notes_about_users.py")
    source = first.read_text()
    assert "op.create_table('notes_entries'" in source or 'op.create_table("notes_entries"' in source
    assert "down_revision = None" in source

    assert plughost(app, "db", "upgrade").exit_code == 0
    assert "notes_entries" in table_names(app)
    # The host's history is untouched, and its own revisions stay where they are.
    assert versions(app, "alembic_version") == HOST_HEADS
    assert not any(Path("host/migrations/versions").glob("*notes*"))

    # Nothing left to compare: an empty revision, to fill in by hand, after the first.
    again = plughost(app, "db", "revision", "--plugin", "notes", "-m", "move old notes")
    assert again.exit_code == 0, again.output
    [second] = [path for path in folder.glob("*.py") if path != first]
    assert "create_table" not in second.read_text()
    assert f"down_revision = {first.name.split('_')[0]!r}" in second.read_text()


def test_db_revision_for_a_plugin_says_what_is_wrong(make_app):
    app = make_app(Notes(), Showcase())
    unknown = plughost(app, "db", "revision", "--plugin", "nonesuch", "-m", "x")
    assert unknown.exit_code == 1 and "no installed plugin is named 'nonesuch'" in unknown.output
    no_folder = plughost(app, "db", "revision", "--plugin", "showcase", "-m", "x")
    assert no_folder.exit_code == 1 and "showcase names no migrations folder" in no_folder.output
    host_only = plughost(app, "db", "revision", "--plugin", "notes", "--sql", "-m", "x")
    assert host_only.exit_code == 2 and "--sql cannot be used with --plugin" in host_only.output


def test_a_plugin_whose_revision_fails_is_taken_out_and_the_site_goes_on(make_app):
    app = make_app(BrokenTables(), Notes())
    [broken] = app.extensions["plughost"].broken
    assert (broken.name, broken.error) == ("broken_tables", "its migrations failed: the revision is broken")
    assert versions(app, version_table("notes")) == {"n0001"}
    assert schema_is_current(app)
    assert app.test_client().get("/").status_code != 503

    other = make_app(BrokenTables(), PLUGHOST_AUTO_MIGRATE=False)
    result = plughost(other, "db", "upgrade")
    assert result.exit_code == 1
    assert "broken_tables: its migrations failed: the revision is broken" in result.output
