"""Each Salesforce error code becomes its typed error and a sentence an admin can act on.

The payloads are Salesforce's own error bodies; the end-to-end tests check that the
emulator's answers arrive as the same types.
"""

from datetime import UTC, datetime, timedelta

import pytest

from plugins.salesforce_common.errors import (
    ApiDisabledForOrg,
    ApiDisabledForUser,
    ApiError,
    ApiLimitExceeded,
    DuplicatesDetected,
    DuplicateValue,
    EntityIsDeleted,
    ErrorContext,
    FieldNotWritable,
    InsufficientAccess,
    InvalidEmailAddress,
    InvalidField,
    InvalidObject,
    MalformedId,
    MultipleMatches,
    RecordNotFound,
    RequiredFieldMissing,
    RestrictedPicklistValue,
    StringTooLong,
    TransientError,
    ValidationRuleFailed,
    error_from_payload,
)
from plugins.salesforce_common.limits import ApiUsage

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LEAD = ErrorContext("Lead", "affiliate")
CONTACT = ErrorContext("Contact", "user")


def error_for(payload: dict, context: ErrorContext = LEAD, status: int = 400):
    return error_from_payload(payload, context=context, status=status, now=NOW)


@pytest.mark.parametrize(
    ("payload", "context", "kind", "sentence"),
    [
        (
            {
                "errorCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Company]",
                "fields": ["Company"],
            },
            LEAD,
            RequiredFieldMissing,
            "Salesforce requires Company on Lead; map an affiliate field to it or set a default.",
        ),
        (
            {"errorCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName, Company]"},
            LEAD,
            RequiredFieldMissing,
            "Salesforce requires LastName and Company on Lead; map affiliate fields to them or set defaults.",
        ),
        (
            {"errorCode": "INVALID_FIELD", "message": "No such column 'Shoe_Size__c' on sobject of type Contact"},
            CONTACT,
            InvalidField,
            "Contact has no field Shoe_Size__c that the connected user can see; correct the field mapping, or "
            "refresh the Salesforce fields if it was just added.",
        ),
        (
            {
                "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                "message": "Unable to create/update fields: Name. Please check the security settings of this field.",
                "fields": ["Name"],
            },
            LEAD,
            FieldNotWritable,
            "Salesforce does not let the connected user set Name on Lead (read-only, or hidden by field-level "
            "security); remove it from the mapping or grant edit access in Salesforce.",
        ),
        (
            {
                "errorCode": "STRING_TOO_LONG",
                "message": "Last Name: data value too large: xxx (max length=80)",
                "fields": ["LastName"],
            },
            CONTACT,
            StringTooLong,
            "The user's value for LastName is longer than Contact allows (80 characters); shorten it or map a "
            "different field.",
        ),
        (
            {
                "errorCode": "INVALID_EMAIL_ADDRESS",
                "message": "Email: invalid email address: not an email",
                "fields": ["Email"],
            },
            CONTACT,
            InvalidEmailAddress,
            "Salesforce rejected the user's email address for Email on Contact as invalid; correct it on the site.",
        ),
        (
            {
                "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "message": "Lead Source: bad value for restricted picklist field: Carrier Pigeon",
                "fields": ["LeadSource"],
            },
            LEAD,
            RestrictedPicklistValue,
            "'Carrier Pigeon' is not an allowed value of LeadSource on Lead (a restricted picklist); add it to the "
            "picklist in Salesforce or map the affiliate to an allowed value.",
        ),
        (
            {"errorCode": "MALFORMED_ID", "message": "Lead ID: id value of incorrect type: 00Qnope", "fields": ["Id"]},
            LEAD,
            MalformedId,
            "Salesforce rejected an id sent for this affiliate as not a valid Lead id: Lead ID: id value of "
            "incorrect type: 00Qnope",
        ),
        (
            {"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"},
            CONTACT,
            RecordNotFound,
            "Salesforce found no Contact for this user; it may have been deleted or merged (The requested resource "
            "does not exist).",
        ),
        (
            {"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []},
            CONTACT,
            EntityIsDeleted,
            "The Contact linked to this user is in the Salesforce Recycle Bin; restore it there, or unlink the user "
            "so that a new Contact is created.",
        ),
        (
            {
                "errorCode": "DUPLICATE_VALUE",
                "message": (
                    "duplicate value found: Site_User_Id__c duplicates value on record with id: 003000000000001AAA"
                ),
                "fields": ["Site_User_Id__c"],
            },
            CONTACT,
            DuplicateValue,
            "Another Contact already has this user's value in a unique field (Site_User_Id__c): duplicate value "
            "found: Site_User_Id__c duplicates value on record with id: 003000000000001AAA",
        ),
        (
            {
                "errorCode": "DUPLICATES_DETECTED",
                "message": "Use one of these records?",
                "duplicateResult": {
                    "matchResults": [{"matchRecords": [{"record": {"attributes": {}, "Id": "003aj000002oTldAAE"}}]}]
                },
            },
            CONTACT,
            DuplicatesDetected,
            "A Salesforce duplicate rule blocked saving this user as a Contact (it matches 003aj000002oTldAAE); "
            "merge the records in Salesforce or change the rule.",
        ),
        (
            {"errorCode": "API_DISABLED_FOR_ORG", "message": "The REST API is not enabled for this Organization."},
            LEAD,
            ApiDisabledForOrg,
            "This Salesforce org's edition has no API access, so nothing can be synced; it needs an edition that "
            "includes the API (Enterprise, Unlimited, Performance or Developer) or the API add-on.",
        ),
        (
            {"errorCode": "API_CURRENTLY_DISABLED", "message": "API is disabled for this User"},
            LEAD,
            ApiDisabledForUser,
            "The connected Salesforce user lacks the API Enabled permission; grant it in Salesforce or reconnect "
            "as a user who has it.",
        ),
        (
            {"errorCode": "INSUFFICIENT_ACCESS_OR_READONLY", "message": "insufficient access rights on object id"},
            LEAD,
            InsufficientAccess,
            "The connected Salesforce user lacks permission for this Lead (insufficient access rights on object id); "
            "grant it in Salesforce or reconnect as a user who has it.",
        ),
        (
            {"errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "Phone must have 10 digits", "fields": []},
            LEAD,
            ValidationRuleFailed,
            "A Salesforce validation rule on Lead rejected this affiliate: Phone must have 10 digits",
        ),
        (
            {"errorCode": "INVALID_TYPE", "message": "sObject type 'Affiliate__c' is not supported."},
            ErrorContext("Affiliate__c", "affiliate"),
            InvalidObject,
            "Salesforce has no object Affiliate__c that the connected user can see; choose another object or check "
            "the user's permissions.",
        ),
    ],
)
def test_salesforce_error_codes_become_typed_errors_with_admin_sentences(payload, context, kind, sentence) -> None:
    error = error_for(payload, context)
    assert type(error) is kind
    assert str(error) == sentence
    assert error.error_code == payload["errorCode"]


def test_per_record_results_use_status_code_and_become_the_same_types() -> None:
    error = error_for(
        {
            "statusCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [LastName]",
            "fields": ["LastName"],
        },
        CONTACT,
    )
    assert isinstance(error, RequiredFieldMissing)
    assert str(error) == "Salesforce requires LastName on Contact; map a user field to it or set a default."


def test_an_unknown_code_still_says_what_salesforce_said() -> None:
    error = error_for({"errorCode": "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "message": "Trigger failed"})
    assert type(error) is ApiError
    assert (
        str(error)
        == "Salesforce rejected the affiliate as a Lead: Trigger failed (CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY)."
    )


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"errorCode": "SERVER_UNAVAILABLE", "message": "Server too busy"}, 503),
        ({"errorCode": "UNABLE_TO_LOCK_ROW", "message": "unable to obtain exclusive access to this record"}, 400),
        ({"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred"}, 500),
    ],
)
def test_passing_faults_are_transient(payload: dict, status: int) -> None:
    error = error_for(payload, status=status)
    assert isinstance(error, TransientError)
    assert payload["message"] in str(error)


def test_the_daily_limit_gives_a_resume_time_and_the_usage_seen() -> None:
    usage = ApiUsage(15000, 15000, NOW)
    error = error_from_payload(
        {"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."},
        context=LEAD,
        status=403,
        now=NOW,
        usage=usage,
    )
    assert isinstance(error, ApiLimitExceeded)
    assert error.resume_at == NOW + timedelta(hours=1)
    assert str(error) == (
        "Salesforce's API limit is used up (API usage today: 15,000 / 15,000): TotalRequests Limit exceeded. "
        "Syncing waits until 2024-05-01 13:00 UTC."
    )


def test_several_matches_list_every_matching_record_and_the_key() -> None:
    error = MultipleMatches.from_record_urls(
        [
            "/services/data/v62.0/sobjects/Contact/003000000000001AAA",
            "/services/data/v62.0/sobjects/Contact/003000000000002AAA",
        ],
        match_field="Email",
        context=CONTACT,
    )
    assert error.matching_ids == ("003000000000001AAA", "003000000000002AAA")
    assert str(error) == (
        "2 Contact records match this user's Email (003000000000001AAA and 003000000000002AAA); nothing was "
        "changed. Merge them in Salesforce or match on a unique field."
    )


def test_errors_built_from_known_facts_read_like_salesforces() -> None:
    error = StringTooLong(max_length=80, fields=["LastName"], context=CONTACT)
    assert str(error) == str(
        error_for(
            {
                "errorCode": "STRING_TOO_LONG",
                "message": "Last Name: data value too large: x (max length=80)",
                "fields": ["LastName"],
            },
            CONTACT,
        )
    )


def test_a_collections_duplicate_external_id_lists_the_matching_records() -> None:
    error = error_from_payload(
        {
            "statusCode": "DUPLICATE_EXTERNAL_ID",
            "message": "Email: more than one record found for external id field: [00Q000000000001AAA, 00Q000000000002AAA]",
            "fields": [],
        },
        context=LEAD,
        status=None,
        now=NOW,
    )
    assert isinstance(error, MultipleMatches)
    assert error.matching_ids == ("00Q000000000001AAA", "00Q000000000002AAA")
    assert str(error) == (
        "2 Lead records match this affiliate's Email (00Q000000000001AAA and 00Q000000000002AAA); nothing was "
        "changed. Merge them in Salesforce or match on a unique field."
    )


def test_a_converted_lead_is_reported_not_recreated() -> None:
    from plugins.salesforce_common.errors import ConvertedLead

    error = error_from_payload(
        {"statusCode": "CANNOT_UPDATE_CONVERTED_LEAD", "message": "cannot reference converted lead", "fields": []},
        context=LEAD,
        status=None,
        now=NOW,
    )
    assert isinstance(error, ConvertedLead)
    assert "was converted in Salesforce, so it can no longer be updated" in str(error)
