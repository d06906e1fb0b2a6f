from decimal import Decimal

import pytest

from firstresponder.analysis.quantity import (
    MI,
    QuantityError,
    format_cpu,
    format_memory,
    is_quantity,
    parse_quantity,
    round_up_memory,
)


@pytest.mark.parametrize(("text", "value"), [
    ("512Mi", 512 * MI), ("1Gi", 2**30), ("1.5Gi", 3 * 2**29), ("250m", Decimal("0.25")),
    ("2", 2), ("1k", 1000), ("1e3", 1000), ("128974848", 128974848),
])
def test_parse(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "12 Mi", "Mi", "1.2.3", "512MB", "-1Gi"])
def test_rejects_non_quantities(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)
    assert not is_quantity(text)


def test_format_and_round() -> None:
    assert format_memory(512 * MI) == "512Mi"
    assert format_memory(2 * 2**30) == "2Gi"
    assert format_memory(1536 * MI) == "1536Mi"
    assert format_cpu(Decimal("0.25")) == "250m"
    assert format_cpu(2) == "2"
    assert round_up_memory(700 * MI) == 704 * MI
    assert round_up_memory(1100 * MI) == 1280 * MI
