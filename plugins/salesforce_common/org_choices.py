"""The API version and object a plugin uses, chosen from what the org offers.

Both are picked from lists the org fills (``/services/data/`` and describeGlobal),
never typed, and checked again when posted: a value the lists did not offer is
refused with a sentence and nothing is saved.
"""

from typing import Any

from flask import flash

from host.api import SettingsProxy, SettingsValidationError, db
from plugins.salesforce_common.config import DEFAULT_API_VERSION, parse_api_version
from plugins.salesforce_common.describe import Describer, ObjectSummary
from plugins.salesforce_common.errors import ConfigurationError

NOT_CONNECTED_SENTENCE = "The lists are filled from the org: connect to Salesforce to choose another."


def usable_objects(describer: Describer) -> list[ObjectSummary]:
    """The objects records can be created, updated and read in, by label."""
    usable = [entry for entry in describer.objects() if entry.createable and entry.updateable and entry.queryable]
    return sorted(usable, key=lambda entry: entry.label.casefold())


def check_api_version(value: Any) -> str | None:
    """A settings validator: a version number such as 62.0."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parse_api_version(text)
    except ConfigurationError:
        return f"The API version must be a number such as {DEFAULT_API_VERSION}, chosen from the org's list."
    return None


def version_problem(version: str, offered: list[str]) -> str | None:
    """Why ``version`` cannot be chosen, or None when the org offers it."""
    if version not in offered:
        return "Choose one of the API versions listed; nothing was saved."
    return None


def object_problem(name: str, offered: list[ObjectSummary]) -> str | None:
    """Why ``name`` cannot be chosen, or None when describeGlobal offers it."""
    if name not in {entry.name for entry in offered}:
        return "Choose one of the objects listed; nothing was saved."
    return None


def save_org_choice(settings: SettingsProxy, setting: str, value: str, problem: str | None, saved: str) -> None:
    """Save a value chosen from a list the org filled, or leave the setting as it was;
    either way a message says which, for the page the form answers with."""
    if problem:
        flash(problem, "error")
        return
    try:
        settings.update({setting: value})
    except SettingsValidationError as refusal:
        flash(str(refusal), "error")
        return
    db.session.commit()
    flash(saved, "success")
