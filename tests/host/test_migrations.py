"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from host import create_app
from host.database import upgrade_database
from host.extensions import db


def test_migrations_match_the_models(database_config, tmp_path):
    config = {"TESTING": True, "PLUGHOST_LOAD_ENTRYPOINTS": False, "SECRET_KEY": "test", **database_config}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    upgrade_database(app)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], "the models changed: regenerate the migration (see host/migrations/README.md)"
