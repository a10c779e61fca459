"""The optional SQLite file keeps an emulated org across restarts."""

from emulator_rest_client import Api

from salesforce_emulator.testing import running_emulator


def test_records_tokens_and_schema_survive_a_restart(tmp_path) -> None:
    """With a database, records, refresh tokens, approvals, runtime custom fields and the ID counter are
    restored on start; a reset empties the file."""
    database = str(tmp_path / "org.sqlite3")
    with running_emulator(database=database) as first:
        first.admin.define_field("Contact", {"name": "Tier__c", "type": "string", "length": 10})
        token = first.obtain_token()
        api = Api(first, token)
        kept = api.create("Contact", LastName="Kept", Tier__c="gold", Email="kept@example.com")
        rolled_back = api.post(
            "composite/sobjects",
            {
                "allOrNone": True,
                "records": [
                    {"attributes": {"type": "Contact"}, "LastName": "Gone"},
                    {"attributes": {"type": "Contact"}, "FirstName": "Invalid"},
                ],
            },
        )
        assert rolled_back.json()[0]["success"] is False

    with running_emulator(database=database) as second:
        refreshed = second.session().post(
            f"{second.base_url}/services/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
                "client_id": second.consumer_key,
                "client_secret": second.consumer_secret,
            },
        )
        assert refreshed.status_code == 200
        api = Api(second, refreshed.json())
        assert api.get(f"sobjects/Contact/{kept}").json()["Tier__c"] == "gold"
        assert api.query("SELECT LastName FROM Contact")["records"] == [
            {
                "attributes": {"type": "Contact", "url": f"/services/data/v62.0/sobjects/Contact/{kept}"},
                "LastName": "Kept",
            }
        ]
        assert api.create("Contact", LastName="New") != kept
        assert api.patch("sobjects/Contact/Email/KEPT@example.com", {"Title": "Back"}).json()["id"] == kept
        second.reset()

    with running_emulator(database=database) as third:
        assert third.admin.counts().get("Contact", 0) == 0
