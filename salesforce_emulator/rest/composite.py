"""sObject Collections (up to 200 records) and Composite (up to 25 subrequests with references)."""

import json
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from werkzeug.datastructures import Headers

from ..dml import MultipleMatches
from ..errors import ApiError, FieldError
from ..ids import normalize_id
from ..schema import SObjectType
from .router import RestRequest, RestResponse, router
from .sobjects import allow_save, record_json, selected_fields, sobject_type

if TYPE_CHECKING:
    from ..state import Org

MAX_RECORDS = 200
MAX_RETRIEVE = 2000
MAX_SUBREQUESTS = 25
MAX_QUERIES_AND_COLLECTIONS = 5
ROLLED_BACK = FieldError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
    [],
)
HALTED = {
    "errorCode": "PROCESSING_HALTED",
    "message": "The transaction was rolled back since another operation in the same transaction failed.",
}
REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)\.([^}]+)\}")
REFERENCE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _too_many() -> ApiError:
    return ApiError.of(
        400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
    )


def _records(request: RestRequest) -> tuple[list[Any], bool]:
    body = request.body
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError.of(400, "JSON_PARSER_ERROR", "The request body must contain a records array")
    if len(body["records"]) > MAX_RECORDS:
        raise _too_many()
    return body["records"], bool(body.get("allOrNone", False))


def _run_all(
    org: "Org", operations: list[tuple[str | None, Callable[[], dict[str, Any]]]], all_or_none: bool
) -> RestResponse:
    """Run each record operation; with allOrNone, any failure rolls back every record."""
    results: list[dict[str, Any]] = []
    with org.store.transaction() as savepoint:
        for record_id, operation in operations:
            try:
                results.append({**operation(), "success": True, "errors": []})
            except ApiError as error:
                failed: dict[str, Any] = {"success": False, "errors": [e.collection() for e in error.errors]}
                results.append({"id": record_id, **failed} if record_id else failed)
        if all_or_none and any(not r["success"] for r in results):
            savepoint.rollback()
            results = [
                r if not r["success"] else {"id": r.get("id"), "success": False, "errors": [ROLLED_BACK.collection()]}
                for r in results
            ]
    return RestResponse(200, results)


def _type_of(record: Any) -> str:
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("attributes"), dict)
        or not record["attributes"].get("type")
    ):
        raise ApiError.of(400, "INVALID_TYPE", "Must send a concrete entity type.")
    return record["attributes"]["type"]


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "attributes"}


@router.route("POST", "composite/sobjects")
def collection_create(org: "Org", request: RestRequest) -> RestResponse:
    records, all_or_none = _records(request)

    def create(record: Any) -> dict[str, Any]:
        sobject = sobject_type(org, _type_of(record))
        if any(k.lower() == "id" for k in record):
            raise ApiError.of(400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
        return {"id": org.dml.create(sobject, _fields(record), request.user_id, allow_save(request))}

    return _run_all(org, [(None, partial(create, r)) for r in records], all_or_none)


@router.route("PATCH", "composite/sobjects")
def collection_update(org: "Org", request: RestRequest) -> RestResponse:
    records, all_or_none = _records(request)

    def update(record: Any) -> dict[str, Any]:
        sobject = sobject_type(org, _type_of(record))
        fields = _fields(record)
        record_id = next((str(v) for k, v in fields.items() if k.lower() == "id"), None)
        if not record_id:
            raise ApiError.of(400, "MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        fields = {k: v for k, v in fields.items() if k.lower() != "id"}
        return {"id": org.dml.update(sobject, record_id, fields, request.user_id, allow_save(request))}

    operations: list[tuple[str | None, Callable[[], dict[str, Any]]]] = [
        (r.get("id") or r.get("Id") if isinstance(r, dict) else None, partial(update, r)) for r in records
    ]
    return _run_all(org, operations, all_or_none)


@router.route("PATCH", "composite/sobjects/<name>/<field_name>")
def collection_upsert(org: "Org", request: RestRequest, name: str, field_name: str) -> RestResponse:
    records, all_or_none = _records(request)
    sobject = sobject_type(org, name)
    field = org.dml.lookup_field(sobject, field_name)

    def upsert(record: Any) -> dict[str, Any]:
        if _type_of(record).lower() != sobject.name.lower():
            raise ApiError.of(400, "INVALID_TYPE", f"Record type must be {sobject.name}")
        fields = _fields(record)
        if any(k.lower() == "id" for k in fields) and field.name != "Id":
            raise ApiError.of(400, "INVALID_FIELD", "Don't use record ids in an upsert by external id", ["Id"])
        value = next((v for k, v in fields.items() if k.lower() == field.name.lower()), None)
        if value in (None, ""):
            raise ApiError.of(400, "MISSING_ARGUMENT", f"{field.name} not specified", [field.name])
        try:
            record_id, created = org.dml.upsert(
                sobject, field.name, str(value), fields, request.user_id, allow_save=allow_save(request)
            )
        except MultipleMatches as multiple:
            raise ApiError.of(
                400,
                "DUPLICATE_EXTERNAL_ID",
                f"{field.name}: more than one record found for external id field: [{', '.join(multiple.ids)}]",
                [field.name],
            ) from None
        return {"id": record_id, "created": created}

    return _run_all(org, [(None, partial(upsert, r)) for r in records], all_or_none)


@router.route("DELETE", "composite/sobjects")
def collection_delete(org: "Org", request: RestRequest) -> RestResponse:
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    if len(ids) > MAX_RECORDS:
        raise _too_many()
    all_or_none = request.args.get("allOrNone", "false").lower() == "true"

    def delete(raw_id: str) -> dict[str, Any]:
        record_id = normalize_id(raw_id)
        sobject = org.schema.by_prefix(record_id[:3]) if record_id else None
        if record_id is None or sobject is None:
            raise ApiError.of(400, "MALFORMED_ID", f"malformed id {raw_id}", [])
        if org.store.get(sobject.name, record_id) is None:
            if org.store.get(sobject.name, record_id, include_deleted=True) is not None:
                raise ApiError.of(400, "ENTITY_IS_DELETED", "entity is deleted", [])
            raise ApiError.of(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [])
        org.dml.delete(sobject, record_id, request.user_id)
        return {"id": record_id}

    return _run_all(org, [(normalize_id(i) or i, partial(delete, i)) for i in ids], all_or_none)


@router.route("GET", "composite/sobjects/<name>")
def collection_retrieve(org: "Org", request: RestRequest, name: str) -> RestResponse:
    sobject = sobject_type(org, name)
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    return _retrieve(org, request, sobject, ids, selected_fields(sobject, request.args.get("fields")))


@router.route("POST", "composite/sobjects/<name>")
def collection_retrieve_by_post(org: "Org", request: RestRequest, name: str) -> RestResponse:
    """Retrieve with the ids and fields in a JSON body, for id lists too long for a URL."""
    sobject = sobject_type(org, name)
    body = request.body if isinstance(request.body, dict) else {}
    ids, fields = body.get("ids"), body.get("fields")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError.of(400, "JSON_PARSER_ERROR", "The request body must contain an ids array of record IDs")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise ApiError.of(400, "MISSING_ARGUMENT", "fields: the fields to retrieve must be listed", ["fields"])
    return _retrieve(org, request, sobject, ids, selected_fields(sobject, ",".join(fields)))


def _retrieve(
    org: "Org", request: RestRequest, sobject: SObjectType, ids: list[str], fields: list[str] | None
) -> RestResponse:
    """Each id's record, or null where it is unknown, deleted or of another object, in the given order."""
    if len(ids) > MAX_RETRIEVE:
        raise ApiError.of(
            400,
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot retrieve more than {MAX_RETRIEVE} records in this call",
        )
    results: list[Any] = []
    for raw_id in ids:
        record_id = normalize_id(raw_id)
        record = org.store.get(sobject.name, record_id) if record_id and record_id[:3] == sobject.key_prefix else None
        results.append(record_json(sobject, record, request.version, fields) if record else None)
    return RestResponse(200, results)


def _lookup(results: dict[str, Any], reference: str, path: str) -> Any:
    """Follow ``id`` or ``records[0].Id`` into a previous subrequest's response body."""
    current = results[reference]
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            current = current[int(part[1:-1])]
        else:
            current = current[part]
    return current


def _substitute(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return _lookup(results, whole.group(1), whole.group(2))
        return REFERENCE.sub(lambda m: str(_lookup(results, m.group(1), m.group(2))), value)
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    return value


def _subrequest(org: "Org", request: RestRequest, sub: dict[str, Any], results: dict[str, Any]) -> RestResponse:
    try:
        url = _substitute(sub.get("url", ""), results)
        body = _substitute(sub.get("body"), results)
    except (KeyError, IndexError, TypeError):
        references = ", ".join(sorted({m[0] for m in REFERENCE.findall(json.dumps([sub.get("url"), sub.get("body")]))}))
        return RestResponse(
            400,
            [
                {
                    "errorCode": "PROCESSING_HALTED",
                    "message": "Invalid reference specified. No "
                    f"value for {references} found. Provided referenceId doesn't exist or the "
                    "referenced subrequest failed.",
                }
            ],
        )
    parts = urlsplit(url)
    found = re.match(r"^/services/data/v(\d+\.\d)/(.*)$", parts.path)
    if not found:
        return RestResponse(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
    headers = Headers(request.headers)
    for name, value in (sub.get("httpHeaders") or {}).items():
        headers[name] = value
    inner = RestRequest(
        str(sub.get("method", "GET")).upper(),
        unquote(found.group(2)).rstrip("/"),
        found.group(1),
        dict(parse_qsl(parts.query)),
        body,
        headers,
        request.user_id,
        request.base_url,
    )
    response, _ = router.dispatch(org, inner)
    return response


@router.route("POST", "composite")
def composite(org: "Org", request: RestRequest) -> RestResponse:
    """One API call for up to 25 subrequests; allOrNone failures halt the others with PROCESSING_HALTED."""
    body = request.body
    if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
        raise ApiError.of(400, "JSON_PARSER_ERROR", "The request body must contain a compositeRequest array")
    subrequests = body["compositeRequest"]
    if len(subrequests) > MAX_SUBREQUESTS:
        raise ApiError.of(
            400,
            "LIMIT_EXCEEDED",
            f"Limit Exceeded: a composite request can contain at most {MAX_SUBREQUESTS} subrequests",
        )
    heavy = [
        s for s in subrequests if re.search(r"/v\d+\.\d/(query|queryAll|composite/sobjects)\b", str(s.get("url", "")))
    ]
    if len(heavy) > MAX_QUERIES_AND_COLLECTIONS:
        raise ApiError.of(
            400,
            "LIMIT_EXCEEDED",
            f"Limit Exceeded: a composite request can contain at most "
            f"{MAX_QUERIES_AND_COLLECTIONS} query or sObject Collections subrequests",
        )
    for sub in subrequests:
        reference = sub.get("referenceId") if isinstance(sub, dict) else None
        if not isinstance(reference, str) or not REFERENCE_ID.fullmatch(reference):
            raise ApiError.of(
                400,
                "JSON_PARSER_ERROR",
                f"Invalid referenceId: {reference}. A referenceId must begin with a letter and contain only "
                "letters, digits and underscores.",
            )
        if any(h.lower() in ("accept", "authorization", "content-type") for h in (sub.get("httpHeaders") or {})):
            raise ApiError.of(
                400,
                "INVALID_API_INPUT",
                "Composite subrequests can't set the Accept, Authorization or Content-Type header",
            )
    all_or_none = bool(body.get("allOrNone", False))
    responses: list[dict[str, Any]] = []
    results: dict[str, Any] = {}
    with org.store.transaction() as savepoint:
        for index, sub in enumerate(subrequests):
            response = _subrequest(org, request, sub, results)
            reference = sub.get("referenceId", "")
            responses.append(
                {
                    "body": response.body,
                    "httpHeaders": response.headers,
                    "httpStatusCode": response.status,
                    "referenceId": reference,
                }
            )
            if response.status < 300:
                results[reference] = response.body
            elif all_or_none:
                savepoint.rollback()
                halted = {"body": [HALTED], "httpHeaders": {}, "httpStatusCode": 400}
                responses = [
                    r if i == index else {**halted, "referenceId": r["referenceId"]} for i, r in enumerate(responses)
                ]
                responses += [{**halted, "referenceId": s.get("referenceId", "")} for s in subrequests[index + 1 :]]
                break
    return RestResponse(200, {"compositeResponse": responses})
