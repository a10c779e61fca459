"""The affiliate forms: the admin's full form and the public sign-up form."""

from wtforms import EmailField, SelectField, StringField, TelField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from host.models import AffiliateStatus
from host.web.forms.accounts import EMAIL_MAX, NAME_MAX, PHONE_MAX
from host.web.forms.base import RecordForm
from host.web.forms.choices import options
from host.web.paging import record_id

TEXT_MAX = 255
COUNTRY_MAX = 80

STATUS_LABELS = {
    AffiliateStatus.ACTIVE: "Active",
    AffiliateStatus.ON_MODERATION: "On moderation",
    AffiliateStatus.SUSPENDED: "Suspended",
}


def optional_id(value: str | int | None) -> int | None:
    """Coerce a select's value to an id, the blank choice to None."""
    return record_id(value) if value not in (None, "", "None") else None


class AffiliateSignupForm(RecordForm):
    """What a prospective affiliate tells about themselves."""

    first_name = StringField("First name", validators=[DataRequired(), Length(max=NAME_MAX)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=NAME_MAX)])
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=EMAIL_MAX)])
    company = StringField("Company", validators=[Optional(), Length(max=TEXT_MAX)])
    phone = TelField("Phone", validators=[Optional(), Length(max=PHONE_MAX)])
    country = StringField("Country", validators=[Optional(), Length(max=COUNTRY_MAX)])
    website = URLField("Website", validators=[Optional(), URL(), Length(max=TEXT_MAX)])


class AffiliateForm(AffiliateSignupForm):
    """Everything an admin manages about an affiliate."""

    status = SelectField("Status", choices=options(STATUS_LABELS.items()), coerce=AffiliateStatus)
    manager_id = SelectField("Manager", coerce=optional_id)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])

    def offer_managers(self, managers: list[tuple[int, str]]) -> None:
        """Let the admin pick any of ``managers`` (id, name), or nobody."""
        self.manager_id.choices = options([("", "Nobody"), *managers])
