"""Post User Registration: accepted at once, run later on a queue, never lost, never twice.

Import the side you need, `intake.RegistrationIntake` (the accept route and the Cognito trigger) or
`worker.RegistrationWorker` (the queue's consumer): this package imports neither, so the accept
function's cold start does not load the worker and Powertools' batch processing.
"""
