"""The site in a real process: start it, wait until it answers, stop it."""

import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests
from polling import wait_for

HERE = Path(__file__).parent
#: A second process serving the site with the sample plugins (see serve_sample_site.py).
SAMPLE_SITE_SCRIPT = HERE / "serve_sample_site.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str, process: subprocess.Popen) -> Callable[[], bool | None]:
    def check() -> bool | None:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            requests.get(url, timeout=1, allow_redirects=False)
        except requests.ConnectionError:
            return None
        return True

    return check


@contextmanager
def serving(command: list[str], *, port: int, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """Run ``command`` (a server on ``port``) until the block ends; yields its base URL.

    :param env: the server's whole environment.
    """
    base_url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=dict(env), stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for(_answers(base_url + "/", process), f"{command[0]} to answer (log: {log})", timeout=30)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def python_command(script: Path, *args: str) -> list[str]:
    return [sys.executable, str(script), *args]
