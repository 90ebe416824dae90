"""Custom data and the cache on DynamoDB Local: warm and cold `ctx.read()`, and `ctx.update` under contention.

Warm read: a container that has read the data once reads it again (head check, in-memory copy);
its baseline is a cold read by a fresh container sharing the same client (head + chunks), the
two interleaved in short rounds. Capacity units are DynamoDB Local's ReturnConsumedCapacity.
Contention: P processes, each its own container, increment one counter with `ctx.update` at the
same moment; the baseline is one process doing the same number of updates alone. DynamoDB Local
on a shared 2-core machine is far slower than DynamoDB: compare figures with their baselines.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from local import aws
from local.dynamodb_local import DynamoDBLocal, create_tables
from local.environment import temporary_environment
from local.template import Template

from .figures import Figure, percentile

if TYPE_CHECKING:
    from collections.abc import Iterator

GROUP = "storage"
ROUNDS = 10
CALLS_PER_ROUND = 20
LIMIT_BYTES = 409_600
CONTENDERS = 4
UPDATES_PER_CONTENDER = 25


def incompressible_document(total_bytes: int) -> dict[str, str]:
    """`{"blob": ...}` of exactly `total_bytes` of compact JSON, random base85 (zlib saves ~20%)."""
    budget = total_bytes - len('{"blob":""}')
    return {"blob": base64.b85encode(os.urandom(budget)).decode()[:budget]}


@contextmanager
def _dynamodb() -> Iterator[str]:
    """A DynamoDB Local with the template's tables; the environment points at it meanwhile."""
    with DynamoDBLocal() as server:
        table = create_tables(Template(), server.endpoint)["Table"]
        with temporary_environment({**aws.environment(dynamodb=server.endpoint), "TABLE_NAME": table}):
            yield table


def _timed_reads(storage: Any, calls: int, fresh: bool) -> tuple[list[float], list[float]]:
    """Milliseconds and capacity units of `calls` reads (each by a fresh container when `fresh`)."""
    from dahooks.storage import Storage

    millis, units = [], []
    for _ in range(calls):
        reader = Storage(storage.table_name, client=storage.client()) if fresh else storage
        started = time.perf_counter()
        current = reader.snapshot()
        millis.append((time.perf_counter() - started) * 1000)
        units.append(current.read_capacity)
    return millis, units


def read_figures(table: str) -> list[Figure]:
    from dahooks.storage import Storage

    figures = []
    for label, document in [
        ("small (departments)", {"departments": ["IT", "HR", "Finance", "Marketing"]}),
        ("409,600 B incompressible", incompressible_document(LIMIT_BYTES)),
    ]:
        Storage(table).write(document)
        warm = Storage(table)
        warm.snapshot()
        _timed_reads(warm, CALLS_PER_ROUND, fresh=True)  # warm-up: JIT of DynamoDB Local, connections
        warm_ms: list[float] = []
        warm_units: list[float] = []
        cold_ms: list[float] = []
        cold_units: list[float] = []
        for _ in range(ROUNDS):
            ms, units = _timed_reads(warm, CALLS_PER_ROUND, fresh=False)
            warm_ms += ms
            warm_units += units
            ms, units = _timed_reads(warm, CALLS_PER_ROUND, fresh=True)
            cold_ms += ms
            cold_units += units
        figures.append(
            Figure(
                GROUP,
                f"ctx.read() {label}, warm (ms p50/p95)",
                f"{percentile(warm_ms, 0.5):.1f} / {percentile(warm_ms, 0.95):.1f}",
                f"cold {percentile(cold_ms, 0.5):.1f} / {percentile(cold_ms, 0.95):.1f}",
            )
        )
        figures.append(
            Figure(
                GROUP,
                f"ctx.read() {label}, warm (RCU per read)",
                f"{max(warm_units):g}",
                f"cold {max(cold_units):g}",
                "warm <= 1 RCU",
                max(warm_units) <= 1,
            )
        )
    return figures


def _contender(updates: int, start: Any, results: Any) -> None:
    """One container: `updates` increments with ctx.update; reports how many times its function ran."""
    from dahooks.storage import from_environment

    storage = from_environment()
    storage.read()  # client built and connected before the race
    calls = 0

    def increment(data: dict[str, Any]) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return {**data, "counter": data.get("counter", 0) + 1}

    start.wait()
    for _ in range(updates):
        storage.update(increment)
    results.put(calls)


def _race(table: str, processes: int, updates: int) -> tuple[float, int, int]:
    """Seconds for `processes` × `updates` concurrent updates, the counter's final value, and fn calls."""
    from dahooks.storage import Storage

    Storage(table).write({"counter": 0})
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_contender, args=(updates, start, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(3)  # let every process import and connect before the start signal
    started = time.perf_counter()
    start.set()
    calls = sum(results.get(timeout=600) for _ in workers)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return elapsed, Storage(table).read()["counter"], calls


def update_figures(table: str) -> list[Figure]:
    total = CONTENDERS * UPDATES_PER_CONTENDER
    alone_s, _, _ = _race(table, 1, total)
    race_s, counter, calls = _race(table, CONTENDERS, UPDATES_PER_CONTENDER)
    return [
        Figure(
            GROUP,
            f"ctx.update, {CONTENDERS} processes x {UPDATES_PER_CONTENDER} (updates/s)",
            f"{total / race_s:.0f}",
            f"1 process x {total}: {total / alone_s:.0f}",
        ),
        Figure(
            GROUP,
            f"ctx.update, {CONTENDERS} processes: final counter / retries per update",
            f"{counter} / {(calls - total) / total:.2f}",
            "",
            f"counter == {total} (no lost update)",
            counter == total,
        ),
    ]


def run() -> list[Figure]:
    with _dynamodb() as table:
        return [*read_figures(table), *update_figures(table)]
