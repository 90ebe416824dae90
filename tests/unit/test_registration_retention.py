"""A registration's idempotency record lives exactly as long as the queue may deliver its message.

One number, template.yaml's RegistrationRetentionSeconds, sets both the queue's retention and the
worker's REGISTRATION_IDEMPOTENCY_SECONDS; the layer's default (used when the variable is unset)
must be that number too.
"""

from __future__ import annotations

from dahooks.registration import settings
from local.template import Template


def test_the_queue_retention_the_worker_setting_and_the_layer_default_are_one_number():
    template = Template()
    queue = template.resolve(template.resources["RegistrationQueue"]["Properties"])
    worker = template.functions()["RegistrationWorkerFunction"]

    assert int(queue["MessageRetentionPeriod"]) == settings.DEFAULT_IDEMPOTENCY_SECONDS
    assert int(worker.environment[settings.IDEMPOTENCY_EXPIRY]) == settings.DEFAULT_IDEMPOTENCY_SECONDS
