"""Plugin settings: declared fields, stored as JSON, read through a strict accessor.

A plugin declares its fields with :class:`SettingField`. Values are stored per
plugin in one JSON document; secret fields are encrypted before they are stored and
are never handed to a template: forms show only whether a secret is set, and a blank
secret on save keeps the stored value.
"""

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from host import crypto
from host.database import VALUES_PER_STATEMENT
from host.extensions import db
from host.plugins.models import PluginData, PluginSettings
from host.services.text import control_character_problem

#: A validator returns an error message for a bad value, or None when it is fine.
Validator = Callable[[Any], str | None]


class FieldKind(enum.StrEnum):
    """How a setting is entered and stored."""

    TEXT = "text"
    TEXTAREA = "textarea"
    URL = "url"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    INTEGER = "integer"


#: The longest value a text setting of each kind takes, unless its field says otherwise.
MAX_LENGTHS: dict[FieldKind, int] = {FieldKind.TEXT: 500, FieldKind.URL: 2000, FieldKind.TEXTAREA: 20_000}


@dataclass(frozen=True)
class SettingField:
    """One setting a plugin declares; the host builds its settings form from these."""

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    default: Any = ""
    #: Secret values are encrypted at rest and never rendered back into a page.
    secret: bool = False
    #: A plugin with a required field unset reports itself as needing setup.
    required: bool = False
    help: str = ""
    choices: Sequence[tuple[str, str]] = ()
    validators: Sequence[Validator] = field(default=())
    #: The longest text the field takes; by default :data:`MAX_LENGTHS` for its kind.
    max_length: int | None = None

    @property
    def length_limit(self) -> int | None:
        """The longest text the field takes, None for kinds that are not text."""
        return self.max_length or MAX_LENGTHS.get(self.kind)

    def validate(self, value: Any) -> list[str]:
        """Every error message for ``value``: the host's rules for every field, then the field's validators.

        The host's come first and alone, so a plugin's validator never sees text that
        cannot be stored or a choice that was never offered.
        """
        if problem := self._host_problem(value):
            return [problem]
        return [message for check in self.validators if (message := check(value))]

    def _host_problem(self, value: Any) -> str | None:
        if isinstance(value, str):
            if problem := control_character_problem(value, multiline=self.kind is FieldKind.TEXTAREA):
                return problem
            limit = self.length_limit
            if limit is not None and len(value) > limit:
                return f"Use at most {limit} characters."
        if (
            self.kind is FieldKind.CHOICE
            and value is not None
            and str(value) not in {str(key) for key, _ in self.choices}
        ):
            return "Choose one of the options offered."
        return None


class UnknownSettingError(KeyError):
    """A plugin asked for a setting it never declared (usually a typo)."""


class SettingsValidationError(ValueError):
    """Values given to :meth:`SettingsProxy.update` break the fields' rules."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))
        self.errors = dict(errors)


class SettingsProxy:
    """Strict, typed access to one plugin's stored settings."""

    def __init__(self, plugin_name: str, fields: Iterable[SettingField]) -> None:
        self.plugin_name = plugin_name
        self.fields = {setting.key: setting for setting in fields}

    def _field(self, key: str) -> SettingField:
        try:
            return self.fields[key]
        except KeyError:
            raise UnknownSettingError(f"plugin {self.plugin_name!r} has no setting {key!r}") from None

    def _row(self) -> PluginSettings | None:
        return db.session.get(PluginSettings, self.plugin_name)

    def _stored(self) -> dict[str, Any]:
        row = self._row()
        return dict(row.values) if row else {}

    def get(self, key: str) -> Any:
        """The setting's value (decrypted if secret), or its default when unset."""
        setting = self._field(key)
        stored = self._stored()
        if key not in stored:
            return setting.default
        return crypto.decrypt(stored[key]) if setting.secret else stored[key]

    def is_set(self, key: str) -> bool:
        """Whether a value is stored for the setting and is not blank."""
        self._field(key)
        return self._stored().get(key) not in (None, "")

    def missing_required(self) -> list[SettingField]:
        """Required fields that have no value yet."""
        return [setting for setting in self.fields.values() if setting.required and not self.is_set(setting.key)]

    def public_values(self) -> dict[str, Any]:
        """Every non-secret value, defaults included: safe to render into a page."""
        return {key: self.get(key) for key, setting in self.fields.items() if not setting.secret}

    def update(self, values: Mapping[str, Any]) -> None:
        """Validate and store ``values``; a blank secret keeps the stored secret.

        Nothing is stored when any value is invalid.
        """
        errors = {}
        for key, value in values.items():
            setting = self._field(key)
            if setting.secret and value in (None, ""):
                continue
            if messages := setting.validate(value):
                errors[key] = messages
        if errors:
            raise SettingsValidationError(errors)
        stored = self._stored()
        for key, value in values.items():
            setting = self.fields[key]
            if setting.secret:
                if value not in (None, ""):
                    stored[key] = crypto.encrypt(str(value))
            else:
                stored[key] = value
        row = self._row()
        if row is None:
            db.session.add(PluginSettings(plugin=self.plugin_name, values=stored))
        else:
            row.values = stored


class PluginStore:
    """A plugin's own key-value state (connection details, caches), JSON values.

    Values written with :meth:`set_secret` are encrypted at rest.
    """

    def __init__(self, plugin_name: str) -> None:
        self.plugin_name = plugin_name

    def _row(self, key: str) -> PluginData | None:
        return db.session.get(PluginData, (self.plugin_name, key))

    def lock(self, key: str) -> None:
        """Hold the stored value locked until the current transaction ends.

        Another transaction that locks the same value waits, then reads what this one
        wrote: for read-modify-write of shared state (a cache, an import's progress).
        """
        db.session.execute(
            select(PluginData.key).where(PluginData.plugin == self.plugin_name, PluginData.key == key).with_for_update()
        )

    def get_locked(self, key: str, default: Any = None) -> Any:
        """:meth:`lock` the value, then read it as the lock found it (what another
        transaction committed meanwhile, not the copy this session read earlier)."""
        self.lock(key)
        row = db.session.get(PluginData, (self.plugin_name, key), populate_existing=True)
        return default if row is None else row.value

    def get(self, key: str, default: Any = None) -> Any:
        row = self._row(key)
        return default if row is None else row.value

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The stored values of those of ``keys`` that are set, by key: a query per few thousand keys."""
        found: dict[str, Any] = {}
        for chunk in chunked(keys, VALUES_PER_STATEMENT):
            query = select(PluginData.key, PluginData.value).where(
                PluginData.plugin == self.plugin_name, PluginData.key.in_(chunk)
            )
            found.update((key, value) for key, value in db.session.execute(query))
        return found

    def add(self, key: str, value: Any) -> bool:
        """Store ``value`` unless ``key`` is set already, even by a concurrent transaction;
        whether it was stored. For "first time seen" records such as delivery ids."""
        if self._row(key) is not None:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(PluginData(plugin=self.plugin_name, key=key, value=value))
        except IntegrityError:
            return False
        return True

    def delete_before(self, prefix: str, bound: str) -> None:
        """Delete the values whose keys start with ``prefix`` and sort before ``bound``
        (keys that carry a date, for expiring records)."""
        db.session.execute(
            delete(PluginData).where(
                PluginData.plugin == self.plugin_name, PluginData.key.startswith(prefix), PluginData.key < bound
            )
        )

    def set(self, key: str, value: Any) -> None:
        row = self._row(key)
        if row is None:
            db.session.add(PluginData(plugin=self.plugin_name, key=key, value=value))
        else:
            row.value = value

    def set_many(self, values: Mapping[str, Any]) -> None:
        """Write many values: one read per few thousand keys, where :meth:`set` reads one each."""
        db.session.flush()
        with db.session.no_autoflush:
            for keys in chunked(values, VALUES_PER_STATEMENT):
                query = select(PluginData).where(PluginData.plugin == self.plugin_name, PluginData.key.in_(keys))
                rows = {row.key: row for row in db.session.scalars(query)}
                for key in keys:
                    row = rows.get(key)
                    if row is None:
                        db.session.add(PluginData(plugin=self.plugin_name, key=key, value=values[key]))
                    else:
                        row.value = values[key]

    def delete(self, key: str) -> None:
        row = self._row(key)
        if row is not None:
            db.session.delete(row)

    def get_secret(self, key: str) -> str | None:
        stored = self.get(key)
        return None if stored is None else crypto.decrypt(stored)

    def set_secret(self, key: str, value: str) -> None:
        self.set(key, crypto.encrypt(value))
