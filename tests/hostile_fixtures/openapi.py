"""openapi.yaml as data, and JSON Schema validators for its components.

The hostile-input tests check responses and the result checkers' output against the very
schemas the document publishes, so the document cannot drift from what the code answers.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from local.paths import ROOT

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

OPENAPI = ROOT / "openapi.yaml"
_URI = "urn:delegated-admin-hooks:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@cache
def document() -> dict[str, Any]:
    with OPENAPI.open(encoding="utf-8") as stream:
        # libyaml's safe loader where PyYAML has it: ten times faster than PyYAML's own on this file.
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@cache
def _registry() -> Registry:
    return Registry().with_resource(_URI, Resource.from_contents(document(), default_specification=DRAFT202012))


def validator(pointer: str) -> Validator:
    """A validator for the schema at `pointer` in the document, e.g. `/components/schemas/FilterResult`."""
    return OAS31Validator({"$ref": f"{_URI}#{pointer}"}, registry=_registry())


def schema_validator(name: str) -> Validator:
    return validator(f"/components/schemas/{name}")


def operations() -> dict[tuple[str, str], dict[str, Any]]:
    """Every operation of the document, keyed by (METHOD, path)."""
    return {
        (method.upper(), path): operation
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def response_validator(method: str, path: str, status: int) -> Validator:
    """A validator for the JSON body the document promises for `status` on `method path`."""
    pointer = f"/paths/{_escape(path)}/{method.lower()}/responses/{status}"
    response = operations()[(method.upper(), path)]["responses"][str(status)]
    if "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
    return validator(f"{pointer}/content/application~1json/schema")
