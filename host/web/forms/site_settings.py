"""The Site settings forms: what is open to the public, and owner-defined fields."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from host.models import CustomFieldOwner, Tag
from host.services.custom_fields import KEY_PATTERN
from host.web.forms.choices import options


class SiteSettingsForm(FlaskForm):
    registration_open = BooleanField("Anyone may create an account")
    affiliate_signup_open = BooleanField("Anyone may apply to become an affiliate (applications wait for moderation)")
    registration_tags = SelectMultipleField(
        "Tags every new user receives",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def offer_tags(self, tags: list[Tag]) -> None:
        self.registration_tags.choices = options((tag.id, tag.name) for tag in tags)


class CustomFieldForm(FlaskForm):
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
