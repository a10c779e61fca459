"""The plugin object: what it is called, its settings, and the hooks it implements."""

from collections.abc import Iterable, Mapping, Sequence

from flask import Blueprint

from host.api import (
    FieldKind,
    ListColumn,
    Plugin,
    PluginStatus,
    SettingField,
    SyncHandler,
    UserSnapshot,
    enqueue,
    hookimpl,
)
from signup_webhook.addresses import check_url
from signup_webhook.admin import delivery_column, webhook_status
from signup_webhook.handler import KIND, SignupHandler
from signup_webhook.views import pages

#: The shortest signing secret accepted: a guessable one would let anyone forge a signature.
SECRET_MIN_LENGTH = 16


def check_secret(value: object) -> str | None:
    """A blank (which keeps the stored secret) or a secret long enough to be unguessable."""
    secret = str(value or "")
    if secret and len(secret) < SECRET_MIN_LENGTH:
        return f"Use at least {SECRET_MIN_LENGTH} characters, such as a password manager generates."
    return None


class SignupWebhook(Plugin):
    name = "signup_webhook"
    title = "Signup webhook"
    description = "Posts each new user (id, email, name, tags) as signed JSON to an HTTPS address of your choice."
    author = "Plughost"
    distribution = "plughost-signup-webhook"
    settings_fields = (
        SettingField(
            "url",
            "Webhook URL",
            kind=FieldKind.URL,
            required=True,
            help="Where each new user is posted: an https:// address on the internet.",
            validators=(check_url,),
        ),
        SettingField(
            "secret",
            "Signing secret",
            secret=True,
            required=True,
            help="Shared with the receiver, which checks each request's X-Plughost-Signature with it.",
            validators=(check_secret,),
        ),
    )
    settings_endpoint = "signup_webhook.settings_page"

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        # Hooks stay fast and local: the post goes out from the sync queue, after the commit.
        enqueue(self, KIND, str(user.id))

    @hookimpl
    def sync_handlers(self) -> Mapping[str, SyncHandler]:
        return {KIND: SignupHandler(self)}

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        return [pages]

    @hookimpl
    def user_list_columns(self, users: Sequence[UserSnapshot]) -> Iterable[ListColumn]:
        return [delivery_column(self, users)]

    @hookimpl
    def plugin_status(self) -> PluginStatus | None:
        return webhook_status(self)
