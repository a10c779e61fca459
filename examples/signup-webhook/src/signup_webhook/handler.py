"""Delivering new users: the sync queue hands the handler batches of them to post."""

from collections.abc import Mapping, Sequence
from typing import Any

from host.api import (
    Done,
    Entry,
    Failed,
    Outcome,
    Plugin,
    RecordLabel,
    RetryLater,
    User,
    UserSnapshot,
    as_utc,
    db,
    user_labels,
)
from signup_webhook.delivery import post

#: The kind of record the plugin puts on the sync queue: a user, by id.
KIND = "user"
#: The event each document announces, also sent as the ``X-Plughost-Event`` header.
EVENT = "user.registered"


def user_document(user: UserSnapshot, delivery: str) -> dict[str, Any]:
    """The JSON the receiver gets for one user; ``delivery`` stays the same when a post is repeated."""
    return {
        "event": EVENT,
        "delivery": delivery,
        "user": {
            "id": user.id,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "name": user.display_name,
            "tags": sorted(user.tags),
            "registered_at": as_utc(user.created_at).isoformat(),
        },
    }


class SignupHandler:
    """Posts each user of a batch as it is now, one request each.

    Once the receiver cannot take a post, the rest of the batch is left for later rather
    than sent into the same outage; an entry left out of the answer is tried again.
    """

    batch_size = 20

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        url, secret = self.plugin.settings.get("url"), self.plugin.settings.get("secret")
        if not (url and secret):
            unset = Failed("The webhook URL or signing secret is not set; fill them in, then retry from the Sync page.")
            return {entry.id: unset for entry in entries}
        outcomes: dict[int, Outcome] = {}
        for entry in entries:
            user = db.session.get(User, int(entry.record_id))
            if user is None:
                outcomes[entry.id] = Done("The user was deleted before the webhook went out; nothing was sent.")
                continue
            outcomes[entry.id] = outcome = post(url, secret, EVENT, user_document(UserSnapshot.of(user), str(entry.id)))
            if isinstance(outcome, RetryLater):
                break
        return outcomes

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        """Users' names on the Sync page, instead of "user 7"."""
        return user_labels(record_ids)
