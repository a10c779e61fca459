"""The web UI's Connected Apps page: revoking an approval or expiring its sessions, as an admin
does in Salesforce's Connected Apps OAuth Usage, then the token endpoint and the API answering
as Salesforce does."""

import re
from typing import Any

import requests

from salesforce_emulator.testing import EmulatorHandle

SESSION_EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def _page(emulator: EmulatorHandle, ui: requests.Session) -> str:
    response = ui.get(f"{emulator.base_url}/_emulator/ui/connections")
    assert response.status_code == 200
    return response.text


def _action_urls(page: str, action: str) -> list[str]:
    return re.findall(rf'action="(/_emulator/ui/connections/[0-9a-f]+/{action})"', page)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def _press(emulator: EmulatorHandle, ui: requests.Session, path: str) -> tuple[str, requests.Response]:
    """Open the button's confirmation page, then confirm it; returns the question and the result."""
    question = ui.get(emulator.base_url + path)
    assert question.status_code == 200
    return question.text, ui.post(emulator.base_url + path, data={"csrf_token": _csrf(question.text)})


def _limits(emulator: EmulatorHandle, access_token: str) -> requests.Response:
    return emulator.session().get(
        f"{emulator.base_url}/services/data/v62.0/limits", headers={"Authorization": f"Bearer {access_token}"}
    )


def _refresh(emulator: EmulatorHandle, refresh_token: str) -> requests.Response:
    return emulator.session().post(
        f"{emulator.base_url}/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": emulator.consumer_key,
            "client_secret": emulator.consumer_secret,
        },
    )


def test_page_lists_each_approval_without_its_tokens(emulator: EmulatorHandle, ui: requests.Session) -> None:
    """Each approval shows its app, user and live sessions; no token value is ever on the page."""
    assert "No one has authorized" in _page(emulator, ui)
    token: dict[str, Any] = emulator.obtain_token()
    page = _page(emulator, ui)
    assert emulator.config.connected_apps[0].name in page and emulator.username in page
    assert len(_action_urls(page, "revoke")) == len(_action_urls(page, "expire")) == 1
    assert token["refresh_token"] not in page and token["access_token"] not in page
    assert emulator.consumer_secret not in page
    assert 'href="/_emulator/ui/connections"' in ui.get(f"{emulator.base_url}/_emulator/ui/").text


def test_revoke_asks_first_then_ends_the_refresh_token_and_its_sessions(
    emulator: EmulatorHandle, ui: requests.Session
) -> None:
    token = emulator.obtain_token()
    (path,) = _action_urls(_page(emulator, ui), "revoke")
    question, done = _press(emulator, ui, path)
    assert "Revoke" in question and "must be authorized again" in question
    assert done.status_code == 200 and done.url.endswith("/_emulator/ui/connections")
    assert f"Revoked {emulator.config.connected_apps[0].name}&#39;s access for {emulator.username}" in done.text
    assert "No one has authorized" in done.text
    refused = _refresh(emulator, token["refresh_token"])
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}
    expired = _limits(emulator, token["access_token"])
    assert expired.status_code == 401 and expired.json() == SESSION_EXPIRED


def test_opening_the_question_changes_nothing(emulator: EmulatorHandle, ui: requests.Session) -> None:
    token = emulator.obtain_token()
    for action in ("revoke", "expire"):
        (path,) = _action_urls(_page(emulator, ui), action)
        assert ui.get(emulator.base_url + path).status_code == 200
    assert _limits(emulator, token["access_token"]).status_code == 200
    assert len(emulator.admin.approvals()) == 1


def test_expire_sessions_ends_access_tokens_but_the_refresh_token_still_works(
    emulator: EmulatorHandle, ui: requests.Session
) -> None:
    """Only the chosen approval's sessions end; the app refreshes and carries on."""
    token = emulator.obtain_token()
    other = emulator.obtain_token()
    page = _page(emulator, ui)
    families = [a["family"] for a in emulator.admin.approvals()]
    path = f"/_emulator/ui/connections/{families[0]}/expire"
    assert path in _action_urls(page, "expire")
    question, done = _press(emulator, ui, path)
    assert "refresh token still gets new ones" in question
    assert "Expired 1 session(s)" in done.text
    expired = _limits(emulator, token["access_token"])
    assert expired.status_code == 401 and expired.json() == SESSION_EXPIRED
    assert _limits(emulator, other["access_token"]).status_code == 200
    refreshed = _refresh(emulator, token["refresh_token"])
    assert refreshed.status_code == 200
    assert _limits(emulator, refreshed.json()["access_token"]).status_code == 200
    assert len(emulator.admin.approvals()) == 2


def test_posts_without_the_form_token_or_for_a_gone_approval_change_nothing(
    emulator: EmulatorHandle, ui: requests.Session
) -> None:
    token = emulator.obtain_token()
    (revoke,) = _action_urls(_page(emulator, ui), "revoke")
    forged = ui.post(emulator.base_url + revoke, data={"csrf_token": "forged"})
    assert forged.status_code == 400 and "did not come from the emulator" in forged.text
    assert ui.post(emulator.base_url + revoke).status_code == 400
    assert _refresh(emulator, token["refresh_token"]).status_code == 200
    gone = ui.get(f"{emulator.base_url}/_emulator/ui/connections/0123456789abcdef/revoke")
    assert gone.url.endswith("/_emulator/ui/connections") and "no longer exists" in gone.text
    question, posted = _press(emulator, ui, revoke)
    assert "Revoked" in posted.text
    stale = ui.post(emulator.base_url + revoke, data={"csrf_token": _csrf(question)})
    assert stale.status_code == 200 and "no longer exists" in stale.text
