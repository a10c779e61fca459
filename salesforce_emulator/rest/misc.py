"""Version resources and /limits."""

from typing import TYPE_CHECKING

from .router import RestRequest, RestResponse, router

if TYPE_CHECKING:
    from ..state import Org

RESOURCES = [
    "tooling",
    "metadata",
    "eclair",
    "folders",
    "prechatForms",
    "chatter",
    "tabs",
    "appMenu",
    "quickActions",
    "queryAll",
    "commerce",
    "wave",
    "analytics",
    "search",
    "identity",
    "composite",
    "parameterizedSearch",
    "theme",
    "nouns",
    "recent",
    "licensing",
    "limits",
    "process",
    "async-queries",
    "query",
    "match",
    "puredata",
    "jobs",
    "sobjects",
    "actions",
    "support",
]


@router.route("GET", "")
def resources(org: "Org", request: RestRequest) -> RestResponse:
    base = f"/services/data/v{request.version}"
    body = {name: f"{base}/{name}" for name in RESOURCES}
    body["identity"] = f"{request.base_url}/id/{org.config.org_id}/{request.user_id}"
    return RestResponse(200, body)


@router.route("GET", "limits")
def limits(org: "Org", request: RestRequest) -> RestResponse:
    usage = org.usage
    fixed = {
        "DailyBulkApiBatches": 15000,
        "DailyBulkV2QueryJobs": 10000,
        "DailyBulkV2QueryFileStorageMB": 976562,
        "DailyAsyncApexExecutions": 250000,
        "DataStorageMB": 5,
        "FileStorageMB": 20,
        "SingleEmail": 15,
        "HourlyPublishedPlatformEvents": 50000,
        "ConcurrentAsyncGetReportInstances": 200,
    }
    body = {"DailyApiRequests": {"Max": usage.limit, "Remaining": max(0, usage.limit - usage.used)}}
    body.update({name: {"Max": value, "Remaining": value} for name, value in fixed.items()})
    return RestResponse(200, body)
