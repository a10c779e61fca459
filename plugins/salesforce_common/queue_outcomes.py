"""What the sync queue should do with a record, given the Salesforce error it met.

One table for every Salesforce plugin, so they pause, retry and fail alike: a
connection that needs reauthorization or an exhausted API limit pauses the whole
plugin (nothing is dropped), a passing fault retries, and Salesforce refusing the
record fails it with the sentence, since sending it again cannot help.
"""

from host.api import Failed, Outcome, Pause, RetryLater
from plugins.salesforce_common.errors import (
    ApiLimitExceeded,
    ConfigurationError,
    ReauthorizationRequired,
    SalesforceError,
    TransientError,
)


def outcome_for(error: SalesforceError) -> Outcome:
    """The queue outcome for a record that met ``error``."""
    if isinstance(error, ApiLimitExceeded):
        return Pause(str(error), until=error.resume_at)
    if isinstance(error, ReauthorizationRequired | ConfigurationError):
        return Pause(str(error))
    if isinstance(error, TransientError):
        return RetryLater(str(error))
    return Failed(str(error))
