"""The ``plughost`` command line: admins, plugins, the schema, and plugins' commands."""

import pytest
from sample_plugins import Picky, Showcase

from host.cli import main
from host.database import schema_is_current
from host.extensions import db
from host.models import User
from host.plugins import registry


@pytest.fixture
def site(make_app):
    return make_app(Showcase(), Picky())


def plughost(app, *args: str, **options):
    """Run ``plughost ARGS`` against ``app``."""
    return app.test_cli_runner().invoke(main, list(args), **options)


def test_create_admin(site):
    result = plughost(
        site,
        "create-admin",
        "--email",
        "Root@Example.com",
        "--first-name",
        "Ro",
        "--last-name",
        "Ot",
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Admin root@example.com created." in result.output
    with site.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "root@example.com")).is_admin

    refused = plughost(
        site,
        "create-admin",
        "--email",
        "root@example.com",
        "--first-name",
        "R",
        "--last-name",
        "O",
        env={"PLUGHOST_ADMIN_PASSWORD": "a long password"},
    )
    assert refused.exit_code == 1 and "already exists" in refused.output


def test_list_enable_and_disable_plugins(site):
    listed = plughost(site, "plugins", "list")
    assert listed.exit_code == 0
    assert any(line.startswith("showcase") and "disabled" in line for line in listed.output.splitlines())

    assert "showcase is enabled." in plughost(site, "plugins", "enable", "showcase").output
    with site.app_context():
        assert registry.is_enabled("showcase")
    assert (
        "connected              Connected to showcase.example. (Account 42)" in plughost(site, "plugins", "list").output
    )

    plughost(site, "plugins", "disable", "showcase")
    with site.app_context():
        assert not registry.is_enabled("showcase")

    unknown = plughost(site, "plugins", "enable", "nonesuch")
    assert unknown.exit_code == 1 and "no installed plugin is named 'nonesuch'" in unknown.output


def test_a_refused_activation_is_reported(site):
    with site.app_context():
        site.extensions["plughost"].plugins["picky"].settings.update({"token": "t", "refuse": True})
        db.session.commit()
    refused = plughost(site, "plugins", "enable", "picky")
    assert refused.exit_code == 1 and "picky was not enabled: the token was rejected" in refused.output


def test_hook_plugin_cli_commands(site):
    refused = plughost(site, "showcase", "greet")
    assert refused.exit_code == 1 and "the Showcase plugin is disabled" in refused.output
    plughost(site, "plugins", "enable", "showcase")
    assert plughost(site, "showcase", "greet").output == "Hello\n"


def test_db_upgrade_brings_a_fresh_database_to_the_newest_migration(make_app):
    app = make_app(PLUGHOST_AUTO_MIGRATE=False)
    assert not schema_is_current(app)
    result = plughost(app, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert schema_is_current(app)
