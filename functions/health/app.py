"""GET /health: the one route without a token, for load balancers and `make run`'s readiness check."""

from typing import Any

from dahooks.responses import json_response


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return json_response(200, {"status": "ok"})
