"""The registration queue's consumer: runs hook.py once per registration, with retries and a DLQ.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks.registration).
"""

from pathlib import Path

from dahooks.registration.worker import RegistrationWorker

handler = RegistrationWorker(Path(__file__).with_name("hook.py"))
