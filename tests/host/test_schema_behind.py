"""A site whose schema is behind answers 503 with the command to run, never a 500."""

import pytest

from host.database import upgrade_database

PAGES = ["/", "/login", "/register", "/admin/", "/admin/users/", "/setup", "/no-such-page"]


@pytest.fixture
def behind(make_app):
    """A site on an empty database, with the automatic migration turned off."""
    return make_app(PLUGHOST_AUTO_MIGRATE=False)


def test_every_page_says_to_upgrade_until_the_schema_is_current(behind):
    client = behind.test_client()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 503, path
        assert "run <code>plughost db upgrade</code>" in response.get_data(as_text=True)
    posted = client.post("/login", data={"email": "owner@example.com", "password": "x"})
    assert posted.status_code == 503

    upgrade_database(behind)

    assert client.get("/").status_code == 302, "once upgraded, the site sends its first visitor to set-up"
    assert client.get("/setup").status_code == 200
