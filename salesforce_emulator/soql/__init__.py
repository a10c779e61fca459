"""The SOQL subset the emulator understands: a lexer, a recursive-descent parser, an evaluator."""

from .evaluate import QueryResult, run_query
from .parser import parse

__all__ = ["QueryResult", "parse", "run_query"]
