"""The settings tabs' forms, posted as the owner's browser would (with CSRF tokens): the
outbound-message endpoints' buttons and the per-field direction drop-downs."""

import html
import re

from host.extensions import db
from host.models import User
from host.services.users import update_user

PAGE = "/admin/plugins/salesforce_contacts/"
FIELDS = ["Email", "FirstName", "LastName", "LastModifiedDate"]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ENDPOINT_URL = re.compile(r'value="http://localhost(/salesforce_contacts/outbound/[^"]+)" aria-label="Endpoint URL"')


def _page(site, tab: str = "webhooks") -> str:
    return site.admin.get(PAGE + tab).get_data(as_text=True)


def _submit(site, path: str, **fields: str) -> int:
    """Post one of the tabs' forms with the token the page carries; returns the status."""
    token = TOKEN.search(_page(site)).group(1)
    return site.admin.post(PAGE + path, data={"csrf_token": token, **fields}).status_code


def _endpoint_paths(site) -> list[str]:
    return [html.unescape(path) for path in ENDPOINT_URL.findall(_page(site))]


def _user(site, user_id: int) -> dict[str, str | None]:
    with site.app.app_context():
        user = db.session.get(User, user_id)
        return {"first_name": user.first_name, "last_name": user.last_name}


def _edit_user(site, user_id: int, **changes: str) -> None:
    with site.writing():
        update_user(db.session.get(User, user_id), changes)
        db.session.commit()


def _save_mapping(site, **directions: str) -> None:
    """The mapping form with the default fields and the given direction for each."""
    mapped = {"Email": "email", "FirstName": "first_name", "LastName": "last_name"}
    form = {f"map-{field}": key for field, key in mapped.items()}
    form |= {f"direction-{field}": direction for field, direction in directions.items()}
    assert _submit(site, "mapping", **form) == 302


def _deliveries_to(site, path: str) -> list[dict]:
    return [d for d in site.sf.admin.outbound_status()["deliveries"] if d["endpoint_url"].endswith(path)]


def test_endpoint_buttons_add_regenerate_and_remove_what_salesforce_may_use(
    site, live_site, salesforce_user, monkeypatch
):
    monkeypatch.setitem(site.app.config, "WTF_CSRF_ENABLED", True)
    _save_mapping(site, LastName="both")
    user_id = site.register("ada@example.com", last_name="Lovelace")
    assert site.wait_synced(user_id).state == "done"
    contact_id = site.record("ada@example.com")["Id"]

    assert site.admin.post(PAGE + "webhooks", data={"action": "update"}).status_code == 400
    assert _endpoint_paths(site) == []
    assert _submit(site, "webhooks", action="update") == 302
    [first] = _endpoint_paths(site)
    endpoint_id = first.split("/")[-1].split("?")[0]
    asks = html.unescape(_page(site))
    assert "Make a new key for the endpoint “Update: mapped fields and tags come back to the user”?" in asks
    assert "Its current URL stops working at once" in asks
    assert "Remove the endpoint “Update: mapped fields and tags come back to the user”?" in asks
    assert _submit(site, f"webhooks/{endpoint_id}/regenerate") == 302
    [second] = _endpoint_paths(site)
    assert second.split("?")[0] == first.split("?")[0] and second != first

    site.sf.admin.define_outbound_message("OldKey", "Contact", FIELDS, live_site.url + first)
    salesforce_user.update("Contact", contact_id, LastName="Byron")
    site.wait_for(lambda: _deliveries_to(site, first), "Salesforce's message to the old URL")
    assert _deliveries_to(site, first)[0]["status"] == 403
    site.sf.admin.define_outbound_message("NewKey", "Contact", FIELDS, live_site.url + second)
    salesforce_user.update("Contact", contact_id, LastName="King")
    site.wait_for(lambda: _user(site, user_id)["last_name"] == "King", "the new URL's message to apply")
    assert [d["acknowledged"] for d in _deliveries_to(site, second)] == [True]

    assert _submit(site, f"webhooks/{endpoint_id}/remove") == 302
    assert _endpoint_paths(site) == []
    salesforce_user.update("Contact", contact_id, LastName="Lovelace-King")
    site.wait_for(lambda: len(_deliveries_to(site, second)) == 2, "Salesforce's message to the removed URL")
    assert _deliveries_to(site, second)[1]["status"] == 403
    site.drain()
    assert _user(site, user_id)["last_name"] == "King"


def test_a_field_from_salesforce_is_not_sent_but_is_applied_when_it_comes_back(site, live_site, salesforce_user):
    _save_mapping(site, Email="to", FirstName="from", LastName="both")
    page = _page(site, "fields")
    assert re.search(
        r'name="direction-FirstName"[^>]*>\s*<option value="to">[^<]*</option>\s*'
        r'<option value="from" selected>',
        page,
    )
    user_id = site.register("grace@example.com", first_name="Local", last_name="Hopper")
    assert site.wait_synced(user_id).state == "done"
    record = site.record("grace@example.com")
    assert (record["FirstName"], record["LastName"]) == (None, "Hopper")

    assert _submit(site, "webhooks", action="update") == 302
    [path] = _endpoint_paths(site)
    site.sf.admin.define_outbound_message("ContactBack", "Contact", FIELDS, live_site.url + path)
    salesforce_user.update("Contact", record["Id"], FirstName="Grace")
    site.wait_for(lambda: _user(site, user_id)["first_name"] == "Grace", "Salesforce's first name to apply")

    site.sf.admin.clear_calls()
    _edit_user(site, user_id, first_name="Amazing", last_name="Hopper-Murray")
    site.wait_for(lambda: site.record("grace@example.com")["LastName"] == "Hopper-Murray", "the edit to go out")
    site.drain()
    assert site.record("grace@example.com")["FirstName"] == "Grace"
    writes = {call: n for call, n in site.sf.admin.call_counts().items() if not call.startswith("GET")}
    assert writes == {"POST composite": 1}


def test_a_required_field_from_salesforce_is_sent_on_create_only(site, salesforce_user):
    """Salesforce needs LastName to create a Contact, not to update one: a LastName taken from
    Salesforce goes out once, with the new record, and is never sent over Salesforce's value."""
    _save_mapping(site, LastName="from")
    user_id = site.register("alan@example.com", first_name="Alan", last_name="Turing")
    assert site.wait_synced(user_id).state == "done"
    record = site.record("alan@example.com")
    assert record["LastName"] == "Turing"
    salesforce_user.update("Contact", record["Id"], LastName="Turing (Salesforce)")

    site.sf.admin.clear_calls()
    _edit_user(site, user_id, first_name="Alan M.", last_name="Turing (site)")
    site.wait_for(lambda: site.record("alan@example.com")["FirstName"] == "Alan M.", "the edit to go out")
    site.drain()
    assert site.record("alan@example.com")["LastName"] == "Turing (Salesforce)"
    assert site.sf.admin.call_counts() == {"POST composite": 1}
