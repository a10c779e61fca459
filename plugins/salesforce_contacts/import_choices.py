"""What an import may ask for: the org's topics, or the values of the tag picklist field.

An import of a topic or value Salesforce does not have would find nothing, so it is
refused before it starts, with the ones Salesforce does have. The admin page lists
them from the caches; a value missing from a cache is looked up afresh before it is
refused, since the cache may be older than the topic.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plugins.salesforce_common import Describer, SalesforceClient, SalesforceError
from plugins.salesforce_common.describe import PICKLIST_TYPES, FieldInfo
from plugins.salesforce_common.topics import list_topics
from plugins.salesforce_contacts.settings import Options, Segmentation, salesforce_config
from plugins.salesforce_contacts.topic_cache import TopicCache

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

BY_TOPIC = "topic"
BY_PICKLIST = "picklist"
#: How many names a refusal lists before it says how many more there are.
NAMES_LISTED = 20


class ImportRefused(Exception):
    """The import cannot start: the criteria name nothing Salesforce has."""


@dataclass(frozen=True)
class ImportChoices:
    """What the import page offers, as last read from Salesforce."""

    topics: list[str]
    #: The tag picklist field, when tags are kept in one; else None.
    picklist_field: str | None = None
    picklist_values: list[str] = field(default_factory=list)
    #: Why Salesforce could not be read, if it could not; the lists are then the cached ones.
    problem: str | None = None


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_LISTED])
    more = len(names) - NAMES_LISTED
    return f"{shown}, and {more} more" if more > 0 else shown


def _matching(names: list[str], value: str) -> str | None:
    """The name among ``names`` that ``value`` stands for: exactly, else ignoring case."""
    if value in names:
        return value
    folded = value.casefold()
    return next((name for name in names if name.casefold() == folded), None)


def _picklist_field(plugin: "SalesforceContactsPlugin") -> str | None:
    options = Options.of(plugin.settings)
    if options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST) and options.segmentation_field:
        return options.segmentation_field
    return None


def _picklist_info(client: SalesforceClient, options: Options, *, refresh: bool = False) -> FieldInfo:
    info = Describer(client).describe(options.object_type, refresh=refresh).field(options.segmentation_field)
    if info is None or info.type not in PICKLIST_TYPES:
        raise ImportRefused("Choose the tag picklist field on the Tags tab first.")
    return info


def import_choices(plugin: "SalesforceContactsPlugin") -> ImportChoices:
    """The topics and picklist values from the caches, filling an empty cache from Salesforce."""
    cache = TopicCache(plugin.store)
    field_name = _picklist_field(plugin)
    info = None
    try:
        with SalesforceClient(salesforce_config(plugin.settings, plugin.store)) as client:
            if field_name is not None:
                # The describe cache keeps itself in transactions of its own: read it before writing here.
                info = _picklist_info(client, Options.of(plugin.settings))
            if not cache.names():
                cache.replace(list_topics(client))
                cache.save()
    except ImportRefused:
        return ImportChoices(cache.names())
    except SalesforceError as error:
        return ImportChoices(cache.names(), field_name, problem=str(error))
    if info is None:
        return ImportChoices(cache.names())
    return ImportChoices(cache.names(), info.name, list(info.picklist_values))


def chosen_topic(plugin: "SalesforceContactsPlugin", client: SalesforceClient, value: str) -> str:
    """The topic ``value`` names, as Salesforce spells it.

    :raises ImportRefused: Salesforce has no such topic; the sentence lists those it has.
    :raises SalesforceError: the topics could not be read.
    """
    cache = TopicCache(plugin.store)
    known = cache.get(value)
    if known is not None:
        return known.name
    cache.replace(list_topics(client))
    cache.save()
    topics = cache.names()
    name = _matching(topics, value)
    if name is not None:
        return name
    if not topics:
        raise ImportRefused(f'Salesforce has no topic called "{value}"; it has no topics at all yet.')
    raise ImportRefused(f'Salesforce has no topic called "{value}". Its topics: {_listed(topics)}.')


def chosen_picklist_value(plugin: "SalesforceContactsPlugin", client: SalesforceClient, value: str) -> str:
    """The value of the tag picklist field ``value`` names, as Salesforce spells it.

    :raises ImportRefused: no tag picklist field is chosen, or it has no such value; the
        sentence lists the values it has.
    :raises SalesforceError: the field could not be described.
    """
    if _picklist_field(plugin) is None:
        raise ImportRefused("Choose the tag picklist field on the Tags tab first.")
    options = Options.of(plugin.settings)
    for refresh in (False, True):
        info = _picklist_info(client, options, refresh=refresh)
        name = _matching(list(info.picklist_values), value)
        if name is not None:
            return name
    values = list(info.picklist_values)
    listed = f"Its values: {_listed(values)}." if values else "It has no active values."
    raise ImportRefused(f'The picklist field {info.name} has no value "{value}". {listed}')


def chosen_value(plugin: "SalesforceContactsPlugin", by: str, value: str) -> str:
    """The topic or picklist value an import of ``value`` is for, checked against Salesforce.

    :raises ImportRefused: Salesforce has no such topic or value.
    :raises SalesforceError: Salesforce could not be read.
    """
    with SalesforceClient(salesforce_config(plugin.settings, plugin.store)) as client:
        if by == BY_PICKLIST:
            return chosen_picklist_value(plugin, client, value)
        return chosen_topic(plugin, client, value)
