"""Reading template.yaml's functions, and layer sizes from installed distributions."""

from __future__ import annotations

from pathlib import Path

from bench.coldstart import distribution_bytes, function_specs, handler_imports, import_seconds, load_template


def test_every_function_has_memory_and_the_core_layer_first() -> None:
    specs = function_specs(load_template())
    assert specs
    for spec in specs:
        assert spec.memory_mb >= 128
        assert spec.layers and spec.layers[0] == "core"


def test_cloudformation_tags_are_read_as_values(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                        "      CodeUri: functions/x/\n      Layers: [!Ref L]\n"
                        "  L:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: layers/kube/}\n"
                        "Globals:\n  Function:\n    MemorySize: 256\n    Layers: [!Ref C]\n")
    (spec,) = function_specs(load_template(template))
    assert spec.name == "x" and spec.memory_mb == 256 and spec.layers == ("C", "kube")


def test_installed_distribution_has_a_size_and_a_missing_one_none() -> None:
    assert distribution_bytes("pyyaml") > 100_000
    assert distribution_bytes("no-such-distribution-here") == 0


def test_handler_imports_fall_back_to_the_import_set() -> None:
    assert handler_imports("no-such-function") == ["firstresponder.api.app"]


def test_import_time_of_a_tiny_module_is_measured(tmp_path: Path) -> None:
    (tmp_path / "tiny.py").write_text("import json\n")
    assert import_seconds("import tiny", cwd=tmp_path) > 0
