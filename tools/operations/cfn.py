"""CloudFormation's short-form intrinsics, and the YAML text of the generated resources."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Sub:
    text: str


@dataclass(frozen=True)
class GetAtt:
    target: str  # "RegistrationQueue.QueueName"


@dataclass(frozen=True)
class If:
    condition: str
    when_true: Any
    when_false: Any


NO_VALUE = Ref("AWS::NoValue")

# PyYAML quotes every scalar with a tag of its own; a logical id or attribute name needs no quotes.
_QUOTED_NAME = re.compile(r"!(Ref|GetAtt) '([A-Za-z0-9:.]+)'")


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long text as literal blocks, intrinsics as `!Tag`s."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # CloudFormation reads no YAML anchors: a shared value is written out each time

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key, as template.yaml has them


def _text(dumper: yaml.SafeDumper, text: str, tag: str = "tag:yaml.org,2002:str") -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar(tag, text, style=style)


_Dumper.add_representer(str, lambda dumper, text: _text(dumper, text))
_Dumper.add_representer(Ref, lambda dumper, ref: dumper.represent_scalar("!Ref", ref.name))
_Dumper.add_representer(Sub, lambda dumper, sub: _text(dumper, sub.text, "!Sub"))
_Dumper.add_representer(GetAtt, lambda dumper, get: dumper.represent_scalar("!GetAtt", get.target))
_Dumper.add_representer(
    If, lambda dumper, when: dumper.represent_sequence("!If", [when.condition, when.when_true, when.when_false])
)


def dump(resources: dict[str, Any], indent: int = 2) -> str:
    """The resources as the lines of a `Resources:` mapping, indented by `indent` spaces."""
    text = yaml.dump(resources, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=10_000)
    text = _QUOTED_NAME.sub(r"!\1 \2", text)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))
