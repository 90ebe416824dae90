"""POST /hooks/post-user-registration, and the Cognito Post Confirmation trigger: validate, enqueue, answer.

Wiring only: the hook runs later on the registration worker (functions/registration-worker/).
"""

from dahooks.registration.intake import RegistrationIntake

handler = RegistrationIntake()
