"""Salesforce's errors as the sync queue's outcomes.

A connection that needs reauthorization, an exhausted API allowance or settings
that cannot work hold the whole plugin (nothing is lost, nothing burns attempts); a
passing fault retries with backoff; a record Salesforce refuses is dead-lettered
with the sentence that says why.
"""

from host.sync.handlers import Failed, Outcome, Pause, RetryLater
from plugins.salesforce_common import (
    ApiLimitExceeded,
    ConfigurationError,
    ReauthorizationRequired,
    SalesforceError,
    TransientError,
)


def outcome_for(error: SalesforceError) -> Outcome:
    if isinstance(error, ReauthorizationRequired | ConfigurationError):
        return Pause(str(error))
    if isinstance(error, ApiLimitExceeded):
        return Pause(str(error), until=error.resume_at)
    if isinstance(error, TransientError):
        return RetryLater(str(error))
    return Failed(str(error))


def holds_everything(outcome: Outcome) -> bool:
    """Whether the outcome stops the batch: there is no point sending the rest."""
    return isinstance(outcome, Pause)
