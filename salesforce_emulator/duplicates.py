"""Duplicate rules: a configurable stand-in for Salesforce's matching and duplicate rules.

A rule names an object, the fields that must all match (case-insensitively) and an
action. ``block`` always rejects; ``alert`` rejects unless the request carries
``Sforce-Duplicate-Rule-Header: allowSave=true``, as Salesforce does.
"""

from typing import Any

from .errors import ApiError, FieldError
from .schema import SObjectType
from .store import Record, Store


class DuplicateRules:
    def __init__(self, store: Store, rules: list[dict[str, Any]]) -> None:
        self.store = store
        self.rules = list(rules)

    def check(self, sobject: SObjectType, record: Record, allow_save: bool) -> None:
        for rule in self.rules:
            if rule["object"].lower() != sobject.name.lower():
                continue
            fields = rule.get("fields", ["Email"])
            key = [str(record.get(f) or "").lower() for f in fields]
            if not all(key):
                continue
            matches = [
                r
                for r in self.store.records(sobject.name)
                if r["Id"] != record["Id"] and [str(r.get(f) or "").lower() for f in fields] == key
            ]
            blocking = rule.get("action", "alert") == "block"
            if matches and (blocking or not allow_save):
                raise ApiError(400, [_error(sobject, rule, matches, not blocking)])


def _error(sobject: SObjectType, rule: dict[str, Any], matches: list[Record], allow_save: bool) -> FieldError:
    message = rule.get("message", "Use one of these records?")
    match_records = [
        {
            "additionalInformation": [],
            "fieldDiffs": [],
            "matchConfidence": 100.0,
            "record": {
                "attributes": {"type": sobject.name, "url": f"/services/data/v62.0/sobjects/{sobject.name}/{r['Id']}"},
                "Id": r["Id"],
            },
        }
        for r in matches
    ]
    result = {
        "allowSave": allow_save,
        "duplicateRule": rule.get("name", f"Standard_{sobject.name}_Duplicate_Rule"),
        "duplicateRuleEntityType": sobject.name,
        "errorMessage": message,
        "matchResults": [
            {
                "entityType": sobject.name,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": match_records,
                "rule": rule.get("matchRule", f"Standard_{sobject.name}_Match_Rule_v1_1"),
                "size": len(match_records),
                "success": True,
            }
        ],
    }
    return FieldError("DUPLICATES_DETECTED", message, None, {"duplicateResult": result})
