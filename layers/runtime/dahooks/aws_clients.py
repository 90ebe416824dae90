"""boto3 clients for the layer: each made as the environment is when it is made, all sharing what
botocore reads once per process.

A client is made from a session of its own, so that it resolves region, credentials and endpoint
from the environment of that moment (the local stack and the tests point one process at several
endpoints in turn). But a new session also reads the service's model files again (megabytes of
JSON for DynamoDB or Cognito): about 130 ms of CPU for each client, where the second client of a
session costs 5. So the sessions share one loader, which keeps the models it has read. A Lambda
container makes one client of each service and pays the same as before; a process that makes
hundreds, as the test suite does, no longer reads the same files hundreds of times.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

# The loader is shared by every session, and so is what each new session does to it.
_lock = threading.Lock()


def new_client(service: str, **options: Any) -> Any:
    """`boto3.client(service, **options)` from a new session, the loaded models shared."""
    import boto3
    import botocore.session

    with _lock:
        session = botocore.session.get_session()
        loader = _models_loader(session.get_config_variable("data_path"))
        session.register_component("data_loader", loader)
        client_session = boto3.session.Session(botocore_session=session)
        # Each boto3 session appends its own data folder to the loader's search paths: once is
        # enough for a shared loader, where every path is searched for each model not yet read.
        paths = loader.search_paths
        if paths.count(paths[-1]) > 1:
            paths.pop()
        return client_session.client(service, **options)


@functools.cache
def _models_loader(data_path: str | None) -> Any:
    """botocore's loader of model files, one per search path (AWS_DATA_PATH), keeping what it read."""
    import botocore.loaders

    return botocore.loaders.create_loader(data_path)
