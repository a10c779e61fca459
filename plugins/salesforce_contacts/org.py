"""What the settings tabs show of the org: objects, the chosen object's fields, topics.

Read from the describe and topic caches (Salesforce is called only when a cache is
empty, or when the admin asks for a refresh), so the page is quick and works while
Salesforce is down.
"""

from dataclasses import dataclass, field

from plugins.salesforce_common import (
    Describer,
    FieldInfo,
    ObjectDescription,
    ObjectSummary,
    SalesforceClient,
    SalesforceConfig,
    SalesforceError,
)
from plugins.salesforce_common.describe import PICKLIST_TYPES
from plugins.salesforce_common.org_choices import usable_objects
from plugins.salesforce_common.topics import Topic, list_topics


@dataclass
class OrgView:
    objects: list[ObjectSummary] = field(default_factory=list)
    description: ObjectDescription | None = None
    #: The API versions the org serves, oldest first.
    versions: list[str] = field(default_factory=list)
    problem: str | None = None

    def writable_fields(self) -> list[FieldInfo]:
        """Fields a mapping can fill, required ones first."""
        if self.description is None:
            return []
        fields = [info for info in self.description.fields if info.createable or info.updateable]
        return sorted(fields, key=lambda info: (not info.required, info.label.casefold()))

    def match_fields(self) -> list[FieldInfo]:
        return [info for info in self.writable_fields() if info.external_id or info.name == "Email"]

    def checkbox_fields(self) -> list[FieldInfo]:
        """The fields an opt-out can be kept in."""
        return [info for info in self.writable_fields() if info.type == "boolean"]

    def picklist_fields(self) -> list[FieldInfo]:
        return [info for info in self.writable_fields() if info.type in PICKLIST_TYPES]


def read_org(config: SalesforceConfig, object_type: str) -> OrgView:
    """The org's objects and ``object_type``'s fields, from the caches where possible."""
    view = OrgView()
    try:
        with SalesforceClient(config) as client:
            describer = Describer(client)
            view.objects = usable_objects(describer)
            view.versions = describer.versions()
            view.description = describer.describe(object_type)
    except SalesforceError as error:
        view.problem = str(error)
    return view


def refresh_org(config: SalesforceConfig, object_type: str) -> list[Topic]:
    """Reload objects and the object's describe into their cache; return the org's topics.

    :raises SalesforceError: Salesforce could not be read.
    """
    with SalesforceClient(config) as client:
        describer = Describer(client)
        describer.objects(refresh=True)
        describer.describe(object_type, refresh=True)
        return list_topics(client)
