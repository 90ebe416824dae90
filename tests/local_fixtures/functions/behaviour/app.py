"""A test function that does what the request's path says: sleep, crash, raise, or answer badly.

GET /state counts calls in module state (a warm worker keeps it); POST /act/{action} with a JSON
body: echo (the event and the environment), sleep ({"seconds": N}), exit (the process dies),
raise (an unhandled exception), malformed (a response API Gateway cannot use), aws (call SQS and
Secrets Manager through the local endpoints).
"""

import json
import os
import time

# At init, as a Lambda function imports its SDK: the init phase has a budget of its own, so the aws
# action's calls fit this function's 2 s Timeout even on a machine busy with other tests.
import boto3
from shared_counter import bump

STARTED = time.time()


def _answer(body, status=200):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _aws(event):
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody="hello")
    attributes = sqs.get_queue_attributes(QueueUrl=os.environ["QUEUE_URL"], AttributeNames=["All"])["Attributes"]
    secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["SECRET_ID"])["SecretString"]
    tables = boto3.client("dynamodb").list_tables()["TableNames"]
    return {"redrive": json.loads(attributes["RedrivePolicy"]), "secret": json.loads(secret), "tables": tables}


def handler(event, context):
    if event["routeKey"] in ("GET /state", "GET /open"):
        return _answer({"count": bump("behaviour"), "pid": os.getpid(), "started": STARTED})
    action = event["pathParameters"]["action"]
    body = json.loads(event.get("body") or "{}")
    if action == "echo":
        return _answer(
            {"event": event, "environ": dict(os.environ), "remaining_ms": context.get_remaining_time_in_millis()}
        )
    if action == "sleep":
        time.sleep(body["seconds"])
        return _answer({"slept": body["seconds"], "pid": os.getpid()})
    if action == "exit":
        os._exit(3)
    if action == "raise":
        raise RuntimeError("the test asked for an exception")
    if action == "malformed":
        return {"statusCode": "two hundred"}
    if action == "plain":
        return {"plain": True}
    if action == "aws":
        return _answer(_aws(event))
    return _answer({"unknown": action}, 400)
