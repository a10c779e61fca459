"""Browser tests: the site served over real HTTP, driven in Debian's Chromium.

Chromium comes from the system (``/usr/bin/chromium``, or ``PLUGHOST_CHROMIUM``);
Playwright only drives it. Where it is missing these tests skip, and fail under
``PLUGHOST_REQUIRE_SERVICES=1`` (``.ci/run``). Screenshots of the pages a site owner
sees go to ``PLUGHOST_SCREENSHOTS`` (the README's pictures come from there), or to
the test's temporary folder. Salesforce is the emulator, over plain HTTP on loopback
as the demo runs it.
"""

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from werkzeug.serving import make_server

from host import create_app
from host.database import upgrade_database
from host.sync import stop
from salesforce_emulator.config import ConnectedAppConfig
from salesforce_emulator.testing import EmulatorHandle, running_emulator

CHROMIUM = os.environ.get("PLUGHOST_CHROMIUM", "/usr/bin/chromium")
#: How long a page may take to show what a test waits for, in milliseconds.
PAGE_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser(service_unavailable: Callable[[str], None]) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        service_unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open pages, each in a browser context of its own (its own cookies); a desktop
    window unless ``viewport`` is given, e.g. ``{"width": 390, "height": 844}`` for a phone."""
    contexts = []

    def open_page(viewport: dict[str, int] | None = None) -> Page:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Callable[..., None]:
    """Save a full-page screenshot named after what it shows; ``until=locator`` ends it
    below that element, for long pages whose top is what matters."""
    folder = Path(os.environ.get("PLUGHOST_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, *, until: Locator | None = None) -> None:
        clip = None
        if until is not None:
            box = until.bounding_box()
            assert box is not None, f"{until} is not on the page"
            width, bottom = page.evaluate("[document.documentElement.scrollWidth, window.scrollY]")
            clip = {"x": 0, "y": 0, "width": width, "height": bottom + box["y"] + box["height"] + 16}
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True, clip=clip)

    return take


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the site as the README's run command does (SQLite, migrated schema,
    embedded sync worker, installed plugins), with extra configuration; returns its URL."""
    started: list[Flask] = []
    with ExitStack() as servers:

        def start(**config: Any) -> str:
            settings = {
                "SECRET_KEY": "browser-test-secret",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
                **config,
            }
            app = create_app(settings, instance_path=str(tmp_path / "instance"))
            upgrade_database(app)
            started.append(app)
            base_url = servers.enter_context(serving(app))
            app.config["PLUGHOST_EXTERNAL_URL"] = base_url
            return base_url

        yield start
    for app in started:
        stop(app)


#: The Connected Apps the ``emulator`` org has, one per Salesforce plugin, as a site
#: owner may register them; their callback URLs are set once the site's are known.
LEADS_APP = ConnectedAppConfig(
    name="Plughost Leads",
    consumer_key="3MVG9PlughostLeadsBrowserTestKey",
    consumer_secret="LeadsBrowserTestSecret0000000001",
    callback_urls=[],
)
CONTACTS_APP = ConnectedAppConfig(
    name="Plughost Contacts",
    consumer_key="3MVG9PlughostContactsBrowserTestKey",
    consumer_secret="ContactsBrowserTestSecret000001",
    callback_urls=[],
)


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    """An emulated Salesforce org with the ``LEADS_APP`` and ``CONTACTS_APP`` Connected Apps."""
    apps = [replace(app, callback_urls=[]) for app in (LEADS_APP, CONTACTS_APP)]
    with running_emulator(org_name="Plughost Test Org", connected_apps=apps) as org:
        yield org
