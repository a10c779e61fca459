"""First run: `plughost run` on a fresh machine serves a set-up page, then hides it."""

import os
import re
import shutil
import sys
from pathlib import Path

import requests
from live_server import free_port, serving

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def test_plughost_run_starts_on_sqlite_with_a_setup_page_that_disappears(tmp_path: Path):
    # The console script of the environment running the tests, activated or not.
    plughost = shutil.which("plughost", path=str(Path(sys.executable).parent))
    assert plughost, "the plughost console script is not installed (pip install -e .)"
    port = free_port()
    instance = tmp_path / "instance"
    # Nothing configured but where the instance folder is: the embedded defaults.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PLUGHOST_")}
    env["PLUGHOST_INSTANCE_PATH"] = str(instance)
    with serving([plughost, "run", "--port", str(port)], port=port, env=env, log=tmp_path / "server.log") as site:
        browser = requests.Session()
        first_visit = browser.get(site + "/admin/", timeout=5)
        assert first_visit.url == site + "/setup"
        assert "Set up your site" in first_visit.text

        refused = browser.post(site + "/setup", data={"email": "owner@example.com"}, timeout=5)
        assert refused.status_code == 400, "a set-up without its CSRF token must be refused"

        created = browser.post(
            site + "/setup",
            timeout=10,
            data={
                "csrf_token": csrf_token(first_visit.text),
                "first_name": "Olive",
                "last_name": "Owner",
                "email": "owner@example.com",
                "password": "a long owner password",
                "password_confirm": "a long owner password",
            },
        )
        assert created.url == site + "/admin/"
        assert "Dashboard" in created.text

        assert browser.get(site + "/setup", timeout=5).status_code == 404
        assert requests.get(site + "/setup", timeout=5).status_code == 404
        assert requests.get(site + "/", timeout=5).url == site + "/"

    assert (instance / "plughost.sqlite3").exists()
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
    assert (instance / "encryption_key").exists()
