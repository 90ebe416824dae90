"""Metrics of the hooks and of the registration pipeline, as CloudWatch embedded metric format (EMF).

Each metric reaches CloudWatch as a line of the function's log: CloudWatch Logs extracts the
numbers from it, so there is no PutMetricData call, no client and no latency on a request. A
function counts what happens during an invocation and writes one line per hook type at its end.

The lines are exactly what Powertools' `Metrics` serializes for the same metrics (the unit tests
compare the two), but they are built here: a Powertools flush costs about as much as a log record
(validation of each metric, then json.dumps), too much beside a hook that runs in tens of
microseconds, and its metric set is shared process-wide state that the users API's threads and the
local stack's concurrent batches would mix. Here the fixed part of a line is made once per hook
type and counts, and an invocation only formats its timestamp, request id and durations.

Dimensions are the hook type and the service name, both constant per function: never a user, a
tenant or a request id (each distinct value is a custom metric, billed each month). API Gateway's
request id rides on the line as a plain member (`correlation_id`, as on the log records): searchable
in Logs Insights, not a metric.
"""

from __future__ import annotations

import json
import json.encoder
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from . import config
from .deadline import DeadlineExceeded
from .exceptions import DahooksError, HookError, HookFailedError, HookTimeoutError

if TYPE_CHECKING:
    from collections.abc import Sequence

# The variables Powertools' Metrics reads, so that both agree on where the metrics go.
NAMESPACE_VARIABLE = "POWERTOOLS_METRICS_NAMESPACE"
DEFAULT_NAMESPACE = "delegated-admin-hooks"
DEFAULT_SERVICE = "delegated-admin-hooks"
HOOK_TYPE = "hook_type"  # the one dimension of our own
SERVICE = "service"  # the dimension Powertools adds to every metric

COUNT = "Count"
MILLISECONDS = "Milliseconds"
MAX_VALUES = 100  # values of one metric in one EMF document, at most (the format's limit)

# A text as a JSON string, as the compact JSON encoder writes it (the standard encoder's C function for
# text): the request id on every line, without the encoder's setup for one short string.
_string = json.encoder.encode_basestring

# A hook run's metrics, by hook type. Every request is one of Invocations; Refusals, HookFailed and
# Timeouts count those that ended so (the hook's refusal, a crash or a result of the wrong shape,
# the hook's own deadline); HookDuration is the time inside the hook, the runtime's own excluded.
INVOCATIONS = "Invocations"
REFUSALS = "Refusals"
HOOK_FAILED = "HookFailed"
TIMEOUTS = "Timeouts"
HOOK_DURATION = "HookDuration"
HOOK_COUNTERS = (INVOCATIONS, REFUSALS, HOOK_FAILED, TIMEOUTS)

# Registrations: the accept function's (Accepted: on the queue; Kept: in the table, for the worker to
# move) and the worker's (Delivered: its hook ran; Retried: it failed and comes back later;
# DeadLettered: it failed its last attempt, or was set aside). How long registrations wait is
# SQS's own ApproximateAgeOfOldestMessage, not a metric of ours.
ACCEPTED = "Accepted"
KEPT = "Kept"
DELIVERED = "Delivered"
RETRIED = "Retried"
DEAD_LETTERED = "DeadLettered"
INTAKE_COUNTERS = (ACCEPTED, KEPT)
WORKER_COUNTERS = (DELIVERED, RETRIED, DEAD_LETTERED)


def hook_counters(error: BaseException | None) -> tuple[str, ...]:
    """The counters of a hook run that ended with `error` (None: it answered)."""
    if error is None:
        return (INVOCATIONS,)
    if isinstance(error, HookError):
        return (INVOCATIONS, REFUSALS)
    if isinstance(error, (HookTimeoutError, DeadlineExceeded)):
        return (INVOCATIONS, TIMEOUTS)
    if isinstance(error, DahooksError) and not isinstance(error, HookFailedError):
        return (INVOCATIONS,)  # a dependency's error (storage unavailable): its own status, not the hook's fault
    return (INVOCATIONS, HOOK_FAILED)


_ANSWERED = hook_counters(None)  # a run that answered, as nearly every run does: counted without a call


class HookRun:
    """One run of a hook, counted in the hook types' metrics when its `with` block ends: by how it
    ended (the exception it raised, or `refused` when the caller saw a refusal without one) and with
    the time it took."""

    def __init__(self, hook_type: str) -> None:
        self.hook_type = hook_type
        self.refused = False
        self.started = time.perf_counter()

    def __enter__(self) -> HookRun:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        if error is not None:
            counters = hook_counters(error)
        elif self.refused:
            counters = (INVOCATIONS, REFUSALS)
        else:
            counters = _ANSWERED
        hook_metrics.add_run(self.hook_type, counters, (time.perf_counter() - self.started) * 1000)


@dataclass(frozen=True)
class MetricsDestination:
    """Where a function's metrics go: the namespace and the service dimension.

    Read from the environment as Powertools' Metrics reads them (POWERTOOLS_METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME). A Lambda environment's variables are fixed for its life, so a function
    reads them once at init and hands them to each flush; reading them per flush was a tenth of a
    warm hook invocation."""

    namespace: str
    service: str

    @classmethod
    def from_environment(cls) -> MetricsDestination:
        return cls(
            config.env_str(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE), config.env_str(config.SERVICE_NAME, DEFAULT_SERVICE)
        )


def _header(namespace: str, service: str, hook_type: str, counters: tuple[str, ...], duration: str | None) -> str:
    """The fixed text of a line after its timestamp: the metric directive and the dimensions."""
    metrics = [{"Name": name, "Unit": COUNT} for name in counters]
    if duration:
        metrics.append({"Name": duration, "Unit": MILLISECONDS})
    directive = [{"Namespace": namespace, "Dimensions": [[HOOK_TYPE, SERVICE]], "Metrics": metrics}]
    dimensions = json.dumps({HOOK_TYPE: hook_type, SERVICE: service}, separators=(",", ":"))
    return ',"CloudWatchMetrics":' + json.dumps(directive, separators=(",", ":")) + "}," + dimensions[1:-1]


# One run added: its hook type, the counters it adds one to, its duration (None: not timed).
_Run = tuple[str, tuple[str, ...], "float | None"]
# The fixed text of a line and its counters' values, per (namespace, service, hook type, counts,
# with a duration). A hook function meets a handful of these (one run per request); the users API,
# whose pages run the access hook per row, may meet more: past this many kept, they are made anew.
_Texts = tuple[str, str]
_TEXTS_KEPT = 256


class InvocationMetrics:
    """Counters (and one duration) per hook type over one invocation, flushed as EMF lines at its end.

    `add` may be called from any thread (the users API runs hooks on several); `flush` writes and
    forgets, once per invocation, from the handler. A hook type that did nothing writes nothing,
    and a counter that stayed at zero is left out of its line: the bytes of every line are
    ingested as logs, and CloudWatch sums a missing count as none.

    A run is only appended to a list; the runs are counted when the lines are made. The text of a
    line, but for its timestamp, request id and durations, is made once for each hook type and
    counts, and kept. A warm hook invocation is one run: every step saved there counts.
    """

    def __init__(self, counters: Sequence[str], duration: str | None = None) -> None:
        self.counters = tuple(counters)
        self.duration = duration
        self.enabled = not is_metrics_disabled()  # POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV, as Powertools
        self._known = frozenset(self.counters)
        self._texts: dict[tuple[str, str, str, tuple[int, ...], bool], _Texts] = {}
        # A single run's texts, by its counters as added (the counts are not made): its values and
        # the opening of its duration member end the second text.
        self._one_texts: dict[tuple[str, str, str, tuple[str, ...], bool], _Texts] = {}
        self._runs: list[_Run] = []
        self._lock = threading.Lock()

    def add(self, hook_type: str, *counters: str, duration_ms: float | None = None) -> None:
        """One more of each of `counters` (and a duration sample) for `hook_type`."""
        self.add_run(hook_type, counters, duration_ms)

    def add_run(self, hook_type: str, counters: tuple[str, ...], duration_ms: float | None) -> None:
        """`add`, its counters as one tuple (no packing of arguments, for the one run of a request)."""
        if not self._known.issuperset(counters):
            raise KeyError(f"not a counter of these metrics: {sorted(set(counters) - self._known)}")
        with self._lock:
            self._runs.append((hook_type, counters, duration_ms))

    def lines(
        self,
        members: dict[str, str] | None = None,
        *,
        timestamp_ms: int | None = None,
        destination: MetricsDestination | None = None,
    ) -> list[str]:
        """The EMF lines of what was added since the last call, and forget it. `members` ride on
        each line as plain keys (a request id): searchable in the logs, not dimensions. Without a
        `destination`, the environment's, read now."""
        with self._lock:
            runs, self._runs = self._runs, []
        if not runs:
            return []
        timestamp = time.time_ns() // 1_000_000 if timestamp_ms is None else timestamp_ms
        extra = ""
        if members:
            extra = "".join([f",{_string(name)}:{_string(value)}" for name, value in members.items() if value])
        destination = destination or MetricsDestination.from_environment()
        if len(runs) == 1:
            return [self._line_of_one(runs[0], destination, timestamp, extra)]
        return self._grouped_lines(runs, destination, timestamp, extra)

    def _line_of_one(self, run: _Run, destination: MetricsDestination, timestamp: int, extra: str) -> str:
        """The line of a single run: a hook function's invocation, every request. Its fixed texts
        are kept per run, so that neither the runs are grouped nor the counters counted: two thirds
        of the work of a line. test_metrics compares it with the grouped runs' line."""
        hook_type, counters, duration_ms = run
        timed = duration_ms is not None and self.duration is not None
        key = (destination.namespace, destination.service, hook_type, counters, timed)
        texts = self._one_texts.get(key)
        if texts is None:
            header, counts = self._texts_of(destination, hook_type, list(counters), timed)
            texts = (header, counts + (f',"{self.duration}":[' if timed else ""))
            if len(self._one_texts) >= _TEXTS_KEPT:
                self._one_texts.clear()
            self._one_texts[key] = texts
        header, counts_then_duration = texts  # the counters' values, then the duration's opening `,"<name>":[`
        samples = f"{duration_ms:.3f}]" if timed else ""
        return f'{{"_aws":{{"Timestamp":{timestamp}{header}{extra}{counts_then_duration}{samples}}}'

    def _grouped_lines(
        self, runs: list[_Run], destination: MetricsDestination, timestamp: int, extra: str
    ) -> list[str]:
        """The lines of several runs: one per hook type, its runs counted together."""
        lines = []
        for hook_type, (counted, durations) in _by_hook_type(runs).items():
            header, values = self._texts_of(destination, hook_type, counted, bool(durations))
            chunks = [durations[i : i + MAX_VALUES] for i in range(0, len(durations), MAX_VALUES)] or [[]]
            lines.append(f'{{"_aws":{{"Timestamp":{timestamp}{header}{extra}{values}{self._samples(chunks[0])}}}')
            if len(chunks) > 1:  # an EMF metric holds at most 100 values: the rest on lines without counts
                header, values = self._texts_of(destination, hook_type, [], True)
                for chunk in chunks[1:]:
                    lines.append(f'{{"_aws":{{"Timestamp":{timestamp}{header}{extra}{self._samples(chunk)}}}')
        return lines

    def _texts_of(
        self, destination: MetricsDestination, hook_type: str, counted: list[str], with_duration: bool
    ) -> _Texts:
        """The fixed text of a line after its timestamp, and its counters' values (a JSON integer
        each, the numbers Powertools writes as 1.0)."""
        counts = tuple([counted.count(name) for name in self.counters])
        with_duration = with_duration and self.duration is not None
        key = (destination.namespace, destination.service, hook_type, counts, with_duration)
        texts = self._texts.get(key)
        if texts is None:
            named = [(name, count) for name, count in zip(self.counters, counts, strict=True) if count]
            duration = self.duration if with_duration else None
            header = _header(key[0], key[1], hook_type, tuple([name for name, _ in named]), duration)
            texts = (header, "".join([f',"{name}":[{count}]' for name, count in named]))
            if len(self._texts) >= _TEXTS_KEPT:
                self._texts.clear()
            self._texts[key] = texts
        return texts

    def _samples(self, durations: list[float]) -> str:
        """The duration member of a line: its samples to the microsecond, as Powertools writes them."""
        if not durations or self.duration is None:
            return ""
        return f',"{self.duration}":[{",".join([f"{value:.3f}" for value in durations])}]'

    def flush(self, destination: MetricsDestination | None = None, /, **members: str) -> None:
        """Write the invocation's lines to stdout, where Lambda sends them to the function's log."""
        lines = self.lines(members, destination=destination)
        if lines and self.enabled:
            stream = sys.stdout  # looked up now, as print() does: the local runtime and tests redirect it
            stream.write("\n".join(lines) + "\n")
            stream.flush()


def _by_hook_type(runs: list[_Run]) -> dict[str, tuple[list[str], list[float]]]:
    """The runs' counters (one name per count) and durations, by hook type in the order first added."""
    grouped: dict[str, tuple[list[str], list[float]]] = {}
    for hook_type, counters, duration_ms in runs:
        group = grouped.get(hook_type)
        if group is None:
            group = grouped[hook_type] = ([], [])
        group[0].extend(counters)
        if duration_ms is not None:
            group[1].append(duration_ms)
    return grouped


hook_metrics = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)
intake_metrics = InvocationMetrics(INTAKE_COUNTERS)
worker_metrics = InvocationMetrics(WORKER_COUNTERS)
