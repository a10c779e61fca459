"""The Organization sObject: the org's one record, readable and never writable through the API."""

from emulator_rest_client import Api

from salesforce_emulator.testing import EmulatorHandle, running_emulator


def test_soql_reads_the_org_by_its_configured_name(api: Api, emulator: EmulatorHandle) -> None:
    result = api.query("SELECT Id, Name, OrganizationType, IsSandbox, InstanceName FROM Organization")
    assert result["totalSize"] == 1
    record = result["records"][0]
    assert record["Id"] == emulator.config.org_id
    assert record["Name"] == emulator.config.org_name == "Emulated Org"
    assert record["OrganizationType"] == "Developer Edition"
    assert record["IsSandbox"] is False
    assert record["InstanceName"]
    assert record["attributes"]["type"] == "Organization"


def test_the_org_is_retrieved_by_its_id(api: Api, emulator: EmulatorHandle) -> None:
    response = api.get(f"sobjects/Organization/{emulator.config.org_id}", params={"fields": "Name"})
    assert response.status_code == 200, response.text
    assert response.json()["Name"] == "Emulated Org"


def test_describe_says_it_can_only_be_read(api: Api) -> None:
    describe = api.get("sobjects/Organization/describe").json()
    assert describe["keyPrefix"] == "00D"
    assert (describe["createable"], describe["updateable"], describe["deletable"]) == (False, False, False)
    assert describe["queryable"] is True
    fields = {f["name"]: f for f in describe["fields"]}
    assert {"Id", "Name", "OrganizationType", "IsSandbox", "InstanceName"} <= set(fields)
    assert "IsDeleted" not in fields and "OwnerId" not in fields
    assert not any(f["createable"] or f["updateable"] for f in fields.values())
    listed = {o["name"]: o for o in api.get("sobjects").json()["sobjects"]}
    assert listed["Organization"]["createable"] is False


def test_inserting_an_org_is_refused(api: Api) -> None:
    response = api.post("sobjects/Organization", {"Name": "Another Org"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
    assert api.query("SELECT COUNT() FROM Organization")["totalSize"] == 1


def test_renaming_the_org_is_refused_and_changes_nothing(api: Api, emulator: EmulatorHandle) -> None:
    response = api.patch(f"sobjects/Organization/{emulator.config.org_id}", {"Name": "Renamed"})
    assert response.status_code == 400
    assert response.json() == [
        {"message": "insufficient access rights on object id", "errorCode": "INSUFFICIENT_ACCESS_OR_READONLY"}
    ]
    assert api.query("SELECT Name FROM Organization")["records"][0]["Name"] == "Emulated Org"


def test_deleting_the_org_is_refused(api: Api, emulator: EmulatorHandle) -> None:
    response = api.delete(f"sobjects/Organization/{emulator.config.org_id}")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
    assert api.query("SELECT COUNT() FROM Organization")["totalSize"] == 1


def test_a_configured_org_name_and_id_are_the_records() -> None:
    with running_emulator(org_name="Acme Corp", org_id="00D5e000000KQ2eEAG") as org:
        api = Api(org, org.obtain_token())
        records = api.query("SELECT Id, Name FROM Organization")["records"]
        assert [(r["Id"], r["Name"]) for r in records] == [("00D5e000000KQ2eEAG", "Acme Corp")]
