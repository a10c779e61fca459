"""Delivering a batch of orders to Salesforce in as few API calls as possible.

An order whose products the plugin has met before is one Composite call: read the
buyer Contact's Account (the first time only), upsert the Order by
``Site_Order_Id__c`` in Draft, add its OrderItems referencing it, and set its final
status (Activated, or the refunded or cancelled one). Products the plugin has not met
cost one more call, made first: a Composite of queries for their products and price
book entries; those Salesforce lacks are then created (``Product2`` upserted by
``Sku__c``, its standard ``PricebookEntry``, and one in the chosen price book) in the
order's own Composite. A burst shares those calls: orders are packed into each
Composite as its 25 subrequests allow.

Each Composite is all-or-none, so an order is in Salesforce with all of its items or
not at all, and a retry (the upsert finds the same Order) never makes a second one. When
one order of a packed Composite fails, it gets its sentence and the others are sent
again without it. Once an order is in, its link makes later deliveries (a refund, a
cancel) change only the Order's status: the items are never added twice.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from host.api import Done, Entry, Failed, Outcome, PluginStore, RetryLater, db
from plugins.salesforce_common import (
    CompositeRequest,
    DuplicateValue,
    Reference,
    RequiredFieldMissing,
    SalesforceClient,
    SalesforceError,
    SubResponse,
)
from plugins.salesforce_common.composite import COMPOSITE_LIMIT
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_contacts.links import Link, load_links
from plugins.salesforce_contacts.orders.catalog import SKU_KEY, Catalog
from plugins.salesforce_contacts.orders.links import (
    CatalogEntry,
    OrderLink,
    load_order_links,
    load_unsure,
    save_order_links,
    save_unsure,
    sku_key,
)
from plugins.salesforce_contacts.orders.options import DRAFT, AccountRule, OrderOptions
from plugins.salesforce_contacts.orders.shop import order_snapshot
from plugins.salesforce_contacts.orders.values import ORDER_KEY, mapped_values, no_account_sentence, target_status

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderItemSnapshot, OrderSnapshot

#: Error codes of an item whose cached price book entry is no longer usable.
STALE_ENTRY_CODES = frozenset(
    {"INVALID_CROSS_REFERENCE_KEY", "ENTITY_IS_DELETED", "FIELD_INTEGRITY_EXCEPTION", "MALFORMED_ID", "NOT_FOUND"}
)
HALTED = "PROCESSING_HALTED"


@dataclass
class Work:
    """One order of the batch and what happened to it so far."""

    entry: Entry
    order: "OrderSnapshot"
    status: str
    link: OrderLink | None
    contact_id: str | None = None
    #: The Account the Order goes to; None while the buyer Contact's is to be read.
    account_id: str | None = None
    outcome: Outcome | None = None

    @property
    def skus(self) -> set[str]:
        return {sku_key(item.sku) for item in self.order.items}


@dataclass
class _Pack:
    """One Composite being filled, and who owns each of its subrequests."""

    request: CompositeRequest
    owners: dict[str, "Work | str"] = field(default_factory=dict)
    orders: list[Work] = field(default_factory=list)
    #: SKU to the reference of the entry its product gets in this Composite.
    new_entries: dict[str, Reference] = field(default_factory=dict)
    products: dict[str, tuple[Reference | None, Reference | None, Reference | None]] = field(default_factory=dict)


class OrderDelivery:
    """One handler call: read the orders, send them, remember what Salesforce said."""

    def __init__(
        self,
        store: PluginStore,
        client: SalesforceClient,
        options: OrderOptions,
        object_type: str,
        entries: Sequence[Entry],
    ) -> None:
        self.store = store
        self.client = client
        self.options = options
        self.object_type = object_type
        self.entries = entries
        self.work: list[Work] = []
        self.outcomes: dict[int, Outcome] = {}
        self.catalog = Catalog(options.price_book_id, None)
        self.new_links: dict[int, OrderLink] = {}
        #: Orders whose last Composite got no answer: maybe in Salesforce without a link.
        self.unsure: set[int] = set()
        self.newly_unsure: set[int] = set()
        self.unsure_cleared: set[int] = set()

    # -- reading ---------------------------------------------------------------------

    def _read(self) -> None:
        orders = {
            entry.id: order_snapshot(int(entry.record_id)) if entry.record_id.isdigit() else None
            for entry in self.entries
        }
        links = load_order_links(self.store, [entry.record_id for entry in self.entries])
        self.unsure = load_unsure(self.store, [entry.record_id for entry in self.entries])
        buyers = load_links({order.user_id for order in orders.values() if order is not None})
        contacts = [link.salesforce_id for link in buyers.values()]
        self.catalog = Catalog.load(self.store, self.options.price_book_id, contacts)
        for entry in self.entries:
            order = orders[entry.id]
            if order is None:
                self.outcomes[entry.id] = Done("The order is no longer in the shop; nothing was sent.")
                continue
            status = target_status(order, self.options)
            link = links.get(entry.record_id)
            if status is None or (link is None and order.paid_at is None):
                self.outcomes[entry.id] = Done("The order was never paid; nothing was sent.")
                continue
            work = Work(entry, order, status, link)
            if link is None:
                work.outcome = self._buyer(work, buyers.get(str(order.user_id)))
            self.work.append(work)
        self.catalog.load_entries(self.store, self._skus_to_send())

    def _buyer(self, work: Work, buyer: Link | None) -> Outcome | None:
        """Fill in the buyer's Contact and Account; the outcome if the order cannot go yet."""
        if self.object_type.lower() != "contact":
            return Failed(
                f"Orders are billed to the buyer's Contact, and this plugin sends users as {self.object_type}: "
                "choose Contact as the object users sync to."
            )
        if buyer is None or buyer.object_type.lower() != "contact":
            return RetryLater(
                f"The buyer ({work.order.email}) is not in Salesforce as a Contact yet; "
                "the order is sent once the user is."
            )
        work.contact_id = buyer.salesforce_id
        if self.options.account_rule is AccountRule.DEFAULT:
            work.account_id = self.options.default_account_id or None
            return None if work.account_id else Failed(no_account_sentence(None))
        return self._account(work)

    def _account(self, work: Work) -> Outcome | None:
        """Take the buyer Contact's Account if it is known (else the default); a Failed if neither is."""
        contact, accounts = work.contact_id, self.catalog.accounts
        if contact is None or contact not in accounts:
            return None
        work.account_id = accounts[contact] or self.options.default_account_id or None
        return None if work.account_id else Failed(no_account_sentence(work.contact_id))

    def _pending(self) -> list[Work]:
        return [work for work in self.work if work.outcome is None]

    def _skus_to_send(self) -> set[str]:
        return {sku for work in self._pending() if work.link is None for sku in work.skus}

    def _items_problem(self, work: Work) -> str | None:
        blank = [item.name for item in work.order.items if not item.sku.strip()]
        if blank:
            return f"{', '.join(blank)} has no SKU, which is how products are matched in Salesforce: give it one in the shop."
        return None

    # -- the whole batch -----------------------------------------------------------------

    def run(self) -> dict[int, Outcome]:
        self._read()
        for work in self._pending():
            if work.link is None and (problem := self._items_problem(work)):
                work.outcome = Failed(problem)
        # End the read transaction before calling Salesforce (see the user delivery).
        db.session.commit()
        try:
            self._look_up()
            self._send_all()
        except SalesforceError as error:
            for work in self._pending():
                work.outcome = outcome_for(error)
        for work in self.work:
            self.outcomes[work.entry.id] = work.outcome or RetryLater("The order was not sent yet.")
        return self.outcomes

    def save(self) -> None:
        """Write what was learned, in the current session (committed with the outcomes)."""
        save_order_links(self.store, self.new_links)
        self.catalog.save(self.store)
        save_unsure(self.store, self.newly_unsure, self.unsure_cleared - self.newly_unsure)

    # -- the look-up call -------------------------------------------------------------

    def _look_up(self) -> None:
        """Learn, in one call, what the orders need and the store does not know (see
        :meth:`Catalog.look_up`), and find the unsure orders already in Salesforce."""
        pending = self._pending()
        unsure = sorted(str(work.order.id) for work in pending if work.link is None and work.order.id in self.unsure)
        contacts = sorted({work.contact_id for work in pending if work.account_id is None and work.contact_id})
        found = self.catalog.look_up(self.client, sorted(self._skus_to_send()), contacts, unsure)
        if unsure:
            self.unsure_cleared |= self.unsure
        for work in pending:
            if (record := found.get(str(work.order.id))) is not None:
                work.link = OrderLink(record["Id"], self.client.instance_url, record["Status"])
            if work.account_id is None and work.contact_id:
                work.outcome = self._account(work)

    # -- the sending calls --------------------------------------------------------------

    def _send_all(self) -> None:
        queue = self._pending()
        while queue:
            pack = self._fill(queue)
            if not len(pack.request):
                queue = [work for work in queue if work.outcome is None]
                continue
            try:
                answers = pack.request.send()
            except SalesforceError:
                # Salesforce may have applied it with the answer lost: look before sending again.
                self.newly_unsure |= {work.order.id for work in pack.orders if work.link is None}
                raise
            failure = next(
                (a for a in answers.values() if a.error is not None and getattr(a.error, "error_code", "") != HALTED),
                None,
            )
            if failure is None and any(a.error is not None for a in answers.values()):
                failure = next(a for a in answers.values() if a.error is not None)
            if failure is None:
                self._succeeded(pack, answers)
                queue = [work for work in queue if work.outcome is None]
            else:
                self._failed(pack, failure)
                queue = [work for work in queue if work.outcome is None]

    def _fill(self, queue: Sequence[Work]) -> _Pack:
        """A Composite with as many of ``queue``'s orders (and their new products) as fit.

        An order whose new products do not fit beside it gets them sent first, alone.
        """
        pack = _Pack(CompositeRequest(self.client, all_or_none=True))
        for work in queue:
            new_skus = self._new_skus(work, pack)
            needed = sum(self._product_size(sku) for sku in new_skus) + self._order_size(work)
            if len(pack.request) + needed <= COMPOSITE_LIMIT:
                self._add_products(pack, work, new_skus)
                self._add_order(pack, work)
            elif not len(pack.request):
                if self._order_size(work) > COMPOSITE_LIMIT:
                    work.outcome = Failed(
                        f"The order has {len(work.order.items)} items, more than one Salesforce request takes "
                        f"({COMPOSITE_LIMIT - 3}); it was not sent."
                    )
                    continue
                self._add_products(pack, work, new_skus)
                break
            else:
                break
        return pack

    def _new_skus(self, work: Work, pack: _Pack) -> list[str]:
        if work.link is not None:
            return []
        return sorted(sku for sku in work.skus if sku not in self.catalog.entries and sku not in pack.new_entries)

    def _product_size(self, sku: str) -> int:
        catalog = self.catalog
        return (sku not in catalog.products) + (sku not in catalog.standard_entries) + catalog.custom_book

    def _order_size(self, work: Work) -> int:
        if work.link is not None:
            return 1
        return (work.account_id is None) + 1 + len(work.order.items) + (work.status != DRAFT)

    def _add_products(self, pack: _Pack, work: Work, skus: Sequence[str]) -> None:
        items = {sku_key(item.sku): item for item in work.order.items}
        for sku in skus:
            if len(pack.request) + self._product_size(sku) > COMPOSITE_LIMIT:
                return
            item = items[sku]
            n = len(pack.products)
            product: Reference | None = None
            if sku not in self.catalog.products:
                product = pack.request.upsert(
                    "Product2", SKU_KEY, item.sku, {"Name": item.name, "IsActive": True}, reference_id=f"product{n}"
                )
                pack.owners[product.reference_id] = sku
            product_id = product.id if product else self.catalog.products[sku]
            standard: Reference | None = None
            if sku not in self.catalog.standard_entries:
                standard = pack.request.create(
                    "PricebookEntry",
                    self._entry_values(self.catalog.standard_book or "", product_id, item),
                    reference_id=f"standard{n}",
                )
                pack.owners[standard.reference_id] = sku
            entry = standard
            custom: Reference | None = None
            if self.catalog.custom_book:
                custom = pack.request.create(
                    "PricebookEntry",
                    self._entry_values(self.options.price_book_id, product_id, item),
                    reference_id=f"entry{n}",
                )
                pack.owners[custom.reference_id] = sku
                entry = custom
            pack.products[sku] = (product, standard, custom)
            if entry is not None:
                pack.new_entries[sku] = entry

    def _entry_values(self, price_book_id: str, product_id: str, item: "OrderItemSnapshot") -> dict[str, Any]:
        return {
            "Pricebook2Id": price_book_id,
            "Product2Id": product_id,
            "UnitPrice": float(item.unit_price),
            "IsActive": True,
        }

    def _entry_id(self, pack: _Pack, sku: str) -> str:
        return pack.new_entries[sku].id if sku in pack.new_entries else self.catalog.entries[sku].entry_id

    def _add_order(self, pack: _Pack, work: Work) -> None:
        n = len(pack.orders)
        pack.orders.append(work)
        site_id = str(work.order.id)
        values = mapped_values(work.order, self.options)
        if work.link is not None:
            order = pack.request.upsert(
                "Order", ORDER_KEY, site_id, {**values, "Status": work.status}, reference_id=f"order{n}"
            )
            pack.owners[order.reference_id] = work
            return
        account = work.account_id
        if account is None:
            contact = pack.request.add(
                "GET",
                f"sobjects/Contact/{work.contact_id}?fields=AccountId",
                reference_id=f"buyer{n}",
                sobject="Contact",
            )
            pack.owners[contact.reference_id] = work
            account = contact.field("AccountId")
        paid = work.order.paid_at or work.order.created_at
        order = pack.request.upsert(
            "Order",
            ORDER_KEY,
            site_id,
            {
                **values,
                "Status": DRAFT,
                "EffectiveDate": paid.date().isoformat(),
                "AccountId": account,
                "BillToContactId": work.contact_id,
                "Pricebook2Id": self.catalog.price_book,
            },
            reference_id=f"order{n}",
        )
        pack.owners[order.reference_id] = work
        for k, item in enumerate(work.order.items):
            line = pack.request.create(
                "OrderItem",
                {
                    "OrderId": order.id,
                    "PricebookEntryId": self._entry_id(pack, sku_key(item.sku)),
                    "Quantity": item.quantity,
                    "UnitPrice": float(item.unit_price),
                },
                reference_id=f"item{n}_{k}",
            )
            pack.owners[line.reference_id] = work
        if work.status != DRAFT:
            status = pack.request.add(
                "PATCH",
                f"sobjects/Order/{order.id}",
                body={"Status": work.status},
                reference_id=f"status{n}",
                sobject="Order",
            )
            pack.owners[status.reference_id] = work

    def _succeeded(self, pack: _Pack, answers: Mapping[str, SubResponse]) -> None:
        for sku, (product, standard, custom) in pack.products.items():
            catalog = self.catalog
            product_id = answers[product.reference_id].body["id"] if product else catalog.products[sku]
            catalog.products[sku] = product_id
            if standard is not None:
                catalog.standard_entries[sku] = CatalogEntry(product_id, answers[standard.reference_id].body["id"])
            if custom is not None:
                catalog.entries[sku] = CatalogEntry(product_id, answers[custom.reference_id].body["id"])
            elif standard is not None:
                catalog.entries[sku] = catalog.standard_entries[sku]
        for n, work in enumerate(pack.orders):
            answer = answers[f"order{n}"]
            salesforce_id = str(answer.body["id"])
            if f"buyer{n}" in answers and work.contact_id:
                self.catalog.accounts[work.contact_id] = answers[f"buyer{n}"].body.get("AccountId")
            self.new_links[work.order.id] = OrderLink(salesforce_id, self.client.instance_url, work.status)
            if work.link is not None:
                message = f"Order {salesforce_id} set to {work.status}."
            else:
                verb = "Created" if answer.body.get("created", True) else "Updated"
                message = f"{verb} Order {salesforce_id} with {len(work.order.items)} items, {work.status}."
            work.outcome = Done(message, external_id=salesforce_id)

    def _product_failed(self, sku: str, error: SalesforceError) -> Outcome:
        if isinstance(error, DuplicateValue):
            # Another delivery made the entry meanwhile: the retry's look-up finds it.
            return RetryLater(f"The product with SKU {sku} was being added to Salesforce meanwhile; sent again soon.")
        return Failed(f"The product with SKU {sku} could not be created in Salesforce: {error}")

    def _failed(self, pack: _Pack, failure: SubResponse) -> None:
        """Give the failing order (or the orders of a failing product) its outcome."""
        owner = pack.owners.get(failure.reference_id)
        error = failure.error or SalesforceError("Salesforce refused the order without giving a reason.")
        if isinstance(owner, str):
            for work in self._pending():
                if owner in work.skus:
                    work.outcome = self._product_failed(owner, error)
            return
        if owner is None:
            for work in pack.orders:
                work.outcome = outcome_for(error)
            return
        work = owner
        reference = failure.reference_id
        if reference.startswith("buyer"):
            work.outcome = Failed(
                f"The buyer's Contact ({work.contact_id}) cannot be read in Salesforce: {error} "
                "Resync the user, then retry the order."
            )
        elif (
            reference.startswith("order")
            and isinstance(error, RequiredFieldMissing)
            and "AccountId" in error.fields
            and work.account_id is None
        ):
            if work.contact_id:
                self.catalog.accounts[work.contact_id] = None
            work.account_id = self.options.default_account_id or None
            if work.account_id is None:
                work.outcome = Failed(no_account_sentence(work.contact_id))
        elif reference.startswith("item") and getattr(error, "error_code", "") in STALE_ENTRY_CODES:
            self.catalog.forget(work.skus)
            work.outcome = RetryLater(
                f"A product's price book entry in Salesforce is not usable any more ({error}); "
                "the order is sent again with the entries read afresh."
            )
        else:
            work.outcome = outcome_for(error)
