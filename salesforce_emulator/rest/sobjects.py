"""sObject resources: describeGlobal, describe, create, read, update, delete, upsert."""

from typing import TYPE_CHECKING, Any

from ..dml import MultipleMatches
from ..errors import ApiError, not_found
from ..schema import SObjectType
from ..store import Record
from .router import RestRequest, RestResponse, router

if TYPE_CHECKING:
    from ..state import Org


def sobject_type(org: "Org", name: str) -> SObjectType:
    sobject = org.schema.get(name)
    if sobject is None:
        raise not_found()
    return sobject


def allow_save(request: RestRequest) -> bool:
    """Sforce-Duplicate-Rule-Header: ``allowSave=true`` lets an alerting duplicate rule save anyway."""
    header = request.headers.get("Sforce-Duplicate-Rule-Header", "")
    options = dict(part.strip().split("=", 1) for part in header.split(";") if "=" in part)
    return options.get("allowSave", "false").strip().lower() == "true"


def record_json(sobject: SObjectType, record: Record, version: str, fields: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "attributes": {"type": sobject.name, "url": f"/services/data/v{version}/sobjects/{sobject.name}/{record['Id']}"}
    }
    names = fields if fields is not None else [f.name for f in sobject.fields.values()]
    for name in names:
        body[name] = record.get(name)
    return body


def selected_fields(sobject: SObjectType, wanted: str | None) -> list[str] | None:
    """The canonical names of a comma-separated ``fields`` list, or None (every field) when absent."""
    if not wanted:
        return None
    names = []
    for name in (n.strip() for n in wanted.split(",") if n.strip()):
        field = sobject.field(name)
        if field is None:
            raise ApiError.of(
                400,
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{sobject.name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after the custom field "
                "name. Please reference your WSDL or the describe call for the appropriate names.",
            )
        names.append(field.name)
    return names


def record_url(request: RestRequest, sobject: SObjectType, record_id: str) -> str:
    return f"/services/data/v{request.version}/sobjects/{sobject.name}/{record_id}"


@router.route("GET", "sobjects")
def describe_global(org: "Org", request: RestRequest) -> RestResponse:
    return RestResponse(
        200,
        {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [s.summary(request.version) for s in org.schema.objects.values()],
        },
    )


@router.route("GET", "sobjects/<name>")
def basic_info(org: "Org", request: RestRequest, name: str) -> RestResponse:
    sobject = sobject_type(org, name)
    return RestResponse(200, {"objectDescribe": sobject.summary(request.version), "recentItems": []})


@router.route("GET", "sobjects/<name>/describe")
def describe(org: "Org", request: RestRequest, name: str) -> RestResponse:
    sobject = sobject_type(org, name)
    return RestResponse(200, sobject.describe(request.version, org.schema.child_relationships(sobject)))


@router.route("POST", "sobjects/<name>")
def create(org: "Org", request: RestRequest, name: str) -> RestResponse:
    sobject = sobject_type(org, name)
    record_id = org.dml.create(sobject, request.body, request.user_id, allow_save(request))
    return RestResponse(
        201, {"id": record_id, "success": True, "errors": []}, {"Location": record_url(request, sobject, record_id)}
    )


@router.route("GET", "sobjects/<name>/<record_id>")
def read(org: "Org", request: RestRequest, name: str, record_id: str) -> RestResponse:
    sobject = sobject_type(org, name)
    fields = selected_fields(sobject, request.args.get("fields"))
    return RestResponse(200, record_json(sobject, org.dml.get(sobject, record_id), request.version, fields))


@router.route("PATCH", "sobjects/<name>/<record_id>")
def update(org: "Org", request: RestRequest, name: str, record_id: str) -> RestResponse:
    sobject = sobject_type(org, name)
    org.dml.update(sobject, record_id, request.body, request.user_id, allow_save(request))
    return RestResponse(204)


@router.route("DELETE", "sobjects/<name>/<record_id>")
def delete(org: "Org", request: RestRequest, name: str, record_id: str) -> RestResponse:
    org.dml.delete(sobject_type(org, name), record_id, request.user_id)
    return RestResponse(204)


def _matches(org: "Org", request: RestRequest, sobject: SObjectType, field_name: str, value: str) -> list[Record]:
    field = org.dml.lookup_field(sobject, field_name)
    matches = org.dml.find_by(sobject, field, value)
    if len(matches) > 1:
        raise _multiple(request, sobject, [r["Id"] for r in matches])
    if not matches:
        raise not_found()
    return matches


def _multiple(request: RestRequest, sobject: SObjectType, ids: list[str]) -> ApiError:
    return ApiError(300, payload=[record_url(request, sobject, i) for i in ids])


@router.route("GET", "sobjects/<name>/<field_name>/<value>")
def read_by_external_id(org: "Org", request: RestRequest, name: str, field_name: str, value: str) -> RestResponse:
    sobject = sobject_type(org, name)
    fields = selected_fields(sobject, request.args.get("fields"))
    record = _matches(org, request, sobject, field_name, value)[0]
    return RestResponse(200, record_json(sobject, record, request.version, fields))


@router.route("DELETE", "sobjects/<name>/<field_name>/<value>")
def delete_by_external_id(org: "Org", request: RestRequest, name: str, field_name: str, value: str) -> RestResponse:
    sobject = sobject_type(org, name)
    record = _matches(org, request, sobject, field_name, value)[0]
    org.dml.delete(sobject, record["Id"], request.user_id)
    return RestResponse(204)


@router.route("PATCH", "sobjects/<name>/<field_name>/<value>")
def upsert(org: "Org", request: RestRequest, name: str, field_name: str, value: str) -> RestResponse:
    """201 when created; when updated, 200 with a body from v46.0 and 204 without one before."""
    sobject = sobject_type(org, name)
    update_only = request.args.get("updateOnly", "false").lower() == "true"
    try:
        record_id, created = org.dml.upsert(
            sobject, field_name, value, request.body, request.user_id, update_only, allow_save(request)
        )
    except MultipleMatches as multiple:
        raise _multiple(request, sobject, multiple.ids) from None
    if created:
        return RestResponse(
            201,
            {"id": record_id, "success": True, "errors": [], "created": True},
            {"Location": record_url(request, sobject, record_id)},
        )
    if request.version_number < 46:
        return RestResponse(204)
    return RestResponse(200, {"id": record_id, "success": True, "errors": [], "created": False})


@router.route("POST", "sobjects/<name>/<field_name>")
def create_by_id_key(org: "Org", request: RestRequest, name: str, field_name: str) -> RestResponse:
    """``POST /sobjects/X/Id`` creates: the Id is the external key with a null value (v37.0+)."""
    sobject = sobject_type(org, name)
    if field_name.lower() != "id":
        raise ApiError.of(
            405, "METHOD_NOT_ALLOWED", "HTTP Method 'POST' not allowed. Allowed are HEAD,GET,PATCH,DELETE"
        )
    record_id = org.dml.create(sobject, request.body, request.user_id, allow_save(request))
    return RestResponse(201, {"id": record_id, "success": True, "errors": [], "created": True})
