"""``plughost plugins new``: the distribution it writes installs, is found, and passes its own tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from host.cli import main


def new_plugin(*arguments: str) -> Result:
    return CliRunner().invoke(main, ["plugins", "new", *arguments])


def test_a_new_plugin_installs_is_found_and_passes_its_own_tests(tmp_path: Path, request: pytest.FixtureRequest):
    made = new_plugin("welcome_note", "--title", "Welcome note", "--directory", str(tmp_path))
    assert made.exit_code == 0, made.output
    project = tmp_path / "plughost-welcome-note"
    assert f"Created {project}" in made.output

    installed = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(installed), str(project)],
        check=True,
        timeout=300,
    )
    environment = {
        **os.environ,
        # The plugin beside the Plughost these tests run on, even one not installed.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(installed), os.environ.get("PYTHONPATH")])),
        "PLUGHOST_TEST_POSTGRES_URL": os.environ.get("PLUGHOST_TEST_POSTGRES_URL")
        or request.config.getini("plughost_postgres_url"),
    }
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "6 passed" in tests.stdout, "its three tests, on SQLite and PostgreSQL"

    site = tmp_path / "site"
    site.mkdir()
    listed = subprocess.run(
        [Path(sys.executable).with_name("plughost"), "plugins", "list"],
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "welcome_note" in listed.stdout, listed.stdout + listed.stderr


@pytest.mark.parametrize("name", ["Welcome-Note", "class", "x", "host", "9lives"])
def test_a_name_that_cannot_name_a_plugin_is_refused(tmp_path: Path, name: str):
    refused = new_plugin(name, "--directory", str(tmp_path))
    assert refused.exit_code == 1
    assert "choose another name" in refused.output or "cannot name a plugin" in refused.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_left_alone(tmp_path: Path):
    (tmp_path / "plughost-welcome-note").mkdir()
    refused = new_plugin("welcome_note", "--directory", str(tmp_path))
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert list((tmp_path / "plughost-welcome-note").iterdir()) == []
