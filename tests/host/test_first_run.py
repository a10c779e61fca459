"""First run: `plughost run` on a fresh machine serves a set-up page, then hides it.

Commands that only look at the site (help, routes, the plugin list) leave a fresh machine as it was.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import requests
from live_server import free_port, serving

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def console_script() -> str:
    """The console script of the environment running the tests, activated or not."""
    plughost = shutil.which("plughost", path=str(Path(sys.executable).parent))
    assert plughost, "the plughost console script is not installed (pip install -e .)"
    return plughost


def embedded_environment(instance: Path) -> dict[str, str]:
    """Nothing configured but where the instance folder is: the embedded defaults."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PLUGHOST_")}
    env["PLUGHOST_INSTANCE_PATH"] = str(instance)
    return env


def run_plughost(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([console_script(), *args], env=env, capture_output=True, text=True, timeout=60, check=True)


def test_looking_at_a_fresh_site_creates_nothing(tmp_path: Path):
    instance = tmp_path / "instance"
    env = embedded_environment(instance)

    helped = run_plughost("--help", env=env)
    assert "salesforce_contacts" in helped.stdout, "the help lists the plugins' commands"
    assert "/admin/plugins" in run_plughost("routes", env=env).stdout
    listed = run_plughost("plugins", "list", env=env)
    assert "salesforce_leads" in listed.stdout and "no database yet" in listed.stdout
    for result in (helped, listed):
        assert result.stderr == ""
    assert not instance.exists()


def test_the_plugin_list_of_a_site_in_use_shows_statuses_without_migrating(tmp_path: Path):
    env = embedded_environment(tmp_path / "instance")
    enabled = run_plughost("plugins", "enable", "salesforce_leads", env=env)
    assert enabled.stderr.splitlines() == ["plughost: the database schema was brought up to date."]

    listed = run_plughost("plugins", "list", env=env)
    leads = next(line for line in listed.stdout.splitlines() if line.startswith("salesforce_leads"))
    assert "needs_setup" in leads and "Fill in its settings" in leads
    assert listed.stderr == "", "a plugin's status is read without errors and the schema is left alone"


def test_plughost_run_starts_on_sqlite_with_a_setup_page_that_disappears(tmp_path: Path):
    port = free_port()
    instance = tmp_path / "instance"
    env = embedded_environment(instance)
    plughost = console_script()
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


#: A WSGI server given ``host:create_app()``, as a deployment without ``plughost run`` has.
WSGI_SERVER = (
    "import sys; from werkzeug.serving import run_simple; from host import create_app; "
    "run_simple('127.0.0.1', int(sys.argv[1]), create_app())"
)


def test_a_wsgi_server_given_create_app_serves_a_fresh_sqlite_site(tmp_path: Path):
    port = free_port()
    env = embedded_environment(tmp_path / "instance")
    command = [sys.executable, "-c", WSGI_SERVER, str(port)]
    with serving(command, port=port, env=env, log=tmp_path / "server.log") as site:
        first_visit = requests.get(site + "/admin/", timeout=5)
        assert first_visit.status_code == 200
        assert first_visit.url == site + "/setup"
        assert "Set up your site" in first_visit.text
