"""Shared pytest configuration. Fixtures live in tests/fixtures/, one module per concern."""

pytest_plugins = [
    "tests.fixtures.functions",
    "tests.fixtures.dynamodb",
    "tests.fixtures.logs",
    "tests.fixtures.stack",
    "tests.fixtures.registration",
]
