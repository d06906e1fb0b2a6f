"""Label selectors with the apiserver's grammar: ``=``, ``==``, ``!=``, ``in``, ``notin``, ``key``, ``!key``, ``gt``, ``lt``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from firstresponder.sim.errors import ApiError, bad_request

_SPECIAL = "!=(),<>"
_NAME_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_INTEGER = re.compile(r"^-?[0-9]+$")
SET_OPERATORS = ("in", "notin")
EQUALITY_OPERATORS = ("=", "==", "!=")
NUMERIC_OPERATORS = ("gt", "lt")
# Operators whose matches all carry one of the listed values: a label index can find them.
INDEXABLE_OPERATORS = ("=", "==", "in")


@dataclass(frozen=True)
class Requirement:
    """One clause; ``operator`` is exists, !, =, ==, !=, in, notin, gt or lt."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.key)
        if self.operator == "exists":
            return value is not None
        if self.operator == "!":
            return value is None
        if self.operator in ("=", "==", "in"):
            return value is not None and value in self.values
        if self.operator in ("!=", "notin"):
            return value is None or value not in self.values
        if value is None or not _INTEGER.match(value):
            return False
        bound = int(self.values[0])
        return int(value) > bound if self.operator == "gt" else int(value) < bound

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return f"!{self.key}"
        if self.operator in SET_OPERATORS:
            return f"{self.key} {self.operator} ({','.join(self.values)})"
        if self.operator in NUMERIC_OPERATORS:
            return f"{self.key}{'>' if self.operator == 'gt' else '<'}{self.values[0]}"
        return f"{self.key}{self.operator}{self.values[0]}"


@dataclass(frozen=True)
class LabelSelector:
    """All requirements must match; an empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def parse_label_selector(text: str | None) -> LabelSelector:
    """Parse a selector; syntax or validation errors raise a 400 ``ApiError`` like the apiserver's."""
    if not text or not text.strip():
        return LabelSelector()
    return LabelSelector(tuple(_Parser(_tokens(text)).requirements()))


def _tokens(text: str) -> list[str]:
    """Lexer: the two-character operators, single special characters, and identifiers."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif text[i:i + 2] in ("!=", "=="):
            tokens.append(text[i:i + 2])
            i += 2
        elif char in _SPECIAL:
            tokens.append(char)
            i += 1
        else:
            start = i
            while i < len(text) and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
            tokens.append(text[start:i])
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self._tokens = tokens
        self._position = 0

    def _peek(self) -> str | None:
        return self._tokens[self._position] if self._position < len(self._tokens) else None

    def _next(self) -> str | None:
        lexeme = self._peek()
        self._position += 1
        return lexeme

    def requirements(self) -> list[Requirement]:
        found = [self._requirement()]
        while self._peek() is not None:
            if self._next() != ",":
                raise _syntax(self._tokens[self._position - 1], "','")
            found.append(self._requirement())
        return found

    def _requirement(self) -> Requirement:
        lexeme = self._next()
        if lexeme == "!":
            key = self._key(self._next())
            self._expect_end_of_requirement()
            return Requirement(key, "!")
        key = self._key(lexeme)
        operator = self._peek()
        if operator is None or operator == ",":
            return Requirement(key, "exists")
        self._position += 1
        if operator in SET_OPERATORS:
            return Requirement(key, operator, self._set_values(key, operator))
        if operator in EQUALITY_OPERATORS:
            return Requirement(key, operator, (self._exact_value(key),))
        if operator in ("<", ">"):
            bound = self._next()
            if bound is None or not _INTEGER.match(bound):
                raise bad_request(f"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an "
                                  f"integer: {bound or ''!r}")
            return Requirement(key, "gt" if operator == ">" else "lt", (bound,))
        raise _syntax(operator, "in, notin, =, ==, !=, gt, lt")

    def _key(self, lexeme: str | None) -> str:
        if lexeme is None or lexeme in _SPECIAL or lexeme in ("!=", "=="):
            raise _syntax(lexeme or "", "identifier")
        problem = _key_problem(lexeme)
        if problem:
            raise bad_request(f'unable to parse requirement: key: Invalid value: "{lexeme}": {problem}')
        return lexeme

    def _exact_value(self, key: str) -> str:
        lexeme = self._peek()
        if lexeme is None or lexeme == ",":
            return ""
        self._position += 1
        return _valid_value(key, lexeme)

    def _set_values(self, key: str, operator: str) -> tuple[str, ...]:
        if self._next() != "(":
            raise _syntax(self._tokens[self._position - 1] if self._position <= len(self._tokens) else "", "'('")
        values: set[str] = set()
        expecting_value = True
        while True:
            lexeme = self._next()
            if lexeme is None:
                raise _syntax("", "')'")
            if lexeme == ")":
                if expecting_value and values:  # "(a,)" carries an empty value, as in the apiserver
                    values.add("")
                break
            if lexeme == ",":
                if expecting_value:
                    values.add("")
                expecting_value = True
                continue
            if not expecting_value or lexeme in _SPECIAL or lexeme in ("!=", "=="):
                raise _syntax(lexeme, "',' or ')'")
            values.add(_valid_value(key, lexeme))
            expecting_value = False
        if not values:
            raise bad_request(f"unable to parse requirement: values: Invalid value: []: for 'in', 'notin' "
                              f"operators, values set can't be empty (key {key!r}, operator {operator!r})")
        self._expect_end_of_requirement()
        return tuple(sorted(values))

    def _expect_end_of_requirement(self) -> None:
        lexeme = self._peek()
        if lexeme is not None and lexeme != ",":
            raise _syntax(lexeme, "',' or end of string")


def _key_problem(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not name or len(name) > 63 or not _NAME_PART.match(name):
        return ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character, at most 63 characters")
    return None


def _valid_value(key: str, value: str) -> str:
    if len(value) > 63 or not _VALUE.match(value):
        raise bad_request(
            f'unable to parse requirement: values[0][{key}]: Invalid value: "{value}": a valid label must be an '
            "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            "an alphanumeric character")
    return value


def _syntax(found: str, expected: str) -> ApiError:
    return bad_request(f"unable to parse requirement: found '{found}', expected: {expected}")
