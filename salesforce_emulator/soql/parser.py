"""A recursive-descent parser from SOQL tokens to a small query tree.

One function per grammar rule, each consuming tokens and returning a node::

    query      := SELECT items FROM name [WHERE condition] [ORDER BY orders] [LIMIT n] [OFFSET n]
    items      := item ("," item)*          item := COUNT "(" [path] ")" [alias] | path
    condition  := not (AND not)* | not (OR not)*      (AND and OR never mixed without parentheses)
    not        := NOT not | "(" condition ")" | comparison
    comparison := path (op value | [NOT] IN list | [NOT] LIKE string | INCLUDES list | EXCLUDES list)
    value      := string | number | date | datetime | TRUE | FALSE | NULL | date literal
"""

from dataclasses import dataclass, field

from ..errors import ApiError, malformed_query, query_error
from .lexer import Token, tokenize, unexpected

MAX_OFFSET = 2000
DATE_LITERALS = {"TODAY", "YESTERDAY", "TOMORROW"}
N_DATE_LITERALS = {"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO"}

CLAUSE_WORDS = {
    "SELECT",
    "FROM",
    "WHERE",
    "ORDER",
    "BY",
    "LIMIT",
    "OFFSET",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "INCLUDES",
    "EXCLUDES",
    "ASC",
    "DESC",
    "NULLS",
    "GROUP",
    "HAVING",
}


@dataclass
class Literal:
    kind: str  # string, number, boolean, null, date, datetime, dateliteral (value: (name, n))
    value: object


@dataclass
class Comparison:
    path: str
    operator: str  # = != < <= > >= IN NOT IN LIKE INCLUDES EXCLUDES
    value: Literal | list[Literal]
    position: int


@dataclass
class BoolOp:
    operator: str  # AND, OR, NOT
    operands: list["Condition"]


Condition = Comparison | BoolOp


@dataclass
class SelectItem:
    path: str | None
    count: bool = False
    alias: str | None = None
    position: int = 0


@dataclass
class Order:
    path: str
    ascending: bool = True
    nulls_first: bool = True
    position: int = 0


@dataclass
class Query:
    source: str
    items: list[SelectItem]
    sobject: str
    sobject_position: int
    where: Condition | None = None
    order_by: list[Order] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0


#: Salesforce's limit on a SOQL statement's length, wherever it is sent (REST, Composite, Bulk).
MAX_LENGTH = 100_000


def parse(source: str) -> Query:
    if len(source) > MAX_LENGTH:
        raise malformed_query(f"SOQL statements cannot be longer than {MAX_LENGTH:,} characters")
    return _Parser(source).query()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def fail(self, token: Token | None = None) -> Exception:
        token = token or self.current
        return unexpected(self.source, token.text, token.position)

    def expect_keyword(self, *words: str) -> Token:
        if not self.current.is_keyword(*words):
            raise self.fail()
        return self.advance()

    def expect(self, text: str) -> Token:
        if self.current.text != text:
            raise self.fail()
        return self.advance()

    def query(self) -> Query:
        self.expect_keyword("SELECT")
        items = [self.item()]
        while self.current.text == ",":
            self.advance()
            items.append(self.item())
        self.expect_keyword("FROM")
        name = self.current
        if name.kind != "ident" or "." in name.text or not self._object_name(name):
            raise self.fail()
        self.advance()
        query = Query(self.source, items, name.text, name.position)
        if self.current.is_keyword("WHERE"):
            self.advance()
            query.where = self.condition()
        if self.current.is_keyword("ORDER"):
            self.advance()
            self.expect_keyword("BY")
            query.order_by.append(self.order())
            while self.current.text == ",":
                self.advance()
                query.order_by.append(self.order())
        if self.current.is_keyword("LIMIT"):
            self.advance()
            query.limit = self.integer()
        if self.current.is_keyword("OFFSET"):
            self.advance()
            query.offset = self.integer()
            if query.offset > MAX_OFFSET:
                raise ApiError.of(400, "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
        if self.current.kind != "eof":
            raise self.fail()
        return query

    def _object_name(self, token: Token) -> bool:
        """``Order`` names an object unless ``BY`` follows it, as Salesforce reads ``FROM Order``."""
        if token.text.upper() == "ORDER":
            return not self.tokens[self.index + 1].is_keyword("BY")
        return token.text.upper() not in CLAUSE_WORDS

    def integer(self) -> int:
        token = self.current
        if token.kind != "number" or not token.text.isdigit():
            raise self.fail()
        self.advance()
        return int(token.text)

    def path(self) -> Token:
        token = self.current
        if token.kind != "ident" or token.text.upper() in CLAUSE_WORDS:
            raise self.fail()
        return self.advance()

    def item(self) -> SelectItem:
        token = self.current
        if token.is_keyword("COUNT") and self.tokens[self.index + 1].text == "(":
            self.advance()
            self.advance()
            path = None if self.current.text == ")" else self.path().text
            self.expect(")")
            alias = None
            if self.current.kind == "ident" and self.current.text.upper() not in CLAUSE_WORDS:
                alias = self.advance().text
            return SelectItem(path, count=True, alias=alias, position=token.position)
        if token.kind == "punct" and token.text == "(":
            raise query_error(self.source, token.position, "Subqueries are not supported by the emulator")
        return SelectItem(self.path().text, position=token.position)

    def order(self) -> Order:
        token = self.path()
        order = Order(token.text, position=token.position)
        if self.current.is_keyword("ASC", "DESC"):
            order.ascending = self.advance().text.upper() == "ASC"
        order.nulls_first = order.ascending
        if self.current.is_keyword("NULLS"):
            self.advance()
            order.nulls_first = self.expect_keyword("FIRST", "LAST").text.upper() == "FIRST"
        return order

    def condition(self) -> Condition:
        """Operands joined by one of AND or OR: Salesforce refuses the two mixed without parentheses."""
        operands = [self.negation()]
        operator: str | None = None
        while self.current.is_keyword("AND", "OR"):
            word = self.current.text.upper()
            if operator not in (None, word):
                raise self.fail()
            operator = word
            self.advance()
            operands.append(self.negation())
        return operands[0] if operator is None else BoolOp(operator, operands)

    def negation(self) -> Condition:
        if self.current.is_keyword("NOT"):
            self.advance()
            return BoolOp("NOT", [self.negation()])
        if self.current.text == "(":
            self.advance()
            condition = self.condition()
            self.expect(")")
            return condition
        return self.comparison()

    def comparison(self) -> Comparison:
        path = self.path()
        token = self.current
        if token.kind == "op":
            self.advance()
            operator = "!=" if token.text == "<>" else token.text
            return Comparison(path.text, operator, self.literal(), path.position)
        negated = False
        if token.is_keyword("NOT"):
            self.advance()
            negated = True
        if self.current.is_keyword("IN"):
            self.advance()
            return Comparison(path.text, "NOT IN" if negated else "IN", self.literal_list(), path.position)
        if self.current.is_keyword("LIKE") and not negated:
            self.advance()
            return Comparison(path.text, "LIKE", self.literal(), path.position)
        if self.current.is_keyword("INCLUDES", "EXCLUDES") and not negated:
            operator = self.advance().text.upper()
            return Comparison(path.text, operator, self.literal_list(), path.position)
        raise self.fail()

    def literal_list(self) -> list[Literal]:
        self.expect("(")
        values = [self.literal()]
        while self.current.text == ",":
            self.advance()
            values.append(self.literal())
        self.expect(")")
        return values

    def literal(self) -> Literal:
        token = self.current
        if token.kind in ("string", "number", "date", "datetime"):
            self.advance()
            return Literal(token.kind, token.value)
        if token.is_keyword("TRUE", "FALSE"):
            self.advance()
            return Literal("boolean", token.text.upper() == "TRUE")
        if token.is_keyword("NULL"):
            self.advance()
            return Literal("null", None)
        if token.is_keyword(*DATE_LITERALS):
            self.advance()
            return Literal("dateliteral", (token.text.upper(), 0))
        if token.kind == "nliteral":
            name, _, number = token.text.partition(":")
            if name.upper() not in N_DATE_LITERALS:
                raise self.fail()
            self.advance()
            return Literal("dateliteral", (name.upper(), int(number)))
        raise self.fail()
