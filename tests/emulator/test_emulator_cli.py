"""Starting the emulator from the command line."""

import json
import subprocess
import sys
import time

import requests


def test_cli_starts_with_a_config_file_and_prints_the_org(tmp_path) -> None:
    """``python -m salesforce_emulator`` serves the configured org and prints its credentials and admin token."""
    config = tmp_path / "org.json"
    config.write_text(json.dumps({"users": [{"username": "dev@example.com", "password": "pw-1"}], "api_limit": 42}))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "salesforce_emulator",
            "--config",
            str(config),
            "--port",
            "0",
            "--admin-token",
            "cli-token",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        printed = ""
        deadline = time.monotonic() + 10
        while not printed.rstrip().endswith("}"):
            assert time.monotonic() < deadline
            printed += process.stdout.readline()
        details = json.loads(printed)
        assert details["username"] == "dev@example.com" and details["password"] == "pw-1"
        assert details["admin_token"] == "cli-token" and details["instance_url"] == url
        assert requests.get(f"{url}/services/data/", timeout=5).json()[-1]["version"] == "62.0"
        settings = requests.get(f"{url}/_emulator/settings", headers={"X-Emulator-Token": "cli-token"}, timeout=5)
        assert settings.json()["api_limit"] == 42
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
