"""Every POST route of the site, host and plugins, against hostile but well-formed requests.

Each route of ``app.url_map`` is posted as a visitor, a subscriber and the owner, with
a valid CSRF token, every field the site's pages offer set to one hostile value: a
NUL byte, a megabyte of text, a number no table holds, a choice never offered. None
may answer 500, and since every field is hostile, each must be refused and leave the
database as it was. Requests with no fields at all must not answer 500 either.

One site per database, with both Salesforce plugins connected to the emulator, so
their pages read a real org's objects and fields.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, inspect
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from host.extensions import db
from host.plugins import registry
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_contacts.plugin import CALLBACK_PATH as CONTACTS_CALLBACK
from plugins.salesforce_leads import SalesforceLeads
from plugins.salesforce_leads.plugin import CALLBACK_PATH as LEADS_CALLBACK
from salesforce_emulator.testing import EmulatorHandle

SITE_URL = "http://localhost"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

HOSTILE_VALUES = {
    "NUL byte": "ab\x00cd",
    # Longer than any field takes (a plugin's text area, the longest, takes 20,000).
    "long text": "x" * 20_001,
    "huge integer": "99999999999999999999",
    "unknown choice": "no-such-choice",
}
#: Sent in one field per request, a different one per route: in every field a request would weigh 100 MB.
MEGABYTE = "x" * 1_000_000
#: Names that only some states of a page show (a mapping row, a list's tick box).
EXTRA_FIELDS = ("user_ids", "entry_id", "direction-LastName", "map-LastName", "map.first_name", "default.Company")


def _csrf_token(client: FlaskClient, path: str) -> str:
    found = CSRF_INPUT.search(client.get(path).get_data(as_text=True))
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


#: The log-in throttle records every refused log-in or reset of a well-formed address, as it must.
THROTTLE_TABLE = "login_failures"


def _tables() -> list[Table]:
    """The tables of the site's database: the models' of the host and of the plugins it has."""
    present = set(inspect(db.session.connection()).get_table_names())
    return [table for table in db.metadata.sorted_tables if table.name in present]


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to tell whether a request changed anything."""
    return {
        table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
        for table in _tables()
        if table.name != THROTTLE_TABLE
    }


def _connect(client: FlaskClient, emulator: EmulatorHandle, plugin: str, token: str) -> None:
    started = client.post(f"/admin/plugins/{plugin}/authorize", data={"csrf_token": token})
    assert started.status_code == 302, started.get_data(as_text=True)
    callback = urlsplit(emulator.authorize_with_requests(started.headers["Location"]))
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302


@dataclass
class Site:
    app: Flask
    #: A visitor's, a subscriber's and the owner's browser, by role.
    clients: dict[str, FlaskClient]
    #: Records the pages are about, by the name of the URL argument that takes their id.
    record_ids: dict[str, int]


@pytest.fixture
def site(make_app, make_user, log_in, emulator: EmulatorHandle) -> Site:
    emulator.admin.configure_app(
        emulator.consumer_key, callback_urls=[SITE_URL + CONTACTS_CALLBACK, SITE_URL + LEADS_CALLBACK]
    )
    contacts, leads = SalesforceContactsPlugin(), SalesforceLeads()
    # Unexpected exceptions answer 500, as in production, rather than reaching the test.
    app = make_app(contacts, leads, WTF_CSRF_ENABLED=True, PLUGHOST_EXTERNAL_URL=SITE_URL, PROPAGATE_EXCEPTIONS=False)
    with app.test_request_context():
        for plugin in (contacts, leads):
            registry.enable(plugin.name)
        contacts.settings.update(
            {
                "login_host": "custom",
                "custom_login_url": emulator.base_url,
                "consumer_key": emulator.consumer_key,
                "consumer_secret": emulator.consumer_secret,
            }
        )
        leads.settings.update(
            {
                "consumer_key": emulator.consumer_key,
                "consumer_secret": emulator.consumer_secret,
                "api_url": f"{emulator.base_url}/services/data/v62.0",
                "salesforce_domain": emulator.base_url,
            }
        )
        tag_id = create_tag("Members").id
        affiliate_id = create_affiliate(first_name="Al", last_name="Fil", email="al@example.com").id
        db.session.commit()
    subscriber_id = make_user(app, email="sub@example.com")
    clients = {
        "visitor": app.test_client(),
        "subscriber": log_in(app.test_client(), subscriber_id),
        "owner": log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com")),
    }
    owner_token = _csrf_token(clients["owner"], "/admin/tags/")
    _connect(clients["owner"], emulator, contacts.name, owner_token)
    _connect(clients["owner"], emulator, leads.name, owner_token)
    return Site(app, clients, {"user_id": subscriber_id, "affiliate_id": affiliate_id, "tag_id": tag_id})


def _post_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ()) and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


def _url(rule: Rule, value: str) -> str:
    """The rule's path with every argument ``value``: the highest id for a number, a listed word for a choice."""

    def argument(match: re.Match[str]) -> str:
        converter = rule._converters[match.group(1)]
        if isinstance(converter, IntegerConverter):
            return str(2**31 - 1)
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        return quote(value, safe="")

    return ARGUMENT.sub(argument, rule.rule)


def _field_names(app: Flask, client: FlaskClient) -> list[str]:
    """Every input name the owner's pages show, and those only some states show."""
    names = set(EXTRA_FIELDS)
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static":
            page = client.get(rule.rule)
            names.update(FIELD_NAME.findall(page.get_data(as_text=True)))
    names.discard("csrf_token")
    return sorted(names)


def test_hostile_posts_are_refused_without_a_500_or_a_change(site):
    app, clients = site.app, site.clients
    rules = _post_rules(app)
    assert any(rule.endpoint.startswith("salesforce_contacts.") for rule in rules), "the plugins' routes are walked"
    names = _field_names(app, clients["owner"])
    tokens = {
        role: _csrf_token(client, "/login" if role == "visitor" else "/account/") for role, client in clients.items()
    }
    errors, changed = [], []
    with app.app_context():
        before = _snapshot()
        db.session.commit()
        for number, rule in enumerate(rules):
            payloads = {label: dict.fromkeys(names, value) for label, value in HOSTILE_VALUES.items()}
            payloads["megabyte"] = {names[number % len(names)]: MEGABYTE}
            for role, client in clients.items():
                for label, data in payloads.items():
                    url = _url(rule, data.get(names[0], "long")[:100])
                    response = client.post(url, data=data | {"csrf_token": tokens[role]})
                    if response.status_code >= 500:
                        errors.append(f"{role} {label} {rule.rule}: {response.status_code}")
            # Once per route, which keeps the walk quick; the route is what needs fixing.
            after = _snapshot()
            db.session.commit()
            if after != before:
                changed.append(f"{rule.rule}: {[name for name in after if after[name] != before[name]]}")
                before = after
        for rule in rules:
            for role, client in clients.items():
                response = client.post(_url(rule, "missing"), data={"csrf_token": tokens[role]})
                if response.status_code >= 500:
                    errors.append(f"{role} missing fields {rule.rule}: {response.status_code}")
    assert errors == []
    assert changed == [], "\n".join(changed)


@dataclass
class PageForm:
    """A POST form as a page shows it: where it goes, and the values it would send."""

    action: str
    values: dict[str, str]
    #: Fields whose value is one of a set: selects, radio buttons, tick boxes, hidden inputs.
    choices: set[str]


#: Forms left out of the field-by-field walk: the import's topic or value is to be checked
#: against those the org has, which is the import page's own concern.
NOT_WALKED_FIELD_BY_FIELD = {"/admin/plugins/salesforce_contacts/import/"}

#: What a form's empty inputs get, so that only the one hostile field is wrong.
FILL_BY_TYPE = {
    "email": "filled@example.com",
    "password": "correct horse battery staple",
    "url": "https://example.com/",
}


class _FormReader(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name", "")
        if tag == "form":
            if found.get("method", "get").lower() == "post":
                self._form = PageForm(found.get("action") or self.page_url, {}, set())
                self.forms.append(self._form)
            return
        if self._form is None or not (name or tag == "option"):
            return
        if tag == "input":
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio", "hidden"):
                self._form.choices.add(name)
            if kind in ("checkbox", "radio"):
                if "checked" in found or (kind == "radio" and name not in self._form.values):
                    self._form.values[name] = found.get("value", "y")
            elif kind not in ("submit", "button", "file"):
                self._form.values[name] = found.get("value") or FILL_BY_TYPE.get(
                    kind, "1" if kind == "number" else "Filled"
                )
        elif tag == "select":
            self._select = name
            self._form.choices.add(name)
        elif tag == "option" and self._select:
            if self._select not in self._form.values or "selected" in found:
                self._form.values[self._select] = found.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self._form.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _page_forms(site: Site, role: str) -> list[PageForm]:
    """The POST forms of every page ``role`` can open (pages about a record: the test's records)."""
    forms: dict[tuple[str, tuple[str, ...]], PageForm] = {}
    for rule in site.app.url_map.iter_rules():
        if (
            "GET" not in (rule.methods or ())
            or rule.endpoint.endswith("static")
            or not rule.arguments <= set(site.record_ids)
        ):
            continue
        url = ARGUMENT.sub(lambda match: str(site.record_ids[match.group(1)]), rule.rule)
        response = site.clients[role].get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = _FormReader(url)
        reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            forms.setdefault((form.action, tuple(sorted(form.values))), form)
    return list(forms.values())


def _stored_hostile_text() -> list[str]:
    """Columns holding text no form should have let through: NUL, or longer than any field takes."""
    found = []
    for table in _tables():
        for row in db.session.execute(table.select()).all():
            for column, value in zip(table.columns.keys(), row, strict=True):
                text = value if isinstance(value, str) else repr(value) if isinstance(value, dict | list) else ""
                if "\x00" in text or "\\x00" in text or len(text) > len(HOSTILE_VALUES["long text"]) - 1:
                    found.append(f"{table.name}.{column}: {text[:120]!r}")
    return found


def test_each_field_of_each_form_refuses_what_cannot_be_stored(site):
    """Every field of every form the pages show, alone hostile among values the page fills in."""
    errors, walked = [], 0
    for role, client in site.clients.items():
        for form in _page_forms(site, role):
            if form.action in NOT_WALKED_FIELD_BY_FIELD:
                continue
            for name in form.values.keys() | form.choices:
                if name == "csrf_token":
                    continue
                hostile = {"NUL byte": HOSTILE_VALUES["NUL byte"], "long text": HOSTILE_VALUES["long text"]}
                if name in form.choices:
                    hostile |= {label: HOSTILE_VALUES[label] for label in ("huge integer", "unknown choice")}
                for label, value in hostile.items():
                    walked += 1
                    response = client.post(form.action, data=form.values | {name: value})
                    if response.status_code >= 500:
                        errors.append(f"{role} {form.action} {name}={label}: {response.status_code}")
    assert walked > 200, "the pages' forms were found"
    assert errors == []
    with site.app.app_context():
        assert _stored_hostile_text() == []
