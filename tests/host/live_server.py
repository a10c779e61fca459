"""The site in a real process: start it, wait until it answers, stop it."""

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import requests

T = TypeVar("T")

HERE = Path(__file__).parent
#: A second process serving the site with the sample plugins (see serve_sample_site.py).
SAMPLE_SITE_SCRIPT = HERE / "serve_sample_site.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Call ``check`` until it returns something other than None, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


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
            poll(_answers(base_url + "/", process), timeout=30, what=f"{command[0]} to answer (log: {log})")
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
