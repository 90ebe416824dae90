"""Post User Registration: how fast a registration is accepted, and that 1,000 arrive exactly once.

Everything is real and local: moto's SQS and Secrets Manager, DynamoDB Local for the idempotency
records, the accept and worker functions' real handlers, local/event_source.py delivering the
queue as Lambda would, and an HTTP receiver on 127.0.0.1 standing in for Slack that fails 20% of
the calls at random. The retry back-off base is 0 here (a failed registration is retried at
once) so that the figure measures the pipeline, not the waiting; `maxReceiveCount` is 10, since
with 20% failures and 5 attempts one registration in 3,000 would reach the dead-letter queue.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bench.figures import Figure, percentile
from local.environment import Environment
from local.testing import ACCEPT_ROUTE, INTAKE, RegistrationStack, SlackReceiver, http_event, local_aws_services

GROUP = "post-user-registration"
ACCEPTS = 500
REGISTRATIONS = 1000
FAILURE_RATE = 0.2
MAX_RECEIVE_COUNT = 10
POLLERS = 2
SETTLE_TIMEOUT_S = 600.0


def _body(index: int, run: str) -> dict[str, Any]:
    return {
        "user": {
            "id": f"{run}-{index:05d}",
            "tenant": "bench",
            "username": f"user{index:05d}",
            "email": f"u{index}@x.io",
        },
        "context": {"requestLanguage": "en", "connection": {"id": "con_1", "name": "db", "tenant": "bench"}},
    }


def _accept_latency(stack: RegistrationStack) -> list[Figure]:
    run = uuid.uuid4().hex[:8]
    accept_ms, send_ms = [], []
    sqs = stack.handlers[INTAKE].queue.client  # the function's own client: the same connection pool
    for index in range(ACCEPTS):
        event = http_event(ACCEPT_ROUTE, _body(index, run))
        started = time.perf_counter()
        response = stack.invoke(INTAKE, event)
        accept_ms.append((time.perf_counter() - started) * 1000)
        assert response["statusCode"] == 202, response
        started = time.perf_counter()
        sqs.send_message(QueueUrl=stack.queue_url, MessageBody=event["body"])
        send_ms.append((time.perf_counter() - started) * 1000)
    sqs.purge_queue(QueueUrl=stack.queue_url)
    p50, p99 = percentile(accept_ms, 0.5), percentile(accept_ms, 0.99)
    return [
        Figure(
            GROUP,
            "accept latency p50 (202, in-process)",
            f"{p50:.2f} ms",
            f"bare SendMessage {percentile(send_ms, 0.5):.2f} ms",
            "p50 <= 20 ms",
            p50 <= 20,
        ),
        Figure(
            GROUP,
            "accept latency p99 (202, in-process)",
            f"{p99:.2f} ms",
            f"bare SendMessage {percentile(send_ms, 0.99):.2f} ms",
            "p99 <= 100 ms",
            p99 <= 100,
        ),
    ]


def _end_to_end(stack: RegistrationStack, slack: SlackReceiver) -> list[Figure]:
    run = uuid.uuid4().hex[:8]
    expected = {f"New User: user{index:05d} (u{index}@x.io)" for index in range(REGISTRATIONS)}
    source = stack.event_source(pollers=POLLERS)
    slack.failure_rate = FAILURE_RATE
    started = time.perf_counter()
    source.start()
    try:
        for index in range(REGISTRATIONS):
            assert stack.invoke(INTAKE, http_event(ACCEPT_ROUTE, _body(index, run)))["statusCode"] == 202
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while stack.depth() and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    finally:
        source.stop()
    texts = slack.texts()
    delivered = len(expected & set(texts))
    duplicated = len(texts) - len(set(texts))
    dead = [json.loads(m["Body"]) for m in stack.receive(stack.dead_letter_url)]
    lost = REGISTRATIONS - delivered - len(dead)
    retries = slack.attempts - len(texts)
    return [
        Figure(
            GROUP, f"end to end: {REGISTRATIONS} registrations, time", f"{elapsed:.1f} s", f"{retries} retried posts"
        ),
        Figure(
            GROUP,
            "end to end: delivered",
            str(delivered),
            f"{len(dead)} dead-lettered",
            f"= {REGISTRATIONS}",
            delivered == REGISTRATIONS,
        ),
        Figure(GROUP, "end to end: duplicated", str(duplicated), "", "= 0", duplicated == 0),
        Figure(GROUP, "end to end: lost", str(lost), "", "= 0", lost == 0),
    ]


def run() -> list[Figure]:
    environment = Environment()
    quiet: list[Any] = []
    try:
        with local_aws_services() as (_, moto_endpoint, table), SlackReceiver() as slack:
            stack = RegistrationStack(
                moto_endpoint,
                table,
                {"SLACK_HOOK": slack.url},
                max_receive_count=MAX_RECEIVE_COUNT,
                visibility_timeout=10,
            )
            environment.set(stack.environment)
            stack.load()  # puts the layer on sys.path, as Lambda does
            from dahooks.logs import logger

            quiet.append((logger, logger.log_level))
            logger.setLevel("ERROR")  # 1,000 registrations' log lines would bury the table
            return _accept_latency(stack) + _end_to_end(stack, slack)
    finally:
        for quieted, level in quiet:
            quieted.setLevel(level)
        environment.restore()
