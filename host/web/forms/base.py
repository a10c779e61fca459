"""What every form shares (text that can be stored), and what record forms add to it:
custom fields, values for the services, their errors."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from host.models import CustomField
from host.services.errors import InvalidValue
from host.services.text import control_character_problem

#: Form fields for owner-defined fields are named ``custom_<key>``.
CUSTOM_PREFIX = "custom_"
CUSTOM_VALUE_MAX = 500


def refuse_control_characters(_form: Any, field: Field) -> None:
    """Refuse a submitted value holding control characters (tab and line breaks in a text area excepted)."""
    for value in field.raw_data or ():
        if isinstance(value, str) and (
            problem := control_character_problem(value, multiline=isinstance(field, TextAreaField))
        ):
            raise ValidationError(problem)


class Form(FlaskForm):
    """The base of every form of the site and its plugins: CSRF, and every field's
    submitted text checked by :func:`refuse_control_characters`, which no form has to
    list among its fields' validators."""

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        given = extra_validators or {}
        return super().validate({name: [*given.get(name, ()), refuse_control_characters] for name in self._fields})


class RecordForm(Form):
    """A form whose fields are named after the record fields the services take."""

    #: Fields that only the form needs (a confirmation, say), not the services.
    form_only: ClassVar[tuple[str, ...]] = ()

    def service_values(self) -> dict[str, Any]:
        """The submitted values, keyed as the services expect them."""
        values: dict[str, Any] = {}
        custom: dict[str, str] = {}
        for field in self:
            if field.name == "csrf_token" or field.name in self.form_only:
                continue
            if field.name.startswith(CUSTOM_PREFIX):
                custom[field.name.removeprefix(CUSTOM_PREFIX)] = (field.data or "").strip()
            elif isinstance(field, StringField):
                # A text input left out of the submission is blank, as an empty one is.
                values[field.name] = field.data or ""
            else:
                values[field.name] = field.data
        if custom:
            values["custom_fields"] = custom
        return values

    def show_error(self, error: InvalidValue) -> None:
        """Show a service's refusal beside the field it concerns, or above the form."""
        name = error.field.replace("custom_fields.", CUSTOM_PREFIX)
        field = self._fields.get(name)
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


def with_custom_fields(form_class: type[RecordForm], fields: Iterable[CustomField]) -> type[RecordForm]:
    """A subclass of ``form_class`` with a text input for each owner-defined field."""
    extra = {
        f"{CUSTOM_PREFIX}{field.key}": StringField(
            field.label,
            validators=[DataRequired() if field.required else Optional(), Length(max=CUSTOM_VALUE_MAX)],
        )
        for field in fields
    }
    return type(form_class.__name__, (form_class,), extra)


def custom_initial_values(stored: dict[str, Any] | None) -> dict[str, Any]:
    """A record's custom values, keyed as :func:`with_custom_fields` names the inputs."""
    return {f"{CUSTOM_PREFIX}{key}": value for key, value in (stored or {}).items()}
