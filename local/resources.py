"""Creating, on the local endpoints, what the template declares, and what its Refs resolve to locally.

DynamoDB tables go to DynamoDB Local (through `local.dynamodb_local.create_tables`, which reads keys
and TTL from the template); SQS queues (with their attributes and RedrivePolicy, dead-letter queues
first), Secrets Manager secrets and SSM parameters go to moto. Everything is created only when
missing, so a restart keeps what a previous run stored. A secret is named as the template names it,
or else by its logical id (CloudFormation would add a random suffix); its value comes from
`.local/secrets.json` when that file has that name (`{"RegistrationSecret": {...value...}}`, kept
out of git), else from the template's SecretString, else one generated as its GenerateSecretString
asks (a random string of its length and characters, as CloudFormation makes it), else `{}`.

`create_resources` returns the values `Template(values=...)` needs to resolve `!Ref X` and
`!GetAtt X.Attr` in the functions' environment: table names, queue URLs and ARNs, secret ARNs.
"""

from __future__ import annotations

import json
import secrets
import string
from typing import TYPE_CHECKING, Any

from . import aws
from .dynamodb_local import create_tables

if TYPE_CHECKING:
    from pathlib import Path

    from .template import Template

_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)


def _of_type(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of `kind` that its conditions create (`Condition: X` with X false: none)."""
    return {
        name: resource
        for name, resource in template.resources.items()
        if resource.get("Type") == kind and ("Condition" not in resource or template.condition(resource["Condition"]))
    }


def create_resources(
    template: Template, dynamodb_endpoint: str, moto_endpoint: str, state_dir: Path, table_prefix: str = ""
) -> dict[str, Any]:
    """Create what is missing; return {Ref name or "Name.Attribute": local value}. `table_prefix`
    starts the tables' names (a stack sharing its DynamoDB Local with others)."""
    values: dict[str, Any] = {}
    for logical_id, table in create_tables(template, dynamodb_endpoint, table_prefix).items():
        values[logical_id] = table
        values[f"{logical_id}.Arn"] = f"arn:aws:dynamodb:{aws.REGION}:{aws.ACCOUNT}:table/{table}"
    values.update(_create_queues(template, moto_endpoint, values))
    values.update(_create_secrets(template, moto_endpoint, _read_secrets(state_dir / "secrets.json")))
    values.update(_create_parameters(template, moto_endpoint))
    return values


def _referenced(value: Any) -> set[str]:
    """The logical ids that `value` names through Ref or GetAtt."""
    if isinstance(value, list):
        return set().union(*(_referenced(item) for item in value))
    if not isinstance(value, dict):
        return set()
    if set(value) == {"Ref"}:
        return {str(value["Ref"])}
    if set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        return {str(target[0] if isinstance(target, list) else target.split(".", 1)[0])}
    return set().union(*(_referenced(item) for item in value.values()))


def _queue_order(queues: dict[str, dict[str, Any]]) -> list[str]:
    """Dead-letter queues before the queues that name them (a RedrivePolicy needs its target's ARN)."""
    ordered: list[str] = []

    def visit(name: str, path: frozenset[str]) -> None:
        if name in ordered or name in path:
            return
        policy = queues[name].get("Properties", {}).get("RedrivePolicy")
        for target in sorted(_referenced(policy) & set(queues)):
            visit(target, path | {name})
        ordered.append(name)

    for name in queues:
        visit(name, frozenset())
    return ordered


def _create_queues(template: Template, endpoint: str, known: dict[str, Any]) -> dict[str, Any]:
    queues = _of_type(template, "AWS::SQS::Queue")
    if not queues:
        return {}
    sqs = aws.client("sqs", endpoint)
    values: dict[str, Any] = {}
    for logical_id in _queue_order(queues):
        template.values.update(known | values)  # so a RedrivePolicy's GetAtt resolves to the DLQ's ARN
        properties = template.resolve(queues[logical_id].get("Properties", {}))
        fifo = str(properties.get("FifoQueue", "")).lower() == "true"
        name = str(properties.get("QueueName") or (f"{logical_id}.fifo" if fifo else logical_id))
        attributes = {key: _attribute(properties[key]) for key in _QUEUE_ATTRIBUTES if key in properties}
        if properties.get("RedrivePolicy"):
            attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        if attributes:
            sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)  # an existing queue gets them too
        values[logical_id] = url
        values[f"{logical_id}.QueueUrl"] = url
        values[f"{logical_id}.QueueName"] = name
        values[f"{logical_id}.Arn"] = f"arn:aws:sqs:{aws.REGION}:{aws.ACCOUNT}:{name}"
    return values


def _attribute(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _read_secrets(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    secrets = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(secrets, dict):
        raise ValueError(f"{path} must hold a JSON object: {{secret name: secret value}}")
    return secrets


def _secret_string(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _template_value(properties: dict[str, Any]) -> str:
    """The value the template gives a secret: its SecretString, or one generated as asked."""
    if "SecretString" in properties:
        return str(properties["SecretString"])
    generate = properties.get("GenerateSecretString")
    if not isinstance(generate, dict):
        return "{}"
    alphabet = string.ascii_letters + string.digits
    if str(generate.get("ExcludePunctuation", "false")).lower() != "true":
        alphabet += string.punctuation
    excluded = str(generate.get("ExcludeCharacters", ""))
    alphabet = "".join(char for char in alphabet if char not in excluded)
    length = int(generate.get("PasswordLength", 32))
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _create_secrets(template: Template, endpoint: str, seeds: dict[str, Any]) -> dict[str, Any]:
    declared = _of_type(template, "AWS::SecretsManager::Secret")
    if not declared:
        return {}
    client = aws.client("secretsmanager", endpoint)
    values: dict[str, Any] = {}
    for logical_id, resource in declared.items():
        properties = template.resolve(resource.get("Properties", {}))
        name = str(properties.get("Name") or logical_id)
        value = _secret_string(seeds[name]) if name in seeds else _template_value(properties)
        try:
            arn = client.describe_secret(SecretId=name)["ARN"]
            if name in seeds:
                client.put_secret_value(SecretId=name, SecretString=value)  # the file is the source of truth
        except client.exceptions.ResourceNotFoundException:
            arn = client.create_secret(Name=name, SecretString=value)["ARN"]
        values[logical_id] = arn
        values[f"{logical_id}.Id"] = arn
    return values


def _create_parameters(template: Template, endpoint: str) -> dict[str, Any]:
    parameters = _of_type(template, "AWS::SSM::Parameter")
    if not parameters:
        return {}
    client = aws.client("ssm", endpoint)
    values: dict[str, Any] = {}
    for logical_id, resource in parameters.items():
        properties = template.resolve(resource.get("Properties", {}))
        name = str(properties.get("Name") or f"/local/{logical_id}")
        client.put_parameter(
            Name=name, Value=str(properties.get("Value", "")), Type=properties.get("Type", "String"), Overwrite=True
        )
        values[logical_id] = name
        values[f"{logical_id}.Value"] = str(properties.get("Value", ""))
    return values
