"""A layer module both test functions import: each worker process has its own copy of COUNTS."""

COUNTS: dict[str, int] = {}


def bump(name: str) -> int:
    COUNTS[name] = COUNTS.get(name, 0) + 1
    return COUNTS[name]
