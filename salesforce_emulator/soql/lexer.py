"""Tokens of SOQL: identifiers (dotted paths), quoted strings, numbers, dates, date literals, operators."""

import re
from dataclasses import dataclass

from ..errors import ApiError, malformed_query, query_error

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\d:T]))
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
  | (?P<nliteral>[A-Za-z_]+:\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""",
    re.VERBOSE,
)

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}


@dataclass(frozen=True)
class Token:
    kind: str  # ident, string, number, date, datetime, nliteral (LAST_N_DAYS:7), op, punct, eof
    text: str
    position: int
    value: object = None

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise unexpected(source, source[position:].split()[0], position)
        kind = match.lastgroup or ""
        text = match.group()
        if kind != "space":
            value: object = (
                _unquote(source, text, position) if kind == "string" else float(text) if kind == "number" else text
            )
            tokens.append(Token(kind, text, position, value))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(source)))
    return tokens


def unexpected(source: str, text: str, position: int) -> ApiError:
    """Salesforce's syntax error: a bare sentence for the first word, else with the Row/Column block;
    the end of the query is named ``<EOF>`` without quotes."""
    shown = text if text == "<EOF>" else f"'{text}'"
    if position == 0:
        return malformed_query(f"unexpected token: {shown}")
    return query_error(source, position, f"unexpected token: {shown}")


def _unquote(source: str, text: str, position: int) -> str:
    """Undo SOQL escaping; ``\\%`` and ``\\_`` stay escaped because only LIKE gives them meaning."""
    body = text[1:-1]
    result = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following not in _ESCAPES:
                raise query_error(
                    source,
                    position,
                    f"Invalid string literal '{text}'. Illegal character sequence '\\{following}' in string literal.",
                )
            result.append(_ESCAPES[following])
            index += 2
        else:
            result.append(char)
            index += 1
    return "".join(result)
