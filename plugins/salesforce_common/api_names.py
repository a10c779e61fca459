"""Salesforce API names (``Lead``, ``Partner__c``, ``Site_User_Id__c``) in settings.

Checked when an admin saves settings, so a typo is caught with a sentence there
rather than as an error from Salesforce on the first sync.
"""

import re
from collections.abc import Callable
from typing import Any

_API_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__c)?$")


def check_api_name(what: str, example: str) -> Callable[[Any], str | None]:
    """A settings validator for the API name of ``what``, e.g. ("The destination object", "Lead or Partner__c")."""

    def check(value: Any) -> str | None:
        name = str(value or "").strip()
        if name and not _API_NAME.match(name):
            return (
                f"{what} must be an API name from Salesforce's Object Manager, such as {example}: "
                "letters, digits and single underscores, custom names ending in __c."
            )
        return None

    return check
