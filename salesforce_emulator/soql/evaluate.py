"""Run a parsed query against the store: resolve field paths on the schema, filter, sort, shape.

Field paths are resolved once, before any record is read, so an unknown field fails
with INVALID_FIELD even when the object has no records, as in Salesforce.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from ..dml import _datetime
from ..errors import ApiError, query_error
from ..ids import normalize_id
from ..schema import Field, SObjectType
from ..store import Record
from .parser import BoolOp, Comparison, Condition, Literal, Query, SelectItem, parse

if TYPE_CHECKING:
    from ..state import Org

NUMERIC = {"int", "double", "currency", "percent"}
TEXT = {"string", "email", "phone", "url", "textarea", "picklist", "multipicklist", "combobox", "id", "reference"}


@dataclass
class Path:
    """A resolved field path: relationship hops (reference fields) then the final field."""

    text: str
    hops: list[Field]
    field: Field
    targets: list[SObjectType]


@dataclass
class QueryResult:
    total_size: int
    records: list[dict[str, Any]]


def _error_at(query: Query, position: int, code: str, message: str) -> ApiError:
    return query_error(query.source, position, message, code)


class _Resolver:
    def __init__(self, org: "Org", query: Query, sobject: SObjectType) -> None:
        self.org = org
        self.query = query
        self.sobject = sobject

    def resolve(self, text: str, position: int) -> Path:
        parts = text.split(".")
        if len(parts) > 1 and parts[0].lower() == self.sobject.name.lower():
            parts = parts[1:]
        current = [self.sobject]
        hops: list[Field] = []
        for part in parts[:-1]:
            relation = next((r for s in current if (r := s.relationship(part))), None)
            if relation is None:
                raise _error_at(
                    self.query,
                    position,
                    "INVALID_FIELD",
                    f"Didn't understand relationship '{part}' in "
                    "field path. If you are attempting to use a custom relationship, be sure to append "
                    "the '__r' after the custom relationship name. Please reference your WSDL or the "
                    "describe call for the appropriate names.",
                )
            hops.append(relation)
            current = [t for t in (self.org.schema.get(n) for n in relation.reference_to) if t]
        name = parts[-1]
        field = next((f for s in current if (f := s.field(name))), None)
        if field is None:
            entity = current[0].name if current else self.sobject.name
            raise _error_at(
                self.query,
                position,
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{entity}'. "
                "If you are attempting to use a custom field, be sure to append the '__c' after the "
                "custom field name. Please reference your WSDL or the describe call for the "
                "appropriate names.",
            )
        return Path(text, hops, field, current)


def run_query(org: "Org", source: str, include_deleted: bool, version: str) -> QueryResult:
    query = parse(source)
    sobject = org.schema.get(query.sobject)
    if sobject is None:
        raise _error_at(
            query,
            query.sobject_position,
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not "
            "supported. If you are attempting to use a custom object, be sure to append the '__c' after "
            "the entity name. Please reference your WSDL or the describe call for the appropriate names.",
        )
    resolver = _Resolver(org, query, sobject)
    counts = [item for item in query.items if item.count]
    if counts and len(counts) != len(query.items):
        plain = next(item for item in query.items if not item.count)
        raise _error_at(query, plain.position, "MALFORMED_QUERY", f"Field must be grouped or aggregated: {plain.path}")
    paths = {item.path.lower(): resolver.resolve(item.path, item.position) for item in query.items if item.path}
    condition = _compile(resolver, query.where) if query.where else None
    orders = [(resolver.resolve(o.path, o.position), o) for o in query.order_by]

    rows = [r for r in org.store.records(sobject.name, include_deleted) if condition is None or condition(r)]
    for path, order in reversed(orders):
        present = [r for r in rows if _value(org, r, path) is not None]
        absent = [r for r in rows if _value(org, r, path) is None]
        present.sort(key=lambda r: _sort_key(_value(org, r, path)), reverse=not order.ascending)
        rows = absent + present if order.nulls_first else present + absent
    rows = rows[query.offset :]
    if query.limit is not None:
        rows = rows[: query.limit]

    if counts:
        if counts[0].path is None:
            return QueryResult(len(rows), [])
        aggregate: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
        for index, item in enumerate(counts):
            path = paths[item.path.lower()]  # type: ignore[union-attr]
            aggregate[item.alias or f"expr{index}"] = sum(1 for r in rows if _value(org, r, path) is not None)
        return QueryResult(1, [aggregate])
    return QueryResult(len(rows), [_shape(org, sobject, r, query.items, paths, version) for r in rows])


def _sort_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _value(org: "Org", record: Record | None, path: Path) -> Any:
    for hop in path.hops:
        if record is None:
            return None
        record = _parent(org, record, hop)
    return None if record is None else record.get(path.field.name)


def _parent(org: "Org", record: Record, hop: Field) -> Record | None:
    parent_id = record.get(hop.name)
    if not parent_id:
        return None
    target = org.schema.by_prefix(parent_id[:3])
    return org.store.get(target.name, parent_id) if target else None


def _attributes(sobject_name: str, record_id: str, version: str) -> dict[str, str]:
    return {"type": sobject_name, "url": f"/services/data/v{version}/sobjects/{sobject_name}/{record_id}"}


def _shape(
    org: "Org", sobject: SObjectType, record: Record, items: list[SelectItem], paths: dict[str, Path], version: str
) -> dict[str, Any]:
    """A query row: selected fields in order, parent fields nested under their relationship name."""
    row: dict[str, Any] = {"attributes": _attributes(sobject.name, record["Id"], version)}
    for item in items:
        path = paths[item.path.lower()]  # type: ignore[union-attr]
        target: dict[str, Any] | None = row
        current: Record | None = record
        for hop in path.hops:
            key = hop.relationship_name or hop.name
            current = _parent(org, current, hop) if current else None
            if target is None:
                break
            if current is None:
                target.setdefault(key, None)
                target = None
                break
            nested = target.get(key)
            if nested is None:
                parent_type = org.schema.by_prefix(current["Id"][:3])
                nested = {"attributes": _attributes(parent_type.name if parent_type else "", current["Id"], version)}
                target[key] = nested
            target = nested
        if target is not None:
            target[path.field.name] = current.get(path.field.name) if current else None
    return row


def _compile(resolver: _Resolver, condition: Condition) -> Any:
    if isinstance(condition, BoolOp):
        parts = [_compile(resolver, c) for c in condition.operands]
        if condition.operator == "AND":
            return lambda r: all(p(r) for p in parts)
        if condition.operator == "OR":
            return lambda r: any(p(r) for p in parts)
        return lambda r: not parts[0](r)
    return _compile_comparison(resolver, condition)


def _compile_comparison(resolver: _Resolver, comparison: Comparison) -> Any:
    org = resolver.org
    path = resolver.resolve(comparison.path, comparison.position)
    field = path.field
    operator = comparison.operator
    literals = comparison.value if isinstance(comparison.value, list) else [comparison.value]
    values = [_literal(resolver, comparison, field, literal) for literal in literals]

    if operator in ("INCLUDES", "EXCLUDES"):
        if field.type != "multipicklist":
            raise _error_at(
                resolver.query,
                comparison.position,
                "INVALID_FIELD",
                "includes or excludes operator only valid on multipicklist field",
            )
        wanted = [{p.lower() for p in str(v).split(";")} for v in values]

        def includes(record: Record) -> bool:
            current = _value(org, record, path)
            chosen = {p.lower() for p in current.split(";")} if current else set()
            hit = any(w <= chosen for w in wanted)
            return hit if operator == "INCLUDES" else not hit

        return includes

    if operator == "LIKE":
        pattern = _like(str(values[0]))
        return lambda r: (v := _value(org, r, path)) is not None and bool(pattern.match(str(v)))

    def normal(value: Any) -> Any:
        if isinstance(value, str):
            if field.type == "multipicklist":
                return frozenset(p.lower() for p in value.split(";"))
            return value.lower()
        return value

    if any(isinstance(v, DateRange) for v in values):
        return _compile_range(org, path, operator, [v for v in values if isinstance(v, DateRange)])

    targets = [normal(v) for v in values]
    if operator in ("IN", "NOT IN"):
        members = set(targets)
        negate = operator == "NOT IN"
        return lambda r: (normal(_value(org, r, path)) in members) != negate
    target = targets[0]
    if operator == "=":
        return lambda r: normal(_value(org, r, path)) == target
    if operator == "!=":
        return lambda r: normal(_value(org, r, path)) != target
    compare = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[
        operator
    ]

    def ordered(record: Record) -> bool:
        current = normal(_value(org, record, path))
        if current is None or target is None:
            return False
        try:
            return compare(current, target)
        except TypeError:
            return False

    return ordered


def _literal(resolver: _Resolver, comparison: Comparison, field: Field, literal: Literal) -> Any:
    """Check a literal against the field's type the way Salesforce does, and normalize it."""
    if literal.kind == "null":
        return None
    kind = field.type
    if kind == "boolean" and literal.kind != "boolean" or kind in NUMERIC and literal.kind != "number":
        expected = "boolean" if kind == "boolean" else "number"
        raise _error_at(
            resolver.query,
            comparison.position,
            "INVALID_FIELD",
            f"value of filter criterion for field '{field.name}' must be of type {expected} and should "
            "not be enclosed in quotes",
        )
    if kind in TEXT and literal.kind != "string":
        raise _error_at(
            resolver.query,
            comparison.position,
            "INVALID_FIELD",
            f"value of filter criterion for field '{field.name}' must be of type string and should be "
            "enclosed in quotes",
        )
    if kind in ("id", "reference"):
        normalized = normalize_id(str(literal.value))
        if normalized is None and comparison.operator not in ("LIKE",):
            raise ApiError.of(400, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {literal.value}")
        return normalized or literal.value
    if kind in ("date", "datetime") and literal.kind == "dateliteral":
        name, days = cast(tuple[str, int], literal.value)
        return _date_range(resolver.org, kind, name, days)
    if kind == "datetime" and literal.kind == "datetime":
        return _datetime(literal.value)
    if kind == "date" and literal.kind == "date":
        return literal.value
    if kind in ("date", "datetime"):
        raise _error_at(
            resolver.query,
            comparison.position,
            "INVALID_FIELD",
            f"value of filter criterion for field '{field.name}' must be of type {kind} and should not "
            "be enclosed in quotes",
        )
    return literal.value


@dataclass(frozen=True)
class DateRange:
    """What a date literal such as TODAY or LAST_N_DAYS:7 stands for: ``start <= value < end``,
    both in the field's stored format so they compare as strings."""

    start: str
    end: str


_RANGES = {  # name -> (first day, day after the last) relative to today, for n days
    "TODAY": lambda n: (0, 1),
    "YESTERDAY": lambda n: (-1, 0),
    "TOMORROW": lambda n: (1, 2),
    "LAST_N_DAYS": lambda n: (-n, 1),
    "NEXT_N_DAYS": lambda n: (1, n + 1),
    "N_DAYS_AGO": lambda n: (-n, -n + 1),
}


def _date_range(org: "Org", kind: str, name: str, days: int) -> DateRange:
    """Days are whole UTC days (the emulated user's time zone is GMT) on the emulator's clock."""
    today = datetime.fromtimestamp(org.clock.now(), tz=UTC).date()
    first, after = _RANGES[name](days)

    def bound(offset: int) -> str:
        day = (today + timedelta(days=offset)).isoformat()
        return day if kind == "date" else f"{day}T00:00:00.000+0000"

    return DateRange(bound(first), bound(after))


def _compile_range(org: "Org", path: Path, operator: str, ranges: list[DateRange]) -> Any:
    tests = {
        "=": lambda v, r: r.start <= v < r.end,
        "IN": lambda v, r: r.start <= v < r.end,
        "!=": lambda v, r: not r.start <= v < r.end,
        "NOT IN": lambda v, r: not r.start <= v < r.end,
        "<": lambda v, r: v < r.start,
        "<=": lambda v, r: v < r.end,
        ">": lambda v, r: v >= r.end,
        ">=": lambda v, r: v >= r.start,
    }
    test = tests[operator]
    combine = all if operator in ("!=", "NOT IN") else any

    def matches(record: Record) -> bool:
        value = _value(org, record, path)
        return value is not None and combine(test(value, r) for r in ranges)

    return matches


def _like(pattern: str) -> re.Pattern[str]:
    regex = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            regex += re.escape(pattern[index + 1])
            index += 2
            continue
        regex += ".*" if char == "%" else "." if char == "_" else re.escape(char)
        index += 1
    return re.compile(regex + r"\Z", re.IGNORECASE | re.DOTALL)
