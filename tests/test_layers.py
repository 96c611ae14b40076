"""The layering that import-linter cannot see: relations between models.

`ForeignKey("scheduler.Schedule")` is a string, not an import, so `lint-imports` misses
it. Every relation of our models must point at a model of its own app or of an app in
a lower layer of the contract in pyproject.toml (the one source of the layer order).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _layer_of() -> dict[str, int]:
    """App label → layer index (0 = the kernel, higher = above)."""
    (contract,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    layers = list(reversed(contract["layers"]))
    return {
        name.strip(): index
        for index, layer in enumerate(layers)
        for name in layer.replace(":", "|").split("|")
    }


def test_every_project_app_is_in_the_contract():
    local = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert local == set(CONFIG["root_packages"]) == set(_layer_of())
    assert set(settings.INSTALLED_APPS) >= local


def test_model_relations_point_only_at_the_same_or_a_lower_layer():
    layer = _layer_of()
    upward = []
    for model in apps.get_models():
        app = model._meta.app_config.name
        if app not in layer:
            continue  # Django's and third-party models
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue  # reverse relations are the other model's forward ones
            target = field.related_model._meta.app_config.name
            if target in layer and layer[target] > layer[app]:
                upward.append(f"{model._meta.label}.{field.name} → {target}")
    assert upward == []


def test_the_check_sees_a_lower_model_pointing_up():
    """The test above is not vacuous: the layer of each app is what we think it is."""
    layer = _layer_of()
    assert layer["core"] < layer["employees"] < layer["events"] < layer["scheduler"]
    assert layer["scheduler"] < layer["planning"] == layer["demo"]
