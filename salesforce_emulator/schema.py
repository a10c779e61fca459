"""Object and field metadata: the single source for describe, validation and SOQL.

Names are case-insensitive in Salesforce, so lookups go through lower-cased keys while
responses always use the canonical API name.
"""

from dataclasses import dataclass, field
from typing import Any

from .ids import custom_key_prefix

STRING_TYPES = {
    "string",
    "email",
    "phone",
    "url",
    "textarea",
    "picklist",
    "multipicklist",
    "id",
    "reference",
    "combobox",
}
SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}


@dataclass
class Field:
    name: str
    type: str = "string"
    label: str = ""
    length: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    default_value: Any = None
    picklist_values: list[str] = field(default_factory=list)
    restricted_picklist: bool = False
    external_id: bool = False
    id_lookup: bool = False
    unique: bool = False
    reference_to: list[str] = field(default_factory=list)
    relationship_name: str | None = None
    custom: bool = False
    precision: int = 0
    scale: int = 0
    auto_number: bool = False
    calculated: bool = False

    def __post_init__(self) -> None:
        if not self.label:
            self.label = _label_from_name(self.name)
        if not self.length and self.type in STRING_TYPES:
            self.length = {"id": 18, "reference": 18, "textarea": 32000, "multipicklist": 4099}.get(self.type, 255)
        if self.external_id or self.type == "id":
            self.id_lookup = True

    @property
    def required(self) -> bool:
        """Salesforce's own rule: not nillable, createable and not defaulted on create."""
        return not self.nillable and self.createable and not self.defaulted_on_create

    def describe(self) -> dict[str, Any]:
        picklist = [
            {
                "active": True,
                "defaultValue": value == self.default_value,
                "label": value,
                "validFor": None,
                "value": value,
            }
            for value in self.picklist_values
        ]
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "soapType": SOAP_TYPES.get(self.type, "xsd:string"),
            "length": self.length if self.type in STRING_TYPES else 0,
            "byteLength": self.length * 3 if self.type in STRING_TYPES else 0,
            "createable": self.createable,
            "updateable": self.updateable,
            "nillable": self.nillable,
            "defaultedOnCreate": self.defaulted_on_create,
            "custom": self.custom,
            "externalId": self.external_id,
            "idLookup": self.id_lookup,
            "unique": self.unique,
            "caseSensitive": False,
            "nameField": self.name == "Name",
            "filterable": self.type != "textarea",
            "sortable": self.type not in ("textarea", "multipicklist"),
            "groupable": self.type not in ("textarea", "multipicklist", "double", "currency"),
            "calculated": self.calculated,
            "autoNumber": self.auto_number,
            "restrictedPicklist": self.restricted_picklist,
            "dependentPicklist": False,
            "controllerName": None,
            "picklistValues": picklist,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name,
            "defaultValue": self.default_value if self.type != "picklist" else None,
            "defaultValueFormula": None,
            "precision": self.precision,
            "scale": self.scale,
            "digits": 0,
            "inlineHelpText": None,
            "htmlFormatted": False,
            "encrypted": False,
            "polymorphicForeignKey": len(self.reference_to) > 1,
        }


@dataclass
class SObjectType:
    name: str
    key_prefix: str
    label: str = ""
    label_plural: str = ""
    custom: bool = False
    fields: dict[str, Field] = field(default_factory=dict)
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    upsertable: bool = True
    compound_name: bool = False

    def __post_init__(self) -> None:
        self.label = self.label or _label_from_name(self.name)
        self.label_plural = self.label_plural or self.label + "s"

    def add(self, new: Field) -> Field:
        self.fields[new.name.lower()] = new
        return new

    def field(self, name: str) -> Field | None:
        return self.fields.get(name.lower())

    def relationship(self, name: str) -> Field | None:
        """The reference field behind a relationship name such as ``Account`` or ``Partner__r``."""
        lowered = name.lower()
        for candidate in self.fields.values():
            if candidate.relationship_name and candidate.relationship_name.lower() == lowered:
                return candidate
        return None

    def summary(self, version: str) -> dict[str, Any]:
        base = f"/services/data/v{version}/sobjects/{self.name}"
        return {
            "name": self.name,
            "label": self.label,
            "labelPlural": self.label_plural,
            "keyPrefix": self.key_prefix,
            "custom": self.custom,
            "createable": self.createable,
            "updateable": self.updateable,
            "deletable": self.deletable,
            "queryable": True,
            "searchable": self.name != "TopicAssignment",
            "layoutable": True,
            "retrieveable": True,
            "undeletable": self.deletable,
            "triggerable": True,
            "feedEnabled": not self.custom,
            "mergeable": self.name in ("Contact", "Lead", "Account"),
            "urls": {"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"},
        }

    def describe(self, version: str, child_relationships: list[dict[str, Any]]) -> dict[str, Any]:
        """The full describe; ``child_relationships`` come from the objects that reference this one."""
        result = self.summary(version)
        result.update(
            {
                "fields": [f.describe() for f in self.fields.values()],
                "childRelationships": child_relationships,
                "recordTypeInfos": [],
                "supportedScopes": [{"label": "All " + self.label_plural.lower(), "name": "everything"}],
                "urls": {**result["urls"], "compactLayouts": result["urls"]["sobject"] + "/describe/compactLayouts"},
            }
        )
        return result


def _label_from_name(name: str) -> str:
    base = name[:-3] if name.endswith("__c") else name
    if base.endswith("Id") and len(base) > 2:
        base = base[:-2] + " ID"
    words: list[str] = []
    for part in base.split("_"):
        current = ""
        for char in part:
            if char.isupper() and current and not current[-1].isupper():
                words.append(current)
                current = char
            else:
                current += char
        if current:
            words.append(current)
    return " ".join(words)


def _system_fields(owner: bool = True, modifiable: bool = True) -> list[Field]:
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    result = [Field("Id", "id", nillable=False, defaulted_on_create=True, **ro)]
    if owner:
        result.append(
            Field(
                "OwnerId",
                "reference",
                "Owner ID",
                nillable=False,
                defaulted_on_create=True,
                reference_to=["User"],
                relationship_name="Owner",
            )
        )
    result += [
        Field("IsDeleted", "boolean", "Deleted", nillable=False, defaulted_on_create=True, **ro),
        Field("CreatedDate", "datetime", nillable=False, defaulted_on_create=True, **ro),
        Field(
            "CreatedById",
            "reference",
            "Created By ID",
            nillable=False,
            defaulted_on_create=True,
            reference_to=["User"],
            relationship_name="CreatedBy",
            **ro,
        ),
    ]
    if modifiable:
        result += [
            Field("LastModifiedDate", "datetime", nillable=False, defaulted_on_create=True, **ro),
            Field(
                "LastModifiedById",
                "reference",
                "Last Modified By ID",
                nillable=False,
                defaulted_on_create=True,
                reference_to=["User"],
                relationship_name="LastModifiedBy",
                **ro,
            ),
        ]
    result.append(
        Field("SystemModstamp", "datetime", "System Modstamp", nillable=False, defaulted_on_create=True, **ro)
    )
    return result


LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
INDUSTRIES = ["Agriculture", "Banking", "Education", "Manufacturing", "Retail", "Technology", "Other"]
LEAD_STATUSES = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"]


def _person_fields(lead: bool) -> list[Field]:
    prefix = "" if lead else "Mailing"
    fields = [
        Field("LastName", "string", length=80, nillable=False),
        Field("FirstName", "string", length=40),
        Field("Salutation", "picklist", picklist_values=["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]),
        Field("Name", "string", "Full Name", length=121, createable=False, updateable=False),
        Field("Title", "string", length=128),
        Field("Email", "email", length=80, id_lookup=True),
        Field("Phone", "phone", "Phone" if lead else "Business Phone", length=40),
        Field("MobilePhone", "phone", "Mobile Phone", length=40),
        Field("Fax", "phone", "Business Fax", length=40),
        Field("LeadSource", "picklist", "Lead Source", picklist_values=LEAD_SOURCES),
        Field(
            "HasOptedOutOfEmail",
            "boolean",
            "Email Opt Out",
            nillable=False,
            defaulted_on_create=True,
            default_value=False,
        ),
        Field("Description", "textarea", length=32000),
        Field(prefix + "Street", "textarea", length=255),
        Field(prefix + "City", "string", length=40),
        Field(prefix + "State", "string", "State/Province", length=80),
        Field(prefix + "PostalCode", "string", "Zip/Postal Code", length=20),
        Field(prefix + "Country", "string", length=80),
    ]
    if lead:
        fields += [
            Field("Company", "string", length=255, nillable=False),
            Field(
                "Status",
                "picklist",
                nillable=False,
                defaulted_on_create=True,
                default_value=LEAD_STATUSES[0],
                picklist_values=LEAD_STATUSES,
            ),
            Field("Industry", "picklist", picklist_values=INDUSTRIES),
            Field("Rating", "picklist", picklist_values=["Hot", "Warm", "Cold"]),
            Field("Website", "url", length=255),
            Field("NumberOfEmployees", "int", "Employees"),
            Field("AnnualRevenue", "currency", precision=18, scale=0),
            Field(
                "IsConverted",
                "boolean",
                "Converted",
                nillable=False,
                defaulted_on_create=True,
                default_value=False,
                createable=False,
                updateable=False,
            ),
        ]
    else:
        fields += [
            Field("AccountId", "reference", "Account ID", reference_to=["Account"], relationship_name="Account"),
            Field("Department", "string", length=80),
            Field("Birthdate", "date"),
        ]
    return fields


def _object(
    name: str, prefix: str, fields: list[Field], owner: bool = True, modifiable: bool = True, **options: Any
) -> SObjectType:
    sobject = SObjectType(name, prefix, **options)
    system = _system_fields(owner=owner, modifiable=modifiable)
    for item in system[:1] + fields + system[1:]:
        sobject.add(item)
    return sobject


ORGANIZATION_TYPES = [
    "Developer Edition",
    "Enterprise Edition",
    "Professional Edition",
    "Unlimited Edition",
    "Performance Edition",
    "Essentials Edition",
]


def _organization() -> SObjectType:
    """The org itself: one record whose Id is the org ID, read by SOQL and describe only.

    Salesforce gives it no IsDeleted or OwnerId, and the API cannot insert, update or delete it.
    """
    ro: dict[str, Any] = {"createable": False, "updateable": False}
    organization = _object(
        "Organization",
        "00D",
        [
            Field("Name", "string", length=80, nillable=False, **ro),
            Field("Division", "string", length=80, **ro),
            Field("City", "string", length=40, **ro),
            Field("Country", "string", length=80, **ro),
            Field("PrimaryContact", "string", "Primary Contact", length=80, **ro),
            Field("OrganizationType", "picklist", "Edition", picklist_values=ORGANIZATION_TYPES, **ro),
            Field("IsSandbox", "boolean", "Is Sandbox", nillable=False, defaulted_on_create=True, **ro),
            Field("InstanceName", "string", "Instance Name", length=5, **ro),
            Field("NamespacePrefix", "string", "Namespace Prefix", length=15, **ro),
            Field("TrialExpirationDate", "datetime", "Trial Expiration Date", **ro),
            Field("LanguageLocaleKey", "string", "Language", length=40, **ro),
            Field("TimeZoneSidKey", "string", "Time Zone", length=40, **ro),
        ],
        owner=False,
        label="Organization",
        createable=False,
        updateable=False,
        deletable=False,
        upsertable=False,
    )
    del organization.fields["isdeleted"]
    return organization


def standard_objects() -> list[SObjectType]:
    """Standard objects with their real API names, types, lengths and required fields."""
    name_required = Field("Name", "string", length=255, nillable=False)
    return [
        _object(
            "Account",
            "001",
            [
                name_required,
                Field(
                    "Type",
                    "picklist",
                    "Account Type",
                    picklist_values=["Prospect", "Customer - Direct", "Partner", "Other"],
                ),
                Field("Industry", "picklist", picklist_values=INDUSTRIES),
                Field("Phone", "phone", "Account Phone", length=40),
                Field("Website", "url", length=255),
                Field("Description", "textarea", length=32000),
                Field("NumberOfEmployees", "int", "Employees"),
                Field("BillingCity", "string", length=40),
                Field("BillingCountry", "string", length=80),
            ],
        ),
        _object("Contact", "003", _person_fields(lead=False), compound_name=True),
        _object("Lead", "00Q", _person_fields(lead=True), compound_name=True),
        _object(
            "Topic",
            "0TO",
            [
                Field("Name", "string", length=99, nillable=False, id_lookup=True),
                Field("Description", "textarea", length=1000),
                Field(
                    "ManagedTopicType", "string", "Managed Topic Type", length=255, createable=False, updateable=False
                ),
                Field(
                    "TalkingAbout",
                    "int",
                    "Talking About",
                    createable=False,
                    updateable=False,
                    nillable=False,
                    defaulted_on_create=True,
                    default_value=0,
                ),
                Field("NetworkId", "reference", "Network ID", reference_to=["Network"], relationship_name="Network"),
            ],
            owner=False,
        ),
        _object(
            "TopicAssignment",
            "0FT",
            [
                Field(
                    "TopicId",
                    "reference",
                    "Topic ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["Topic"],
                    relationship_name="Topic",
                ),
                Field(
                    "EntityId",
                    "reference",
                    "Entity ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["Account", "Contact", "Lead", "Order"],
                    relationship_name="Entity",
                ),
                Field(
                    "EntityKeyPrefix",
                    "string",
                    "Entity Key Prefix",
                    length=3,
                    createable=False,
                    updateable=False,
                    nillable=False,
                    defaulted_on_create=True,
                ),
                Field(
                    "EntityType",
                    "string",
                    "Entity Type",
                    length=255,
                    createable=False,
                    updateable=False,
                    nillable=False,
                    defaulted_on_create=True,
                ),
                Field(
                    "NetworkId",
                    "reference",
                    "Network ID",
                    updateable=False,
                    reference_to=["Network"],
                    relationship_name="Network",
                ),
            ],
            owner=False,
            modifiable=False,
            updateable=False,
            upsertable=False,
        ),
        _object(
            "User",
            "005",
            [
                Field("Username", "string", length=80, nillable=False, unique=True, id_lookup=True),
                Field("LastName", "string", length=80, nillable=False),
                Field("FirstName", "string", length=40),
                Field("Name", "string", "Full Name", length=121, createable=False, updateable=False),
                Field("Email", "email", length=128, nillable=False),
                Field("Alias", "string", length=8, nillable=False),
                Field("IsActive", "boolean", "Active", nillable=False, defaulted_on_create=True, default_value=True),
                Field(
                    "TimeZoneSidKey",
                    "picklist",
                    "Time Zone",
                    nillable=False,
                    defaulted_on_create=True,
                    default_value="GMT",
                    picklist_values=["GMT", "Europe/London", "America/Los_Angeles"],
                    restricted_picklist=True,
                ),
            ],
            owner=False,
            compound_name=True,
            createable=False,
            deletable=False,
            upsertable=False,
        ),
        _organization(),
        _object(
            "Product2",
            "01t",
            [
                Field("Name", "string", "Product Name", length=255, nillable=False),
                Field("ProductCode", "string", "Product Code", length=255),
                Field("Description", "textarea", "Product Description", length=4000),
                Field("IsActive", "boolean", "Active", nillable=False, defaulted_on_create=True, default_value=False),
                Field("Family", "picklist", "Product Family", picklist_values=["None"]),
            ],
            owner=False,
        ),
        _object(
            "Pricebook2",
            "01s",
            [
                Field("Name", "string", "Price Book Name", length=255, nillable=False),
                Field("IsActive", "boolean", "Active", nillable=False, defaulted_on_create=True, default_value=False),
                Field(
                    "IsStandard",
                    "boolean",
                    "Is Standard Price Book",
                    nillable=False,
                    defaulted_on_create=True,
                    default_value=False,
                    createable=False,
                    updateable=False,
                ),
                Field("Description", "string", length=255),
            ],
            owner=False,
        ),
        _object(
            "PricebookEntry",
            "01u",
            [
                Field(
                    "Pricebook2Id",
                    "reference",
                    "Price Book ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["Pricebook2"],
                    relationship_name="Pricebook2",
                ),
                Field(
                    "Product2Id",
                    "reference",
                    "Product ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["Product2"],
                    relationship_name="Product2",
                ),
                Field("UnitPrice", "currency", "List Price", nillable=False, precision=18, scale=2),
                Field("IsActive", "boolean", "Active", nillable=False, defaulted_on_create=True, default_value=False),
                Field(
                    "UseStandardPrice",
                    "boolean",
                    "Use Standard Price",
                    nillable=False,
                    defaulted_on_create=True,
                    default_value=False,
                ),
            ],
            owner=False,
        ),
        _object(
            "Order",
            "801",
            [
                Field(
                    "AccountId",
                    "reference",
                    "Account ID",
                    nillable=False,
                    reference_to=["Account"],
                    relationship_name="Account",
                ),
                Field("EffectiveDate", "date", "Order Start Date", nillable=False),
                Field(
                    "Status",
                    "picklist",
                    nillable=False,
                    picklist_values=["Draft", "Activated"],
                    restricted_picklist=True,
                ),
                Field(
                    "Pricebook2Id",
                    "reference",
                    "Price Book ID",
                    reference_to=["Pricebook2"],
                    relationship_name="Pricebook2",
                ),
                Field(
                    "BillToContactId",
                    "reference",
                    "Bill To Contact ID",
                    reference_to=["Contact"],
                    relationship_name="BillToContact",
                ),
                Field(
                    "OrderNumber",
                    "string",
                    "Order Number",
                    length=30,
                    createable=False,
                    updateable=False,
                    nillable=False,
                    defaulted_on_create=True,
                    auto_number=True,
                ),
                Field(
                    "TotalAmount",
                    "currency",
                    "Order Amount",
                    createable=False,
                    updateable=False,
                    nillable=False,
                    defaulted_on_create=True,
                    default_value=0.0,
                    precision=18,
                    scale=2,
                    calculated=True,
                ),
                Field("Description", "textarea", length=32000),
            ],
        ),
        _object(
            "OrderItem",
            "802",
            [
                Field(
                    "OrderId",
                    "reference",
                    "Order ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["Order"],
                    relationship_name="Order",
                ),
                Field(
                    "PricebookEntryId",
                    "reference",
                    "Price Book Entry ID",
                    nillable=False,
                    updateable=False,
                    reference_to=["PricebookEntry"],
                    relationship_name="PricebookEntry",
                ),
                Field(
                    "Product2Id",
                    "reference",
                    "Product ID",
                    createable=False,
                    updateable=False,
                    reference_to=["Product2"],
                    relationship_name="Product2",
                ),
                Field("Quantity", "double", nillable=False, precision=18, scale=2),
                Field("UnitPrice", "currency", "Unit Price", nillable=False, precision=18, scale=2),
                Field(
                    "TotalPrice",
                    "currency",
                    "Total Price",
                    createable=False,
                    updateable=False,
                    precision=18,
                    scale=2,
                    calculated=True,
                ),
            ],
            owner=False,
        ),
    ]


def field_from_definition(definition: dict[str, Any]) -> Field:
    """A custom field from its JSON definition (describe-style keys); the name must end in ``__c``."""
    name = definition["name"]
    if not name.endswith("__c"):
        raise ValueError(f"custom field names end in __c: {name}")
    kind = definition.get("type", "string")
    reference_to = list(definition.get("referenceTo", []))
    required = bool(definition.get("required", False))
    default = definition.get("defaultValue", False if kind == "boolean" else None)
    return Field(
        name,
        kind,
        definition.get("label", ""),
        int(definition.get("length", 0)),
        nillable=kind != "boolean" and not required,
        defaulted_on_create=kind == "boolean" or default is not None,
        default_value=default,
        picklist_values=list(definition.get("picklistValues", [])),
        restricted_picklist=bool(definition.get("restrictedPicklist", False)),
        external_id=bool(definition.get("externalId", False)),
        unique=bool(definition.get("unique", False)),
        reference_to=reference_to,
        relationship_name=name[:-3] + "__r" if reference_to else None,
        custom=True,
        precision=int(definition.get("precision", 18 if kind in ("double", "currency") else 0)),
        scale=int(definition.get("scale", 0)),
    )


# Salesforce's names for the standard child relationships of the emulated objects; other standard
# references (CreatedById, OwnerId, ...) have none, as in Salesforce.
CHILD_RELATIONSHIP_NAMES = {
    ("Contact", "AccountId"): "Contacts",
    ("Order", "AccountId"): "Orders",
    ("Order", "Pricebook2Id"): "Orders",
    ("OrderItem", "OrderId"): "OrderItems",
    ("OrderItem", "PricebookEntryId"): "OrderItems",
    ("OrderItem", "Product2Id"): "OrderItems",
    ("PricebookEntry", "Pricebook2Id"): "PricebookEntries",
    ("PricebookEntry", "Product2Id"): "PricebookEntries",
    ("TopicAssignment", "EntityId"): "TopicAssignments",
    ("TopicAssignment", "TopicId"): "TopicAssignments",
}
# Children Salesforce deletes with their parent (master-detail, and topic assignments).
CASCADE_DELETES = {("TopicAssignment", "EntityId"), ("TopicAssignment", "TopicId"), ("OrderItem", "OrderId")}


class Schema:
    """All object types of the org, looked up case-insensitively by name or key prefix."""

    def __init__(self) -> None:
        self.objects: dict[str, SObjectType] = {}
        self._custom_count = 10
        for sobject in standard_objects():
            self.objects[sobject.name.lower()] = sobject

    def get(self, name: str) -> SObjectType | None:
        return self.objects.get(name.lower())

    def child_relationships(self, parent: SObjectType) -> list[dict[str, Any]]:
        """Every reference field of any object that points at ``parent``, as describe lists them;
        clients build parent-to-child queries from the relationship names."""
        result = []
        for child in self.objects.values():
            for reference in child.fields.values():
                if parent.name not in reference.reference_to:
                    continue
                key = (child.name, reference.name)
                if reference.custom:
                    name: str | None = child.label_plural.replace(" ", "") + "__r"
                else:
                    name = CHILD_RELATIONSHIP_NAMES.get(key)
                result.append(
                    {
                        "cascadeDelete": key in CASCADE_DELETES,
                        "childSObject": child.name,
                        "deprecatedAndHidden": False,
                        "field": reference.name,
                        "junctionIdListNames": [],
                        "junctionReferenceTo": [],
                        "relationshipName": name,
                        "restrictedDelete": False,
                    }
                )
        return result

    def by_prefix(self, prefix: str) -> SObjectType | None:
        for sobject in self.objects.values():
            if sobject.key_prefix == prefix:
                return sobject
        return None

    def define_object(self, definition: dict[str, Any]) -> SObjectType:
        name = definition["name"]
        if not name.endswith("__c"):
            raise ValueError(f"custom object names end in __c: {name}")
        if self.get(name):
            raise ValueError(f"object {name} already exists")
        prefix = custom_key_prefix(self._custom_count)
        self._custom_count += 1
        label = definition.get("label", "")
        sobject = _object(
            name,
            prefix,
            [
                Field(
                    "Name",
                    "string",
                    (label or _label_from_name(name)) + " Name",
                    80,
                    nillable=False,
                    defaulted_on_create=True,
                )
            ],
            label=label,
            label_plural=definition.get("labelPlural", ""),
            custom=True,
        )
        self.objects[name.lower()] = sobject
        for item in definition.get("fields", []):
            self.define_field(name, item)
        return sobject

    def define_field(self, object_name: str, definition: dict[str, Any]) -> Field:
        sobject = self.get(object_name)
        if sobject is None:
            raise ValueError(f"no such object: {object_name}")
        new = field_from_definition(definition)
        if sobject.field(new.name):
            raise ValueError(f"field {new.name} already exists on {sobject.name}")
        return sobject.add(new)
