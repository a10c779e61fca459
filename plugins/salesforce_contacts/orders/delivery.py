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
from urllib.parse import quote_plus

from more_itertools import chunked

from host.api import Done, Entry, Failed, Outcome, PluginStore, RetryLater, db
from plugins.salesforce_common import (
    CompositeRequest,
    Reference,
    RequiredFieldMissing,
    SalesforceClient,
    SalesforceError,
    SubResponse,
    quote,
)
from plugins.salesforce_common.composite import COMPOSITE_LIMIT
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_contacts.links import Link, load_links
from plugins.salesforce_contacts.orders.links import (
    STANDARD_BOOK_KEY,
    CatalogEntry,
    OrderLink,
    forget_entries,
    load_accounts,
    load_entries,
    load_order_links,
    load_unsure,
    save_accounts,
    save_entries,
    save_order_links,
    save_unsure,
    sku_key,
)
from plugins.salesforce_contacts.orders.options import DRAFT, AccountRule, OrderOptions
from plugins.salesforce_contacts.orders.shop import order_snapshot

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderItemSnapshot, OrderSnapshot

ORDER_KEY = "Site_Order_Id__c"
SKU_KEY = "Sku__c"
#: SKUs (or Contacts) per query of the look-up call, which makes at most four.
SKUS_PER_QUERY = 100
#: Error codes of an item whose cached price book entry is no longer usable.
STALE_ENTRY_CODES = frozenset(
    {"INVALID_CROSS_REFERENCE_KEY", "ENTITY_IS_DELETED", "FIELD_INTEGRITY_EXCEPTION", "MALFORMED_ID", "NOT_FOUND"}
)
HALTED = "PROCESSING_HALTED"


def no_account_sentence(contact_id: str | None) -> str:
    if contact_id is None:
        return (
            "Orders go to the default Account, and none is set: "
            "set the Default Account ID in the plugin's Orders settings."
        )
    return (
        f"The buyer's Contact ({contact_id}) has no Account, and no default Account is set: give the "
        "Contact an Account in Salesforce, or set the Default Account ID in the plugin's Orders settings."
    )


def target_status(order: "OrderSnapshot", options: OrderOptions) -> str | None:
    """The Order status the order should have in Salesforce; None when it is not sent."""
    status = str(order.status)
    if status == "paid":
        return "Activated" if options.activate else DRAFT
    if status == "refunded":
        return options.refunded_status
    if status == "cancelled":
        return options.cancelled_status
    return None


def description(order: "OrderSnapshot") -> str:
    items = ", ".join(f"{item.quantity} × {item.name}" for item in order.items)
    return f"Order {order.number} on the site: {items or 'no items'}; total {order.total} {order.currency}."


def mapped_values(order: "OrderSnapshot", options: OrderOptions) -> dict[str, str]:
    site = {"number": order.number, "description": description(order)}
    return {name: site[key] for name, key in options.mapping.items()}


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
        self.standard_book: str | None = store.get(STANDARD_BOOK_KEY)
        #: Entries in the order's price book by SKU key, cached or found in this call.
        self.catalog: dict[str, CatalogEntry] = {}
        #: Found in this call: products by SKU key, and which have a standard entry.
        self.products: dict[str, str] = {}
        self.standard_entries: dict[str, CatalogEntry] = {}
        self.new_links: dict[int, OrderLink] = {}
        self.accounts: dict[str, str | None] = {}
        self.stale_skus: set[str] = set()
        #: Orders whose last Composite got no answer: maybe in Salesforce without a link.
        self.unsure: set[int] = set()
        self.newly_unsure: set[int] = set()
        self.unsure_cleared: set[int] = set()

    @property
    def price_book(self) -> str | None:
        return self.options.price_book_id or self.standard_book

    # -- reading ---------------------------------------------------------------------

    def _read(self) -> None:
        orders = {
            entry.id: order_snapshot(int(entry.record_id)) if entry.record_id.isdigit() else None
            for entry in self.entries
        }
        links = load_order_links(self.store, [entry.record_id for entry in self.entries])
        self.unsure = load_unsure(self.store, [entry.record_id for entry in self.entries])
        buyers = load_links(self.store, {order.user_id for order in orders.values() if order is not None})
        contacts = [link.salesforce_id for link in buyers.values()]
        self.accounts = {}
        known_accounts = load_accounts(self.store, contacts)
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
                work.outcome = self._buyer(work, buyers.get(str(order.user_id)), known_accounts)
            self.work.append(work)
        if self.price_book:
            self.catalog = load_entries(self.store, self.price_book, self._skus_to_send())

    def _buyer(self, work: Work, buyer: Link | None, accounts: Mapping[str, str | None]) -> Outcome | None:
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
        return self._account(work, accounts)

    def _account(self, work: Work, accounts: Mapping[str, str | None]) -> Outcome | None:
        """Take the buyer Contact's Account if it is known (else the default); a Failed if neither is."""
        contact = work.contact_id
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
        if self.standard_book:
            self.store.set(STANDARD_BOOK_KEY, self.standard_book)
        if self.price_book:
            save_entries(self.store, self.price_book, self.catalog)
            forget_entries(self.store, self.price_book, self.stale_skus)
        if self.standard_book and self.standard_book != self.price_book:
            save_entries(self.store, self.standard_book, self.standard_entries)
        save_accounts(self.store, self.accounts)
        save_unsure(self.store, self.newly_unsure, self.unsure_cleared - self.newly_unsure)

    # -- the look-up call -------------------------------------------------------------

    def _look_up(self) -> None:
        """One call, only for what is not known yet: the standard price book, the
        products and entries of SKUs never sent, and meanwhile the Account of each
        buyer Contact not read before."""
        unknown = sorted(self._skus_to_send() - set(self.catalog))
        need_book = self.standard_book is None and (bool(unknown) or not self.options.price_book_id)
        unsure = sorted(
            str(work.order.id) for work in self._pending() if work.link is None and work.order.id in self.unsure
        )
        if not unknown and not need_book and not unsure:
            # A buyer's Account alone is read in the order's own Composite.
            return
        contacts = sorted({work.contact_id for work in self._pending() if work.account_id is None and work.contact_id})
        sku_chunks = list(chunked(unknown, SKUS_PER_QUERY)) or [[]]
        contact_chunks = list(chunked(contacts, SKUS_PER_QUERY))
        for n in range(max(len(sku_chunks), len(contact_chunks))):
            request = CompositeRequest(self.client, all_or_none=False)
            if need_book and n == 0:
                self._query(request, "book", "SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1")
            if n < len(sku_chunks) and sku_chunks[n]:
                skus = quote(sku_chunks[n])
                self._query(
                    request,
                    "entries",
                    "SELECT Id, Pricebook2Id, Product2Id, Product2.Sku__c FROM PricebookEntry "
                    f"WHERE Product2.Sku__c IN {skus}",
                )
                self._query(request, "products", f"SELECT Id, Sku__c FROM Product2 WHERE Sku__c IN {skus}")
            if n == 0 and unsure:
                self._query(
                    request, "orders", f"SELECT Id, Status, {ORDER_KEY} FROM Order WHERE {ORDER_KEY} IN {quote(unsure)}"
                )
            if n < len(contact_chunks):
                ids = quote(contact_chunks[n])
                self._query(request, "contacts", f"SELECT Id, AccountId FROM Contact WHERE Id IN {ids}")
            answers = request.send()
            for answer in answers.values():
                if answer.error is not None:
                    raise answer.error
            self._learn(answers)
        for work in self._pending():
            if work.account_id is None and work.contact_id:
                work.outcome = self._account(work, self.accounts)

    def _query(self, request: CompositeRequest, reference: str, soql: str) -> None:
        request.add("GET", f"query?q={quote_plus(soql)}", reference_id=reference)

    def _learn(self, answers: Mapping[str, SubResponse]) -> None:
        if "orders" in answers:
            found = {r[ORDER_KEY]: r for r in answers["orders"].body["records"]}
            for work in self._pending():
                if (record := found.get(str(work.order.id))) is not None:
                    work.link = OrderLink(record["Id"], self.client.instance_url, record["Status"])
            self.unsure_cleared |= self.unsure
        if "book" in answers:
            books = answers["book"].body["records"]
            if not books:
                raise SalesforceError("Salesforce found no standard price book, which orders' products need.")
            self.standard_book = str(books[0]["Id"])
        if "contacts" in answers:
            self.accounts |= {r["Id"]: r["AccountId"] for r in answers["contacts"].body["records"]}
        if "products" in answers:
            self.products |= {sku_key(r[SKU_KEY]): r["Id"] for r in answers["products"].body["records"]}
        if "entries" in answers:
            for record in answers["entries"].body["records"]:
                sku = sku_key(record["Product2"][SKU_KEY])
                entry = CatalogEntry(record["Product2Id"], record["Id"])
                if record["Pricebook2Id"] == self.price_book:
                    self.catalog[sku] = entry
                if record["Pricebook2Id"] == self.standard_book:
                    self.standard_entries[sku] = entry

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
        return sorted(sku for sku in work.skus if sku not in self.catalog and sku not in pack.new_entries)

    def _product_size(self, sku: str) -> int:
        custom = self.options.price_book_id and self.options.price_book_id != self.standard_book
        return (sku not in self.products) + (sku not in self.standard_entries) + bool(custom)

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
            if sku not in self.products:
                product = pack.request.upsert(
                    "Product2", SKU_KEY, item.sku, {"Name": item.name, "IsActive": True}, reference_id=f"product{n}"
                )
                pack.owners[product.reference_id] = sku
            product_id = product.id if product else self.products[sku]
            standard: Reference | None = None
            if sku not in self.standard_entries:
                standard = pack.request.create(
                    "PricebookEntry",
                    self._entry_values(self.standard_book or "", product_id, item),
                    reference_id=f"standard{n}",
                )
                pack.owners[standard.reference_id] = sku
            entry = standard
            custom: Reference | None = None
            if self.options.price_book_id and self.options.price_book_id != self.standard_book:
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
        return pack.new_entries[sku].id if sku in pack.new_entries else self.catalog[sku].entry_id

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
                "Pricebook2Id": self.price_book,
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
            product_id = answers[product.reference_id].body["id"] if product else self.products[sku]
            self.products[sku] = product_id
            if standard is not None:
                self.standard_entries[sku] = CatalogEntry(product_id, answers[standard.reference_id].body["id"])
            if custom is not None:
                self.catalog[sku] = CatalogEntry(product_id, answers[custom.reference_id].body["id"])
            elif standard is not None:
                self.catalog[sku] = self.standard_entries[sku]
        for n, work in enumerate(pack.orders):
            answer = answers[f"order{n}"]
            salesforce_id = str(answer.body["id"])
            if f"buyer{n}" in answers and work.contact_id:
                self.accounts[work.contact_id] = answers[f"buyer{n}"].body.get("AccountId")
            self.new_links[work.order.id] = OrderLink(salesforce_id, self.client.instance_url, work.status)
            if work.link is not None:
                message = f"Order {salesforce_id} set to {work.status}."
            else:
                verb = "Created" if answer.body.get("created", True) else "Updated"
                message = f"{verb} Order {salesforce_id} with {len(work.order.items)} items, {work.status}."
            work.outcome = Done(message, external_id=salesforce_id)

    def _failed(self, pack: _Pack, failure: SubResponse) -> None:
        """Give the failing order (or the orders of a failing product) its outcome."""
        owner = pack.owners.get(failure.reference_id)
        error = failure.error or SalesforceError("Salesforce refused the order without giving a reason.")
        if isinstance(owner, str):
            for work in self._pending():
                if owner in work.skus:
                    work.outcome = Failed(f"The product with SKU {owner} could not be created in Salesforce: {error}")
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
                self.accounts[work.contact_id] = None
            work.account_id = self.options.default_account_id or None
            if work.account_id is None:
                work.outcome = Failed(no_account_sentence(work.contact_id))
        elif reference.startswith("item") and getattr(error, "error_code", "") in STALE_ENTRY_CODES:
            stale = work.skus & set(self.catalog)
            self.stale_skus |= stale
            for sku in stale:
                self.catalog.pop(sku, None)
            work.outcome = RetryLater(
                f"A product's price book entry in Salesforce is not usable any more ({error}); "
                "the order is sent again with the entries read afresh."
            )
        else:
            work.outcome = outcome_for(error)
