"""Salesforce emulator benchmark: simple REST calls per second on one core. Prints figures.

    python bench/emulator_throughput.py [--seconds 3] [--clients 4] [--https]

The emulator runs in its own process pinned to one CPU core (where the OS allows
pinning); client threads in this process, on the other cores, send keep-alive requests
over http.client (lighter than requests, so the client is not what is measured) with a
bearer token obtained through the OAuth flow.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report import figure  # noqa: E402

from salesforce_emulator import EmulatorConfig, create_app  # noqa: E402
from salesforce_emulator.testing import AdminClient, EmulatorHandle  # noqa: E402

VERSION = "62.0"


def start_server(
    https: bool, *, pin: bool = True, options: Sequence[str] = ()
) -> tuple[subprocess.Popen[str], str, str]:
    """The emulator in a process of its own, pinned to core 0 when ``pin``; its process, URL and admin token.

    :param options: more command-line flags, e.g. ``["--latency-ms", "50"]``.
    """
    token = secrets.token_urlsafe(16)
    command = [
        sys.executable,
        "-m",
        "salesforce_emulator",
        "--port",
        "0",
        f"--admin-token={token}",  # one argument even when the token begins with "-"
        "--api-limit",
        "100000000",
        *options,
    ] + (["--https"] if https else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"listening on (\S+)", line)
    if not found:
        process.kill()
        raise SystemExit(f"emulator did not start: {line!r}")
    if pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(process.pid, {0})
        others = set(range(os.cpu_count() or 1)) - {0}
        if others:
            os.sched_setaffinity(0, others)
    return process, found.group(1), token


def handle_for(url: str, token: str, https: bool) -> EmulatorHandle:
    config = EmulatorConfig(https=https, admin_token=token)
    verify: bool | str = False if https else True
    return EmulatorHandle(url, config, create_app(config), verify, AdminClient(url, token, verify))


class Client:
    """One keep-alive connection sending JSON with the bearer token."""

    def __init__(self, url: str, access_token: str) -> None:
        parts = urlsplit(url)
        if parts.scheme == "https":
            context = ssl._create_unverified_context()
            self.connection: http.client.HTTPConnection = http.client.HTTPSConnection(parts.netloc, context=context)
        else:
            self.connection = http.client.HTTPConnection(parts.netloc)
        self.headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        self.connection.request(
            method,
            f"/services/data/v{VERSION}/{path}",
            body=json.dumps(body) if body is not None else None,
            headers=self.headers,
        )
        response = self.connection.getresponse()
        return response.status, response.read()


def measure(name: str, call: Callable[[Client], int], sessions: list[Client], seconds: float) -> None:
    counts = [0] * len(sessions)
    failures = [0] * len(sessions)
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        http = sessions[index]
        while time.perf_counter() < deadline:
            if call(http) >= 400:
                failures[index] += 1
            counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(f"  {name:<34} {sum(counts) / elapsed:8.0f} calls/s   ({sum(counts)} calls, {sum(failures)} failed)")
    figure("Salesforce emulator, one core", name, sum(counts) / elapsed, "calls/s")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=3.0)
    options.add_argument("--clients", type=int, default=4)
    options.add_argument("--https", action="store_true")
    args = options.parse_args()
    if args.https:
        import urllib3

        urllib3.disable_warnings()

    process, url, admin_token = start_server(args.https)
    try:
        handle = handle_for(url, admin_token, args.https)
        access = handle.obtain_token()["access_token"]
        sessions = [Client(url, access) for _ in range(args.clients)]
        status, body = sessions[0].call("POST", "sobjects/Contact", {"LastName": "Bench", "Email": "b@example.com"})
        record_id = json.loads(body)["id"]
        counter = iter(range(10**9))
        print(
            f"Emulator on {url}, server pinned to one core, {args.clients} client threads, {args.seconds:.0f} s each:"
        )
        measure(
            "GET sobjects/Contact/{id}",
            lambda c: c.call("GET", f"sobjects/Contact/{record_id}")[0],
            sessions,
            args.seconds,
        )
        measure(
            "PATCH sobjects/Contact/{id}",
            lambda c: c.call("PATCH", f"sobjects/Contact/{record_id}", {"Title": "T"})[0],
            sessions,
            args.seconds,
        )
        measure(
            "POST sobjects/Contact",
            lambda c: c.call("POST", "sobjects/Contact", {"LastName": f"N{next(counter)}"})[0],
            sessions,
            args.seconds,
        )
        measure("GET limits", lambda c: c.call("GET", "limits")[0], sessions, args.seconds)
        print(f"  (store now holds {handle.admin.counts().get('Contact', 0)} contacts)")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
