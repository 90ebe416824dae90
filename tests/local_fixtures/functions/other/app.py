"""A second test function: its module state (and the layer's) must not be shared with BehaviourFunction."""

import json
import os

from shared_counter import COUNTS, bump


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"count": bump("other"), "seen": sorted(COUNTS), "pid": os.getpid()})}
