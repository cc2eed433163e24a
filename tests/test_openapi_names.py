"""The OpenAPI document names each schema once: two schema classes of different modules that share a
class name would share one component, and one route would be documented with the other's fields
(as `GET /api/v1/roster/parents` once was with the statistics' `ChildOut`)."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator

from ninja import NinjaAPI, Router, Schema
from pydantic import BaseModel

from safecampus.api import api


def _models_in(annotation: typing.Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _reachable(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for inner in _models_in(field.annotation):
            _reachable(inner, seen)


def colliding_components(app: NinjaAPI) -> dict[str, set[str]]:
    """Component names of the app's OpenAPI document that more than one schema class maps to."""
    components = set(app.get_openapi_schema(path_prefix="")["components"]["schemas"])
    seen: set[type[BaseModel]] = set()
    for _prefix, router in app._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                roots = [*operation.models, *(m for m in (operation.response_models or {}).values() if m)]
                for root in roots:
                    for model in _models_in(root):
                        _reachable(model, seen)
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in seen:
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    return {name: classes for name, classes in by_name.items() if name in components and len(classes) > 1}


def test_schema_component_names_are_unique():
    assert colliding_components(api) == {}


def test_parents_are_documented_with_their_own_children():
    doc = api.get_openapi_schema()
    parent = doc["components"]["schemas"]["ParentOut"]
    ref = parent["properties"]["children"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(doc["components"]["schemas"][ref]["properties"]) == {
        "student_id",
        "name",
        "class_name",
        "relation",
    }
    stats_child = doc["components"]["schemas"]["ChildOut"]
    assert {"unit", "figures"} <= set(stats_child["properties"])


def _toy_api() -> NinjaAPI:
    """Two modules' schemas sharing a class name, as the check must notice."""
    first_ns: dict[str, typing.Any] = {"__module__": "toy.first"}
    second_ns: dict[str, typing.Any] = {"__module__": "toy.second"}
    first = type("ItemOut", (Schema,), {**first_ns, "__annotations__": {"a": int}})
    second = type("ItemOut", (Schema,), {**second_ns, "__annotations__": {"b": str}})
    app = NinjaAPI(urls_namespace="toy-openapi-names")
    one, two = Router(), Router()
    one.add_api_operation("/one", ["GET"], lambda request: {"a": 1}, response=first)
    two.add_api_operation("/two", ["GET"], lambda request: {"b": "x"}, response=list[second])
    app.add_router("/first", one)
    app.add_router("/second", two)
    return app


def test_the_check_notices_a_collision():
    assert colliding_components(_toy_api()) == {"ItemOut": {"toy.first.ItemOut", "toy.second.ItemOut"}}
