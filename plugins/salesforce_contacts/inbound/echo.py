"""Changes applied from Salesforce are not sent back to it.

While a notification or an import is applied, the plugin's user hooks see
:func:`applying_from_salesforce` and queue nothing: the values came from Salesforce,
so sending them back would cost API calls and could loop through the org's
outbound-message rule.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_applying: ContextVar[bool] = ContextVar("salesforce_contacts_applying", default=False)


@contextmanager
def from_salesforce() -> Iterator[None]:
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


def applying_from_salesforce() -> bool:
    return _applying.get()
