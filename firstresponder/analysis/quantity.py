"""Kubernetes resource quantities: parse ("512Mi", "250m", "1.5Gi") and format them back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIXES: dict[str, Decimal] = {
    "": Decimal(1),
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}
_QUANTITY = re.compile(r"^\+?(\d+(?:\.\d*)?|\.\d+)(?:([eE][-+]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$")

MI = 2 ** 20
GI = 2 ** 30


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity."""


def parse_quantity(text: str | int | float) -> Decimal:
    """Value of a quantity in base units (bytes, cores): "512Mi" -> 536870912, "250m" -> 0.25."""
    if isinstance(text, int | float):
        return Decimal(str(text))
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise QuantityError(f"not a quantity: {text!r}")
    number, exponent, suffix = match.groups()
    try:
        value = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise QuantityError(f"not a quantity: {text!r}") from exc
    if exponent:
        return value * Decimal(10) ** int(exponent[1:])
    return value * _SUFFIXES[suffix or ""]


def is_quantity(text: object) -> bool:
    if not isinstance(text, str | int | float) or isinstance(text, bool):
        return False
    try:
        parse_quantity(text)
    except QuantityError:
        return False
    return True


def format_memory(num_bytes: int | Decimal) -> str:
    """Shortest exact binary form: 536870912 -> "512Mi", 1610612736 -> "1536Mi"."""
    value = int(num_bytes)
    for suffix, size in (("Gi", GI), ("Mi", MI), ("Ki", 2 ** 10)):
        if value >= size and value % size == 0:
            return f"{value // size}{suffix}"
    return str(value)


def format_cpu(cores: Decimal | float) -> str:
    """Millicores when fractional: 0.25 -> "250m", 2 -> "2"."""
    millis = int((Decimal(str(cores)) * 1000).to_integral_value())
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def round_up_memory(num_bytes: int | Decimal) -> int:
    """Round up to a tidy step: 64Mi below 1Gi, 256Mi above."""
    step = 64 * MI if num_bytes < GI else 256 * MI
    value = int(num_bytes)
    return -(-value // step) * step
