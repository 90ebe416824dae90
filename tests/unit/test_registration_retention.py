"""A registration's idempotency record lives exactly as long as the queue may deliver its message.

One number, template.yaml's RegistrationRetentionSeconds, sets the queue's retention and the
REGISTRATION_RETENTION_SECONDS both functions read (the idempotency records' expiry, a kept
registration's); the layer's default (used when the variable is unset) must be that number too.
"""

from __future__ import annotations

from dahooks.registration import settings
from local.template import Template


def test_the_queue_retention_the_functions_setting_and_the_layer_default_are_one_number():
    template = Template()
    queue = template.resolve(template.resources["RegistrationQueue"]["Properties"])
    functions = template.functions()

    assert int(queue["MessageRetentionPeriod"]) == settings.DEFAULT_RETENTION_SECONDS
    for name in ("RegistrationWorkerFunction", "PostUserRegistrationFunction"):
        assert int(functions[name].environment[settings.RETENTION]) == settings.DEFAULT_RETENTION_SECONDS
