"""Reading template.yaml the way SAM does, for the local invoker and gateway.

Only what the local stack needs: each function's code, handler, layers, timeout, reserved
concurrency and environment (Globals merged, intrinsic functions and conditions resolved against
local values), each HttpApi route with its authorizer and scopes, and each SQS event source with
its batch size and maximum concurrency. The template is the one list of routes; nothing here
repeats it.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import aws
from .paths import TEMPLATE

if TYPE_CHECKING:
    from pathlib import Path

    import yaml


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template's document, a copy of its own for the caller to change: a process reads the same
    template many times (a test session a few dozen), and parsing it took 40 ms, copying it 6."""
    return copy.deepcopy(_parsed(path.read_bytes()))


@functools.lru_cache(maxsize=8)
def _parsed(text: bytes) -> dict[str, Any]:
    import yaml  # here, not at the top: a function's worker process imports this module for `Function` alone

    return yaml.load(text, Loader=_cloudformation_loader())  # noqa: S506 - a SafeLoader subclass


@functools.cache
def _cloudformation_loader() -> type[yaml.SafeLoader]:
    """A YAML loader that reads `!Ref X` as `{"Ref": X}` and `!Sub s` as `{"Fn::Sub": s}`: libyaml's
    parser where PyYAML was built with it (the template's generated operations section makes it long
    enough for the pure-Python parser to take most of a second)."""
    import yaml

    def intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
        name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag_suffix == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class CloudFormationLoader(base):
        """PyYAML's safe loader, with CloudFormation's short-form intrinsic functions."""

    CloudFormationLoader.add_multi_constructor("!", intrinsic)
    return CloudFormationLoader


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    authorized: bool
    scopes: tuple[str, ...] = ()
    authorizer: str | None = None  # the name of its JWT authorizer (None: open)

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


# What `!Ref AWS::NoValue` resolves to: the property is absent.
NO_VALUE = object()


@dataclass(frozen=True)
class SqsMapping:
    """An SQS event source of a function: Lambda polls `queue` (its ARN) for `function`."""

    function: str
    queue: str
    batch_size: int
    maximum_concurrency: int | None  # ScalingConfig; None: Lambda scales as it sees fit


@dataclass(frozen=True)
class JwtAuthorizerConfig:
    """One of the HTTP API's JWT authorizers: the issuer it trusts and the audiences it accepts."""

    name: str
    issuer: str
    audiences: tuple[str, ...]


@dataclass
class Function:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: float
    memory_mb: int
    layers: list[Path] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    events: dict[str, Any] = field(default_factory=dict)
    reserved_concurrency: int | None = None


class Template:
    """The functions and routes of a SAM template, with intrinsics resolved by `resolve`."""

    def __init__(self, path: Path = TEMPLATE, values: dict[str, Any] | None = None) -> None:
        self.path = path
        self.root = path.parent
        self.document = load_template(path)
        self.resources: dict[str, Any] = self.document.get("Resources", {})
        # Values for Ref/GetAtt/Sub: parameter defaults, overridden by what the local stack supplies.
        self.values: dict[str, Any] = {
            name: spec.get("Default", "") for name, spec in self.document.get("Parameters", {}).items()
        }
        self.values.update({"AWS::Region": aws.REGION, "AWS::StackName": "local", "AWS::URLSuffix": "amazonaws.com"})
        self.values.update(values or {})

    def resolve(self, value: Any) -> Any:
        """`value` with Ref, Sub, GetAtt and Join replaced by local values (unknown names stay as names)."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            if value["Ref"] == "AWS::NoValue":
                return NO_VALUE
            return self.values.get(value["Ref"], value["Ref"])
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            return self.resolve(when_true if self.condition(name) else when_false)
        if set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            dotted = ".".join(target) if isinstance(target, list) else target
            return self.values.get(dotted, dotted)
        if set(value) == {"Fn::Sub"}:
            text, extra = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            for name, replacement in {**self.values, **self.resolve(extra)}.items():
                text = text.replace("${" + name + "}", str(replacement))
            return text
        if set(value) == {"Fn::Join"}:
            separator, items = value["Fn::Join"]
            return separator.join(str(item) for item in self.resolve(items))
        return {key: self.resolve(item) for key, item in value.items()}

    def condition(self, name: str) -> bool:
        """The value of the template's condition `name` (Fn::Equals, Fn::Not, Fn::And, Fn::Or)."""
        return self._evaluate(self.document.get("Conditions", {})[name])

    def _evaluate(self, expression: Any) -> bool:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise ValueError(f"not a condition: {expression!r}")
        ((function, argument),) = expression.items()
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::Equals":
            left, right = (self.resolve(item) for item in argument)
            return str(left) == str(right)
        if function == "Fn::Not":
            return not self._evaluate(argument[0])
        if function == "Fn::And":
            return all(self._evaluate(item) for item in argument)
        if function == "Fn::Or":
            return any(self._evaluate(item) for item in argument)
        raise ValueError(f"condition function {function} is not supported locally")

    def _optional_int(self, value: Any) -> int | None:
        resolved = self.resolve(value)
        return None if resolved is None or resolved is NO_VALUE else int(resolved)

    def _function_globals(self) -> dict[str, Any]:
        return self.document.get("Globals", {}).get("Function", {})

    def functions(self) -> dict[str, Function]:
        """Every AWS::Serverless::Function, with Globals merged as SAM merges them."""
        defaults = self._function_globals()
        found = {}
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != "AWS::Serverless::Function":
                continue
            props = resource.get("Properties", {})
            environment = {
                **defaults.get("Environment", {}).get("Variables", {}),
                **props.get("Environment", {}).get("Variables", {}),
            }
            layers = props.get("Layers", defaults.get("Layers", []))
            found[logical_id] = Function(
                logical_id=logical_id,
                code_uri=(self.root / props["CodeUri"]).resolve(),
                handler=props.get("Handler", defaults.get("Handler", "app.handler")),
                timeout=float(self.resolve(props.get("Timeout", defaults.get("Timeout", 3)))),
                memory_mb=int(props.get("MemorySize", defaults.get("MemorySize", 128))),
                layers=[self._layer_path(layer) for layer in layers],
                environment={name: str(self.resolve(value)) for name, value in environment.items()},
                events=props.get("Events", {}),
                reserved_concurrency=self._optional_int(props.get("ReservedConcurrentExecutions")),
            )
        return found

    def _layer_path(self, layer: Any) -> Path:
        if isinstance(layer, dict) and "Ref" in layer:
            resource = self.resources[layer["Ref"]]
            return (self.root / resource["Properties"]["ContentUri"]).resolve()
        raise ValueError(f"only layers of this template are supported locally, not {layer!r}")

    def sqs_mappings(self) -> list[SqsMapping]:
        """Every SQS event of every function, as the event source mappings Lambda creates from them."""
        mappings = []
        for function in self.functions().values():
            for event in function.events.values():
                if event.get("Type") != "SQS":
                    continue
                props = self.resolve(event.get("Properties", {}))
                mappings.append(
                    SqsMapping(
                        function=function.logical_id,
                        queue=str(props.get("Queue", "")),
                        batch_size=int(props.get("BatchSize", 10)),
                        maximum_concurrency=self._optional_int(
                            (props.get("ScalingConfig") or {}).get("MaximumConcurrency")
                        ),
                    )
                )
        return mappings

    def access_log_format(self) -> str | None:
        """The HTTP API's access log format (`AccessLogSettings.Format`), or None when it logs no access."""
        for resource in self.resources.values():
            if resource.get("Type") == "AWS::Serverless::HttpApi":
                log_format = (resource.get("Properties", {}).get("AccessLogSettings") or {}).get("Format")
                return str(self.resolve(log_format)) if log_format else None
        return None

    def _api_auth(self) -> dict[str, Any]:
        for resource in self.resources.values():
            if resource.get("Type") == "AWS::Serverless::HttpApi":
                return dict(resource.get("Properties", {}).get("Auth", {}))
        return {}

    def authorizers(self) -> dict[str, JwtAuthorizerConfig]:
        """The HTTP API's JWT authorizers by name, issuer and audiences resolved."""
        found = {}
        for name, spec in self._api_auth().get("Authorizers", {}).items():
            jwt = self.resolve(spec.get("JwtConfiguration", {}))
            audiences = tuple(str(audience) for audience in jwt.get("audience", []))
            found[name] = JwtAuthorizerConfig(name, str(jwt.get("issuer", "")), audiences)
        return found

    def routes(self) -> list[Route]:
        """Every HttpApi event of every function: method, path, its authorizer and the scopes it needs."""
        default_authorizer = self._api_auth().get("DefaultAuthorizer")
        routes = []
        for function in self.functions().values():
            for event in function.events.values():
                if event.get("Type") != "HttpApi":
                    continue
                props = event.get("Properties", {})
                auth = props.get("Auth", {})
                authorizer = auth.get("Authorizer", default_authorizer)
                routes.append(
                    Route(
                        method=props.get("Method", "ANY").upper(),
                        path=props["Path"],
                        function=function.logical_id,
                        authorized=authorizer not in (None, "NONE"),
                        scopes=tuple(str(scope) for scope in self.resolve(auth.get("AuthorizationScopes", []))),
                        authorizer=None if authorizer in (None, "NONE") else str(authorizer),
                    )
                )
        return routes
