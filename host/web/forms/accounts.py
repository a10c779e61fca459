"""Forms people fill in about themselves: set-up, registration, log-in and profile."""

from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from host.models import Role, User
from host.services.passwords import LENGTH_SENTENCE, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from host.web.forms.base import RecordForm
from host.web.forms.choices import options

NAME_MAX = 80
PHONE_MAX = 40
EMAIL_MAX = 254


class IdentityForm(RecordForm):
    """Who a person is: their name and email address."""

    first_name = StringField("First name", validators=[DataRequired(), Length(max=NAME_MAX)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=EMAIL_MAX)])


class ProfileForm(IdentityForm):
    """The fields a person keeps up to date on their own account.

    Each consent box comes with the value it showed ("1" or "0"): a box left as it was
    shown is no choice, so saving a phone number from a page opened before an
    unsubscribe elsewhere does not subscribe the person again.
    """

    form_only: ClassVar[tuple[str, ...]] = ("marketing_email_consent_shown", "marketing_sms_consent_shown")

    phone = TelField("Phone (optional)", validators=[Optional(), Length(max=PHONE_MAX)])
    marketing_email_consent = BooleanField("Send me news and offers by email")
    marketing_email_consent_shown = HiddenField()
    marketing_sms_consent = BooleanField("Send me news and offers by text message")
    marketing_sms_consent_shown = HiddenField()

    def chosen_values(self) -> dict[str, Any]:
        """:meth:`service_values` without the consent boxes left as they were shown."""
        values = self.service_values()
        for name in ("marketing_email_consent", "marketing_sms_consent"):
            shown = self[f"{name}_shown"].data
            if shown in ("0", "1") and bool(values.get(name)) == (shown == "1"):
                values.pop(name, None)
        return values

    def show_consents(self, user: User) -> None:
        """Remember, in the page, the consents the boxes show."""
        for name in ("marketing_email_consent", "marketing_sms_consent"):
            self[f"{name}_shown"].data = "1" if getattr(user, name) else "0"


class AdminUserForm(ProfileForm):
    """An admin's edit of someone's account: the profile and the role."""

    role = SelectField("Role", choices=options([(Role.SUBSCRIBER, "Subscriber"), (Role.ADMIN, "Admin")]), coerce=Role)


class NewPasswordForm(RecordForm):
    """A new password, typed twice."""

    form_only: ClassVar[tuple[str, ...]] = ("password_confirm",)

    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=LENGTH_SENTENCE)],
    )
    # The same maximum as the first field, so an over-long password is told so, not "differ".
    password_confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(),
            Length(max=MAX_PASSWORD_LENGTH, message=LENGTH_SENTENCE),
            EqualTo("password", "The passwords differ."),
        ],
    )


class RegistrationForm(ProfileForm, NewPasswordForm):
    """A new end user's account."""

    form_only = ProfileForm.form_only + NewPasswordForm.form_only


class OwnerForm(IdentityForm, NewPasswordForm):
    """The site owner's account, created on the set-up page."""


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Keep me logged in")
