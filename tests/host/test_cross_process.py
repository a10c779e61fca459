"""Enabling a plugin in one process takes effect in another, with no restart."""

import json
import os

import requests
from live_server import SAMPLE_SITE_SCRIPT, free_port, python_command, serving
from polling import wait_for
from sample_plugins import Showcase

from host.extensions import db
from host.plugins import registry


def test_enabling_in_one_process_is_seen_by_another(make_app, make_user, database_config, tmp_path):
    here = make_app(Showcase())
    # A site with an owner: before that, every page leads to the set-up page.
    make_user(here, admin=True)
    port = free_port()
    env = {
        **os.environ,
        "PLUGHOST_TEST_CONFIG": json.dumps(
            {"PLUGHOST_LOAD_ENTRYPOINTS": False, "SECRET_KEY": "test", **database_config}
        ),
        "PLUGHOST_INSTANCE_PATH": str(tmp_path / "other-instance"),
    }
    command = python_command(SAMPLE_SITE_SCRIPT, str(port))
    with serving(command, port=port, env=env, log=tmp_path / "other.log") as other:
        hello = other + "/plugins/showcase/hello"

        def answers(status: int) -> bool | None:
            return True if requests.get(hello, timeout=5, allow_redirects=False).status_code == status else None

        assert answers(404)

        with here.app_context():
            registry.enable("showcase")
            db.session.commit()
        wait_for(lambda: answers(200), "the other process to serve the enabled plugin", timeout=10)
        assert requests.get(hello, timeout=5).text == "Hello"

        with here.app_context():
            registry.disable("showcase")
            db.session.commit()
        wait_for(lambda: answers(404), "the other process to hide the disabled plugin", timeout=10)
