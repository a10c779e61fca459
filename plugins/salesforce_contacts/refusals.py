"""What Salesforce refuses of the users' records, said where the admin can fix it.

A user's tag the restricted tag picklist has no value for is left out of the record,
and a mapped field Salesforce deleted or made read-only cannot be sent. Both are read
from the cached describe (no call), for the Tags and Object & fields tabs (and their
marks in the tab bar) and for the dashboard's sync health.
"""

from flask import url_for

from host.api import PluginStore, SyncWarning, all_tags
from plugins.salesforce_common import FieldInfo, cached_description, refused_fields
from plugins.salesforce_contacts.mapping import outgoing_mapping
from plugins.salesforce_contacts.segmentation import missing_values
from plugins.salesforce_contacts.settings import Options, Segmentation

#: The anchors of the tabs' sections that list them.
TAGS_ANCHOR = "tags-salesforce-lacks"
MAPPING_ANCHOR = "refused-fields"


def tag_picklist(store: PluginStore, options: Options) -> FieldInfo | None:
    """The restricted picklist the users' tags go to, if tags go to one."""
    if options.segmentation not in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST):
        return None
    description = cached_description(store, options.object_type)
    field = description.field(options.segmentation_field) if description and options.segmentation_field else None
    return field if field is not None and field.restricted_picklist else None


def tags_salesforce_lacks(store: PluginStore, options: Options) -> list[str]:
    """The site's tags the tag picklist has no value for: left out of every record that has them."""
    return missing_values((tag.name for tag in all_tags()), tag_picklist(store, options))


def refused_mapped_fields(store: PluginStore, options: Options) -> dict[str, str]:
    """The mapped fields sent to Salesforce that it no longer takes, each with why and the fix."""
    description = cached_description(store, options.object_type)
    if description is None:
        return {}
    return refused_fields(description, outgoing_mapping(store, options.object_type).sent_fields(), "user")


def sync_warnings(store: PluginStore, options: Options, tags_endpoint: str, fields_endpoint: str) -> list[SyncWarning]:
    """The dashboard's warnings: tags left out (Tags tab), and mapped fields that cannot be sent (fields tab)."""
    warnings = []
    lacking = tags_salesforce_lacks(store, options)
    picklist = tag_picklist(store, options)
    if lacking and picklist is not None:
        warnings.append(
            SyncWarning(
                f"{len(lacking)} site tag{'s' if len(lacking) != 1 else ''} ({', '.join(lacking)}) "
                f"{'have' if len(lacking) != 1 else 'has'} no value in {picklist.name}, so users' records leave "
                f"{'them' if len(lacking) != 1 else 'it'} out. Add the values in Salesforce Setup, then Refresh.",
                url_for(tags_endpoint, _anchor=TAGS_ANCHOR),
                "Open the Tags tab",
            )
        )
    mapping_url = url_for(fields_endpoint, _anchor=MAPPING_ANCHOR)
    warnings += [
        SyncWarning(sentence, mapping_url, "Open the field mapping")
        for sentence in refused_mapped_fields(store, options).values()
    ]
    return warnings
