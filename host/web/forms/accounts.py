"""Forms people fill in about themselves: set-up, registration, log-in, profile and password."""

from typing import Any, ClassVar

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from host.models import Role, User
from host.services.passwords import LENGTH_SENTENCE, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from host.web.forms.base import Form, RecordForm
from host.web.forms.choices import options
from host.web.forms.site_settings import SiteIdentityForm

NAME_MAX = 80
PHONE_MAX = 40
EMAIL_MAX = 254

ROLE_LABELS = {Role.SUBSCRIBER: "Subscriber", Role.ADMIN: "Admin"}


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

    role = SelectField("Role", choices=options(ROLE_LABELS.items()), coerce=Role)


def _current_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class CurrentPasswordForm(Form):
    """The password a person has now, confirming it is them at the keyboard.

    Defined before :class:`NewPasswordForm` so that, combined with it, this field
    comes first (WTForms orders fields as they were created).
    """

    current_password = _current_password("Current password")


#: Marks a password input that shows zxcvbn's estimate as it is typed (see macros/forms.html).
STRENGTH_METER = {"data-strength-meter": True, "autocomplete": "new-password"}


class NewPasswordForm(RecordForm):
    """A new password, typed twice."""

    form_only: ClassVar[tuple[str, ...]] = ("password_confirm",)

    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=LENGTH_SENTENCE)],
        render_kw=STRENGTH_METER,
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


class SetupForm(OwnerForm, SiteIdentityForm):
    """The set-up page: the owner's account, and what the site is called."""

    form_only = (*OwnerForm.form_only, "site_title", "site_tagline")


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    remember = BooleanField("Keep me logged in")


class AdminNewUserForm(AdminUserForm, NewPasswordForm):
    """An account an admin adds by hand: the profile, the role and a first password."""

    form_only = ProfileForm.form_only + NewPasswordForm.form_only


class ChangePasswordForm(CurrentPasswordForm, NewPasswordForm):
    """A logged-in person's new password, after the one they have now."""


class LostPasswordForm(Form):
    """The address to send a password-reset link to."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])


class DeleteAccountForm(Form):
    """A person's own account deletion, which their password confirms."""

    password = _current_password("Your password")


class PasswordStrengthForm(Form):
    """A password being typed, sent by the strength meter for zxcvbn's estimate."""

    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
