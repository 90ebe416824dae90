"""Reading a template: CloudFormation's short-form intrinsics, a document of its own for each
caller, and the file as it is now (a parse is reused only for the very same text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from local.template import load_template

if TYPE_CHECKING:
    from pathlib import Path

TEMPLATE = """Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE_NAME: !Ref Table
          TABLE_ARN: !GetAtt Table.Arn
          GREETING: !Sub "hello ${Table}"
"""


def test_short_form_intrinsics_are_read_as_their_long_form(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)

    variables = load_template(path)["Resources"]["Function"]["Properties"]["Environment"]["Variables"]

    assert variables == {
        "TABLE_NAME": {"Ref": "Table"},
        "TABLE_ARN": {"Fn::GetAtt": ["Table", "Arn"]},
        "GREETING": {"Fn::Sub": "hello ${Table}"},
    }


def test_each_caller_gets_a_document_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)

    first = load_template(path)
    first["Resources"]["Table"]["Type"] = "changed by its reader"

    assert load_template(path)["Resources"]["Table"]["Type"] == "AWS::DynamoDB::Table"


def test_an_edited_template_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    load_template(path)

    path.write_text(TEMPLATE.replace("AWS::DynamoDB::Table", "AWS::SQS::Queue"))

    assert load_template(path)["Resources"]["Table"]["Type"] == "AWS::SQS::Queue"
