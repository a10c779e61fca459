"""The Orders settings form: every choice offered is one the page lists, and every
typed name is checked, so a bad post gets a sentence and changes nothing."""

import re
from typing import Any

from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from host.api import Form, select_options
from plugins.salesforce_contacts.orders.options import API_NAME, DRAFT, AccountRule, OrderOptions

_ACCOUNT_ID = re.compile(r"^001[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")
_STATUS = re.compile(r"^[^\s].{0,39}$")


def _account_id(_form: Any, field: StringField) -> None:
    if field.data and not _ACCOUNT_ID.match(field.data.strip()):
        raise ValidationError("An Account ID has 15 or 18 letters and digits and starts with 001.")


def _api_name(_form: Any, field: StringField) -> None:
    if problem := API_NAME(field.data):
        raise ValidationError(problem)


def _status(_form: Any, field: StringField) -> None:
    if not _STATUS.match(field.data or ""):
        raise ValidationError("Name a value of the Order Status picklist, such as Draft (at most 40 characters).")


class OrderSettingsForm(Form):
    enabled = BooleanField("Send paid orders to Salesforce")
    account_rule = RadioField(
        "Account of each Order",
        choices=select_options(
            [
                (AccountRule.BUYER.value, "The buyer's Contact's Account, else the default Account"),
                (AccountRule.DEFAULT.value, "Always the default Account"),
            ]
        ),
        default=AccountRule.BUYER.value,
    )
    default_account_id = StringField(
        "Default Account ID", validators=[Optional(), Length(max=18), _account_id], description="Such as 001…"
    )
    price_book_id = SelectField("Price book", choices=select_options([("", "Standard price book")]))
    activate = BooleanField(
        "Activate each order once its items are in", description="Activated orders' items cannot change."
    )
    refunded_status = StringField("Status of refunded orders", validators=[Length(max=40), _status], default=DRAFT)
    cancelled_status = StringField("Status of cancelled orders", validators=[Length(max=40), _status], default=DRAFT)
    number_field = StringField(
        "Order field for the site's order number",
        validators=[Length(max=80), _api_name],
        description="A text field of Order, such as Site_Order_Number__c; blank for none.",
    )
    description_field = StringField(
        "Order field for the items and total",
        validators=[Length(max=80), _api_name],
        description="Description by default; blank for none.",
    )

    def offer_price_books(self, books: list[dict[str, Any]]) -> None:
        self.price_book_id.choices = select_options(
            [("", "Standard price book")]
            + [(str(book["id"]), str(book["name"])) for book in books if not book.get("standard")]
        )

    def fill(self, options: OrderOptions) -> None:
        fields = {key: name for name, key in options.mapping.items()}
        self.enabled.data = options.enabled
        self.account_rule.data = options.account_rule.value
        self.default_account_id.data = options.default_account_id
        self.price_book_id.data = options.price_book_id
        self.activate.data = options.activate
        self.refunded_status.data = options.refunded_status
        self.cancelled_status.data = options.cancelled_status
        self.number_field.data = fields.get("number", "")
        self.description_field.data = fields.get("description", "")

    def options(self) -> OrderOptions:
        mapping = {
            name.strip(): key
            for name, key in (
                (self.number_field.data or "", "number"),
                (self.description_field.data or "", "description"),
            )
            if name.strip()
        }
        return OrderOptions(
            enabled=bool(self.enabled.data),
            account_rule=AccountRule(self.account_rule.data or AccountRule.BUYER),
            default_account_id=(self.default_account_id.data or "").strip(),
            price_book_id=self.price_book_id.data or "",
            activate=bool(self.activate.data),
            refunded_status=(self.refunded_status.data or DRAFT).strip(),
            cancelled_status=(self.cancelled_status.data or DRAFT).strip(),
            mapping=mapping,
        )

    def validate_description_field(self, field: StringField) -> None:
        if field.data and self.number_field.data and field.data.strip() == self.number_field.data.strip():
            raise ValidationError("The number and the description go to two different fields.")
