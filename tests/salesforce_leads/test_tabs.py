"""The plugin's pages in tabs (Connection, Fields, Send existing), and the affiliates that
existed before the connection, counted and sent from the Connection and Send existing tabs."""

import re

from leads_site import Site

import host.sync
from host.extensions import db
from host.plugins import registry

PAGE = "/admin/plugins/salesforce_leads/"
TABS = {"Connection": PAGE, "Fields": f"{PAGE}fields", "Send existing": f"{PAGE}send"}


def _page(site: Site, path: str) -> str:
    return site.admin.get(path).get_data(as_text=True)


def _affiliates_while_disabled(site: Site, count: int) -> None:
    with site.app.app_context():
        registry.disable(site.plugin.name)
        db.session.commit()
    for n in range(count):
        site.create_affiliate(email=f"early{n}@example.com")
    with site.app.app_context():
        registry.enable(site.plugin.name)
        db.session.commit()


def test_each_page_shows_the_tab_bar_with_its_own_tab_current(connected: Site) -> None:
    for label, path in TABS.items():
        bar = _page(connected, path).split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
        for other in TABS.values():
            assert f'href="{other}"' in bar
        assert re.search(rf'href="{re.escape(path)}" aria-current="page">{label}', bar), label


def test_affiliates_from_before_are_sent_from_the_page_once_connected(site: Site) -> None:
    _affiliates_while_disabled(site, 3)
    waiting = _page(site, TABS["Send existing"])
    assert "3 affiliates are not in Salesforce yet." in waiting
    assert re.search(r'<button type="button" class="button" disabled[^>]*>Send them</button>', waiting)
    assert "Connect to Salesforce first." in waiting
    assert "Connected to" in site.connect()

    connection = _page(site, PAGE)
    assert "3 affiliates are not in Salesforce yet." in connection
    assert re.search(r'>Send existing <span class="attention" title="3 affiliates not in Salesforce yet"', connection)
    [action] = re.findall(r'action="([^"]*send-existing)"', connection)
    sent = site.admin.post(action, data={"next": TABS["Send existing"]})
    assert sent.headers["Location"] == TABS["Send existing"]
    site.drain()
    assert {record["Email"] for record in site.records()} == {f"early{n}@example.com" for n in range(3)}
    page = _page(site, TABS["Send existing"])
    assert "not in Salesforce yet" not in page and "Every record is in Salesforce or on its way." in page


def test_while_they_are_on_their_way_the_connection_tab_s_bar_follows_them_in_place(connected: Site) -> None:
    _affiliates_while_disabled(connected, 2)
    with connected.app.app_context():
        host.sync.pause(connected.plugin, "held for the test")
        db.session.commit()
    [action] = re.findall(r'action="([^"]*send-existing)"', _page(connected, PAGE))
    connected.admin.post(action, data={"next": PAGE})

    page = _page(connected, PAGE)
    assert re.search(r'<progress id="sending-salesforce_leads-affiliate" max="2" value="0">', page)
    assert "0 of 2 affiliates have reached Salesforce" in page and 'http-equiv="refresh"' not in page
    [url] = re.findall(r'data-progress-url="([^"]+)"', page)
    assert 'src="/static/send_existing.js"' in page
    assert connected.admin.get(url.replace("&amp;", "&")).get_json()["kinds"][0]["label"] == (
        "0 of 2 affiliates have reached Salesforce"
    )
    with connected.app.app_context():
        host.sync.resume(connected.plugin)
        db.session.commit()
    connected.drain()
    assert connected.admin.get(url.replace("&amp;", "&")).get_json() == {
        "waiting": False,
        "kinds": [
            {"kind": "affiliate", "total": 2, "arrived": 2, "label": "2 of 2 affiliates have reached Salesforce"}
        ],
    }
