"""The layer's boto3 clients: each follows the environment as it is when it is made, and all share
the service models botocore has read."""

from __future__ import annotations

import pytest

from dahooks.aws_clients import new_client


@pytest.fixture
def local_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "first-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "first-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1111")
    return monkeypatch


def test_a_client_reads_region_credentials_and_endpoint_as_they_are_when_it_is_made(
    local_environment: pytest.MonkeyPatch,
) -> None:
    first = new_client("dynamodb")
    local_environment.setenv("AWS_DEFAULT_REGION", "us-west-2")
    local_environment.setenv("AWS_ACCESS_KEY_ID", "second-key")
    local_environment.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:2222")

    second = new_client("dynamodb")

    assert (first.meta.region_name, first.meta.endpoint_url) == ("eu-west-1", "http://127.0.0.1:1111")
    assert first._request_signer._credentials.access_key == "first-key"
    assert (second.meta.region_name, second.meta.endpoint_url) == ("us-west-2", "http://127.0.0.1:2222")
    assert second._request_signer._credentials.access_key == "second-key"


def test_clients_share_the_models_botocore_read_once(local_environment: pytest.MonkeyPatch) -> None:
    first, second = new_client("dynamodb"), new_client("sqs")

    assert first._loader is second._loader
    # and the sessions made since do not lengthen its search paths, each searched for every model
    paths = list(second._loader.search_paths)
    assert new_client("dynamodb")._loader.search_paths == paths
    assert len(set(paths)) == len(paths)
