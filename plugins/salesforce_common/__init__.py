"""The Salesforce client both Salesforce plugins are built on.

OAuth (authorize, callback, encrypted tokens, serialized refresh), a thin REST
client with typed errors and API usage, describe with validation, sObject
Collections and Composite. See README.md in this folder for how a plugin uses it.
"""

from plugins.salesforce_common.authorization import (
    complete_authorization,
    connection_status,
    start_authorization,
)
from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.composite import CompositeRequest, Reference, SubResponse
from plugins.salesforce_common.config import (
    DEFAULT_API_VERSION,
    PRODUCTION_LOGIN_URL,
    SANDBOX_LOGIN_URL,
    SalesforceConfig,
)
from plugins.salesforce_common.connection_views import ConnectionViews, connection_blueprint
from plugins.salesforce_common.describe import Describer, FieldInfo, ObjectDescription, ObjectSummary
from plugins.salesforce_common.errors import (
    ApiDisabledForOrg,
    ApiDisabledForUser,
    ApiError,
    ApiLimitExceeded,
    AuthorizationDenied,
    AuthorizationError,
    AuthorizationStateError,
    ConfigurationError,
    ConvertedLead,
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
    NotConnected,
    ReauthorizationRequired,
    RecordNotFound,
    RequiredFieldMissing,
    RestrictedPicklistValue,
    SalesforceError,
    StringTooLong,
    TransientError,
    ValidationRuleFailed,
)
from plugins.salesforce_common.limits import ApiUsage
from plugins.salesforce_common.refused_fields import cached_description, describe_again, refused_fields, refuses_a_field
from plugins.salesforce_common.sobject_collections import (
    RecordResult,
    create_records,
    delete_records,
    update_records,
    upsert_records,
)
from plugins.salesforce_common.soql import quote
from plugins.salesforce_common.status import ConnectionState, ConnectionStatus, Identity
from plugins.salesforce_common.validation import Operation, validate_values

__all__ = [
    "DEFAULT_API_VERSION",
    "PRODUCTION_LOGIN_URL",
    "SANDBOX_LOGIN_URL",
    "ApiDisabledForOrg",
    "ApiDisabledForUser",
    "ApiError",
    "ApiLimitExceeded",
    "ApiUsage",
    "AuthorizationDenied",
    "AuthorizationError",
    "AuthorizationStateError",
    "CompositeRequest",
    "ConfigurationError",
    "ConnectionState",
    "ConnectionViews",
    "ConvertedLead",
    "ConnectionStatus",
    "Describer",
    "DuplicateValue",
    "DuplicatesDetected",
    "EntityIsDeleted",
    "ErrorContext",
    "FieldInfo",
    "FieldNotWritable",
    "Identity",
    "InsufficientAccess",
    "InvalidEmailAddress",
    "InvalidField",
    "InvalidObject",
    "MalformedId",
    "MultipleMatches",
    "NotConnected",
    "ObjectDescription",
    "ObjectSummary",
    "Operation",
    "ReauthorizationRequired",
    "RecordNotFound",
    "RecordResult",
    "Reference",
    "RequiredFieldMissing",
    "RestrictedPicklistValue",
    "SalesforceClient",
    "SalesforceConfig",
    "SalesforceError",
    "StringTooLong",
    "SubResponse",
    "TransientError",
    "ValidationRuleFailed",
    "complete_authorization",
    "connection_blueprint",
    "connection_status",
    "cached_description",
    "create_records",
    "delete_records",
    "describe_again",
    "quote",
    "refused_fields",
    "refuses_a_field",
    "start_authorization",
    "update_records",
    "upsert_records",
    "validate_values",
]
