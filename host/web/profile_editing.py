"""Editing a user's profile, the same from the user's own page and from the admin's."""

from collections.abc import Mapping
from typing import cast

from host.extensions import db
from host.models import CustomFieldOwner, User
from host.services.consents import ConsentOrigin
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.users import update_user
from host.snapshots import FieldChange
from host.web.forms.accounts import ProfileForm
from host.web.forms.base import custom_initial_values, with_custom_fields


def profile_form(form_class: type[ProfileForm], user: User) -> ProfileForm:
    """``form_class`` with the owner's custom profile fields, filled in from ``user``."""
    with_fields = with_custom_fields(form_class, defined_fields(CustomFieldOwner.USER))
    form = cast(ProfileForm, with_fields(obj=user, data=custom_initial_values(user.custom_fields)))
    if not form.is_submitted():
        form.show_consents(user)
    return form


def save_profile(form: ProfileForm, user: User, consent_origin: ConsentOrigin) -> Mapping[str, FieldChange] | None:
    """Apply a submitted, valid form and commit; the changes, or None when a value was
    refused (the form then shows why, and nothing changed).

    :param consent_origin: who ticks or clears the consent boxes: the user or an admin.
    """
    try:
        changes = update_user(user, form.chosen_values(), consent_origin)
    except InvalidValue as error:
        db.session.rollback()
        form.show_error(error)
        return None
    db.session.commit()
    return changes
