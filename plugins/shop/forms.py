"""The shop's forms, on the host's form base (CSRF, and no control characters in any text)."""

from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from host.api import Form, RecordForm
from plugins.shop.orders import MAX_QUANTITY
from plugins.shop.products import DESCRIPTION_MAX, NAME_MAX


class ProductForm(RecordForm):
    """Add or edit a product; the product rules (SKU, price, currency) say what is wrong."""

    name = StringField("Name", validators=[Length(max=NAME_MAX)])
    sku = StringField("SKU", description="Letters, digits, - and _; unique in the shop.", validators=[Length(max=64)])
    price = StringField("Price", description="Such as 12.50.", validators=[Length(max=20)])
    currency = StringField(
        "Currency", description="The three-letter ISO code, such as USD.", validators=[Length(max=3)]
    )
    active = BooleanField("On sale", default=True)
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)])


class AddToCartForm(Form):
    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[
            InputRequired("Say how many you want."),
            NumberRange(1, MAX_QUANTITY, f"Choose from 1 to {MAX_QUANTITY}."),
        ],
    )


class CheckoutForm(Form):
    """Placing the order; the ways to pay are offered by the enabled plugins."""

    provider = RadioField("Pay with", validators=[InputRequired("Choose how to pay.")])
