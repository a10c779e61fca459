"""Tag forms: creating a tag, and adding or removing one on users."""

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from host.models import Tag
from host.services.tags import MAX_TAG_NAME
from host.web.forms.base import Form
from host.web.forms.choices import options
from host.web.paging import record_id

ADD, REMOVE = "add", "remove"


class NewTagForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=MAX_TAG_NAME)])
    apply_on_registration = BooleanField("Give it to every new user")


class TagChangeForm(Form):
    """Add a tag to, or remove it from, the users a page is about."""

    tag_id = SelectField("Tag", coerce=record_id)
    action = SelectField("Action", choices=options([(ADD, "Add the tag"), (REMOVE, "Remove the tag")]))

    def offer_tags(self, tags: list[Tag]) -> None:
        self.tag_id.choices = options((tag.id, tag.name) for tag in tags)


class BulkTagForm(TagChangeForm):
    """A tag change for the users ticked in a list."""

    user_ids = SelectMultipleField(
        "Users", coerce=record_id, validate_choice=False, validators=[DataRequired("Tick at least one user.")]
    )
    #: Set by the page that asks before a tag is taken off users; a removal without it only asks.
    confirmed = HiddenField()

    @property
    def removes(self) -> bool:
        return self.action.data == REMOVE
