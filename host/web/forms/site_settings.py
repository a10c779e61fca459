"""The Site settings forms: the site's identity, what is open to the public, owner-defined fields."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from host.models import CustomFieldOwner, Tag
from host.services.custom_fields import KEY_PATTERN
from host.web.forms.base import Form
from host.web.forms.choices import options
from host.web.paging import record_id

SITE_TITLE_MAX = 80
SITE_TAGLINE_MAX = 160


class SiteIdentityForm(Form):
    """The site's title and tagline, asked on the set-up page and kept in Site settings."""

    site_title = StringField(
        "Site title",
        validators=[Optional(), Length(max=SITE_TITLE_MAX)],
        description="Shown in the header and in every page's title. Left blank, the current title stays.",
    )
    site_tagline = StringField(
        "Tagline (optional)",
        validators=[Optional(), Length(max=SITE_TAGLINE_MAX)],
        description="One line under the title saying what the site is for.",
    )


class SiteSettingsForm(SiteIdentityForm):
    registration_open = BooleanField("Anyone may create an account")
    affiliate_signup_open = BooleanField("Anyone may apply to become an affiliate (applications wait for moderation)")
    registration_tags = SelectMultipleField(
        "Tags every new user receives",
        coerce=record_id,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def offer_tags(self, tags: list[Tag]) -> None:
        self.registration_tags.choices = options((tag.id, tag.name) for tag in tags)


class CustomFieldForm(Form):
    owner = SelectField(
        "Add to",
        choices=options([(CustomFieldOwner.USER, "User profiles"), (CustomFieldOwner.AFFILIATE, "Affiliates")]),
        coerce=CustomFieldOwner,
    )
    label = StringField("Label", validators=[DataRequired(), Length(max=120)])
    key = StringField(
        "Key",
        validators=[DataRequired(), Regexp(KEY_PATTERN, message="Use lower-case letters, digits and underscores.")],
        description="How plugins and field mappings name it, e.g. shoe_size.",
    )
    required = BooleanField("Required")
