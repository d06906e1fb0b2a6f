"""DynamoDB units from item sizes, as the on-demand price list defines them."""

from __future__ import annotations

from bench.dynamo_meter import item_size, read_units, units_of, write_units


def test_item_size_counts_names_and_values() -> None:
    assert item_size({"PK": {"S": "abc"}}) == 2 + 3
    assert item_size({"body": {"B": b"x" * 10}}) == 4 + 10
    assert item_size({"m": {"M": {"a": {"S": "bc"}}}}) == 1 + 3 + 1 + 2


def test_writes_round_up_per_kilobyte_and_pay_for_every_gsi_copy() -> None:
    small = {"PK": {"S": "x"}}
    assert write_units(small) == 1
    assert write_units({"PK": {"S": "x" * 1100}}) == 2
    assert write_units({"PK": {"S": "x"}, "GSI1PK": {"S": "y"}, "GSI2PK": {"S": "z"}}) == 3


def test_reads_round_up_per_4_kb_and_halve_when_eventually_consistent() -> None:
    assert read_units(0, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1


def test_units_of_each_operation() -> None:
    item = {"PK": {"S": "k"}, "v": {"S": "x" * 2000}}
    assert units_of("PutItem", {"Item": item}, {}) == (2.0, 0.0)
    assert units_of("UpdateItem", {"Key": {"PK": {"S": "k"}}}, {"Attributes": item}) == (2.0, 0.0)
    assert units_of("GetItem", {"ConsistentRead": True}, {"Item": item}) == (0.0, 1.0)
    assert units_of("Query", {}, {"Items": [item, item, item]}) == (0.0, 1.0)
    assert units_of("DescribeTable", {}, {}) == (0.0, 0.0)
