"""A plugin's settings form, built from the fields the plugin declares.

Secret fields are password inputs that never show a value: when a secret is stored
the input says so, and leaving it blank keeps it. The plugin's own validators run
when the values are stored (see :meth:`SettingsProxy.update`), so their messages
come from one place whatever saves the settings.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from wtforms import BooleanField, Field, IntegerField, PasswordField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, InputRequired, Optional

from host.plugins.settings import FieldKind, SettingField
from host.web.forms.base import Form
from host.web.forms.choices import options

#: Inputs are named ``setting_<key>`` so no key can clash with the form's own attributes.
PREFIX = "setting_"

STORED_SECRET_NOTE = "Stored — leave blank to keep."

FIELD_TYPES: dict[FieldKind, type[Field]] = {
    FieldKind.TEXT: StringField,
    FieldKind.TEXTAREA: TextAreaField,
    FieldKind.URL: URLField,
    FieldKind.CHOICE: SelectField,
    FieldKind.BOOLEAN: BooleanField,
    FieldKind.INTEGER: IntegerField,
}


def _input(setting: SettingField, secret_stored: bool) -> Field:
    must_fill = setting.required and not secret_stored and setting.kind is not FieldKind.BOOLEAN
    validators: list[Any] = [InputRequired() if must_fill else Optional()]
    if setting.kind is FieldKind.URL:
        validators.append(URL(require_tld=False))
    limit = {"maxlength": setting.length_limit} if setting.length_limit else {}
    if setting.secret:
        note = STORED_SECRET_NOTE if secret_stored else ""
        return PasswordField(
            setting.label, validators, description=" ".join(filter(None, [note, setting.help])), render_kw=limit
        )
    extra: dict[str, Any] = {"choices": options(setting.choices)} if setting.kind is FieldKind.CHOICE else {}
    return FIELD_TYPES[setting.kind](setting.label, validators, description=setting.help, render_kw=limit, **extra)


def settings_form(fields: Iterable[SettingField], stored_secrets: set[str], public_values: Mapping[str, Any]) -> Form:
    """A form for ``fields``, filled with the non-secret values.

    :param stored_secrets: keys of the secret fields that have a value.
    :param public_values: the current non-secret values, by key.
    """
    fields = list(fields)
    form_class = type(
        "PluginSettingsForm",
        (Form,),
        {PREFIX + setting.key: _input(setting, setting.key in stored_secrets) for setting in fields},
    )
    return form_class(data={PREFIX + key: value for key, value in public_values.items()})


def submitted_values(form: Form, fields: Iterable[SettingField]) -> dict[str, Any]:
    """The submitted value of every field, by setting key."""
    return {setting.key: form[PREFIX + setting.key].data for setting in fields}


def show_errors(form: Form, errors: Mapping[str, list[str]]) -> None:
    """Show the messages of a plugin's validators beside their inputs."""
    for key, messages in errors.items():
        field = form[PREFIX + key]
        field.errors = [*field.errors, *messages]
