"""Fixtures for every tier. The tiers: tests/unit (this interpreter only: no process, no socket, no
Java), tests/functional (DynamoDB Local, moto and subprocesses, set up by tests/functional/conftest.py),
tests/e2e (the local stack of `make run` over HTTP, started by tests/e2e/conftest.py). One DynamoDB
Local serves both of the latter (`shared_dynamodb`, below).

The reusable pieces live in local/testing.py; the fixtures here and in each tier's conftest.py call
into it.
"""

from __future__ import annotations

import collections
import io
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from local import aws
from local.environment import temporary_environment
from local.paths import ROOT
from local.template import Template
from local.testing import SHARED_DYNAMODB_WORKERINPUT, SharedDynamoDBLocal, WarmFunctions, shared_dynamodb_endpoint

Invoke = Callable[..., tuple[int, Any]]

# Every property test runs its profile's number of examples: Hypothesis's 100 in `make test`, ten times
# as many with `pytest --hypothesis-profile=thorough` (after changing a parser or a fast path, before a
# release). No per-example deadline: on a loaded 2-core machine an example's time says nothing.
settings.register_profile("standard", deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile("standard")
E2E = "tests/e2e"
WORK_UNITS = "work_units_file"  # the key of the file's path in each xdist worker's workerinput
UNIT_TIER = ROOT / "tests" / "unit"


# ------------------------------------------------------------------ spreading the tests over xdist's workers
#
# `make test` runs three workers. A work unit is what one worker runs, in collection order: the
# tests that share a stack (a session-scoped fixture of tests/e2e: `local_stack`,
# `registration_stack`, `lambda_stack`, `dashboard_stack`), together with the other tests of their modules'
# module-scoped fixtures; the tests of a module-scoped fixture (a stack of the module's own, say); an e2e
# test that uses neither (it starts its own stack); and otherwise the rest of a module. Units are
# handed out longest first, so that the long units start at once, on every worker, and the unit
# tier's short modules fill the gaps at the end. A unit's length comes from tests/durations.json, the
# seconds each module took in a `make test` (its tests' share of them): the tests that wait (for a
# retry's back-off, a queue's next poll) then start beside the busy ones rather than all at the end,
# with the cores idle. A module missing from the file gets a rough estimate by its tier. Only a
# worker has the items (and so their fixtures) in hand: each writes the units it computed to a file
# the controller reads once every worker has collected.

DURATIONS = ROOT / "tests" / "durations.json"
# Rough seconds per test of each tier, and for the stack or servers a unit starts: enough to order them.
TIER_SECONDS = {"e2e": 1.0, "functional": 0.3, "unit": 0.02}
START_SECONDS = {"e2e": 15.0, "functional": 1.0, "unit": 0.0}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--write-durations",
        metavar="PATH",
        help="write the seconds each test module took (setup, call and teardown) to PATH, as tests/durations.json",
    )


def _shared(item: pytest.Item, module: str, tier: str) -> list[str]:
    """What `item` shares with other tests: the e2e stacks it uses and its module's module-scoped
    fixtures; nothing for an e2e test that starts its own stack; else its module."""
    shared = []
    for name, definition in _fixture_definitions(item):
        if _is_stack(definition):
            shared.append(f"stack {name}")
        elif definition.scope in ("package", "module", "class"):
            shared.append(f"fixtures of {module}")
    if shared or tier == "e2e":
        return shared
    return [f"tests of {module}"]


def _fixture_definitions(item: pytest.Item) -> Iterator[tuple[str, Any]]:
    """Each fixture `item` uses (by name) with its definitions, as pytest resolved them for a test
    function (none for another kind of item)."""
    definitions = getattr(item, "_fixtureinfo", None)
    for name in item.fixturenames if definitions is not None else ():
        for definition in definitions.name2fixturedefs.get(name, ()):
            yield name, definition


def _work_units(items: list[pytest.Item]) -> dict[str, tuple[str, float]]:
    """Each test's unit (named after something its tests share, or the test itself) and the unit's
    estimated seconds."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    tiers: dict[str, str] = {}
    for item in items:
        module = _module(item.nodeid)
        tier = tiers[item.nodeid] = module.split("/")[1] if module.count("/") >= 2 else ""
        first, *others = _shared(item, module, tier) or [item.nodeid]
        for other in others:  # a test that shares two things joins the units of both
            parent[root(other)] = root(first)
        parent.setdefault(item.nodeid, root(first))
    measured = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.exists() else {}
    tests_of_module = collections.Counter(_module(nodeid) for nodeid in tiers)
    seconds: dict[str, float] = collections.defaultdict(float)
    started: set[str] = set()  # the units whose stack or servers an estimate already counts
    for nodeid, tier in tiers.items():
        unit, module = root(nodeid), _module(nodeid)
        if module in measured:
            seconds[unit] += measured[module] / tests_of_module[module]
            continue
        if unit not in started and not unit.startswith("tests of "):
            seconds[unit] += START_SECONDS.get(tier, 15.0)
            started.add(unit)
        seconds[unit] += TIER_SECONDS.get(tier, 1.0)
    return {nodeid: (root(nodeid), seconds[root(nodeid)]) for nodeid in tiers}


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


class DurationRecorder:
    """--write-durations: the seconds of each test's phases, added up by module, written at the end
    (by xdist's controller, to which the workers report, or by the one process of a run without).
    Only a run whose every test passed writes them, over the file's figures for the same modules: a
    failed or interrupted run's are not what the modules take, and a run of a few modules leaves the
    others' as they were."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds: collections.Counter[str] = collections.Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[_module(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, exitstatus: int) -> None:
        if exitstatus != pytest.ExitCode.OK or not self.seconds:
            return
        durations = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        durations.update({module: round(seconds, 1) for module, seconds in self.seconds.items()})
        self.path.write_text(json.dumps(dict(sorted(durations.items())), indent=1) + "\n", encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("write_durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(DurationRecorder(Path(config.getoption("write_durations"))))
    if not hasattr(config, "workerinput") and config.pluginmanager.hasplugin("xdist"):
        config.stash[_UNITS_DIR] = Path(tempfile.mkdtemp(prefix="pytest-work-units-"))
        if _workers_will_run_tests_beyond_the_unit_tier(config):
            # The workers' DynamoDB Local, starting while they start and collect.
            shared = config.stash[_SHARED_DYNAMODB] = SharedDynamoDBLocal(config.stash[_UNITS_DIR] / "dynamodb")
            shared.launch()


def _workers_will_run_tests_beyond_the_unit_tier(config: pytest.Config) -> bool:
    """True when xdist's workers will run tests (as xdist decides it: `-n`, `--tx`; not
    `--collect-only`, `--fixtures`, `--markers`), some of them outside tests/unit, which needs no
    DynamoDB Local."""
    option = config.option
    distributed = getattr(option, "dist", "no") != "no" and bool(getattr(option, "tx", None))
    if not distributed or option.collectonly or option.showfixtures or option.markers or option.help:
        return False
    paths = [(config.invocation_params.dir / _module(arg)).resolve() for arg in config.args]
    return not paths or not all(path.is_relative_to(UNIT_TIER) for path in paths)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SHARED_DYNAMODB in config.stash:
        config.stash[_SHARED_DYNAMODB].stop()
    if _UNITS_DIR in config.stash:
        shutil.rmtree(config.stash[_UNITS_DIR], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput[WORK_UNITS] = str(node.config.stash[_UNITS_DIR] / "units.json")
    if _SHARED_DYNAMODB in node.config.stash:
        node.workerinput[SHARED_DYNAMODB_WORKERINPUT] = str(node.config.stash[_SHARED_DYNAMODB].endpoint_file)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    path = getattr(config, "workerinput", {}).get(WORK_UNITS)
    if path:  # every worker collects the same tests; each writes its own copy, the controller reads one
        written = Path(f"{path}.{config.workerinput['workerid']}")
        partial = written.with_name(f"{written.name}.tmp")  # each worker its own: they collect at once
        partial.write_text(json.dumps(_work_units(items)))
        partial.replace(written)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist, the work units above, longest first (`--dist load` only: another --dist
    asked for is xdist's own)."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def __init__(self, config: pytest.Config, log: Any) -> None:
            super().__init__(config, log)
            self.units: dict[str, tuple[str, float]] = {}

        def schedule(self) -> None:
            if self.collection is None and self._check_nodes_have_same_collection():
                self.collection = list(next(iter(self.registered_collections.values())))
                found = sorted(config.stash[_UNITS_DIR].glob("units.json.*"))
                self.units = json.loads(found[0].read_text()) if found else {}
                queue: dict[str, dict[str, bool]] = {}
                for nodeid in self.collection:
                    queue.setdefault(self._split_scope(nodeid), {})[nodeid] = False
                longest_first = sorted(queue, key=lambda unit: -self.units.get(next(iter(queue[unit])), ("", 0.0))[1])
                self.workqueue.update((unit, queue[unit]) for unit in longest_first)
            super().schedule()  # with the collection set: hands each worker its first units

        def _split_scope(self, nodeid: str) -> str:
            return self.units.get(nodeid, (nodeid, 0.0))[0]

    return WorkUnitScheduling(config, log)


# ------------------------------------------------------------------ stopping a stack once its tests are done
#
# A stack is a session-scoped fixture, which pytest would keep until the session ends: its servers
# poll while idle (moto's long polls of the registration queue among them), and the dashboard's
# stack would idle for two minutes of a `make test` beside the tests still running. Each stack is
# stopped after the last test that uses it, in the order the tests were collected and sorted in
# (`--ff`, say): the order a process runs them in (an xdist worker its work units, each holding every
# test of its stack). Were a later test to ask for a stopped stack all the same (under xdist's
# `--dist worksteal`, say), pytest would start it again.


def pytest_collection_finish(session: pytest.Session) -> None:
    session.config.stash[_STACKS_TO_STOP] = _stacks_to_stop(session.items)


def _stacks_to_stop(items: list[pytest.Item]) -> dict[str, list[Any]]:
    """The stacks (their fixtures' definitions) to stop after each test: those it is the last, in
    `items`' order, to use."""
    last_user: dict[Any, str] = {}
    for item in items:
        for _, definition in _fixture_definitions(item):
            if _is_stack(definition):
                last_user[definition] = item.nodeid
    stops: dict[str, list[Any]] = {}
    for definition, nodeid in last_user.items():
        stops.setdefault(nodeid, []).append(definition)
    return stops


def _is_stack(definition: Any) -> bool:
    return bool(definition.scope == "session" and definition.baseid.startswith(E2E))


# trylast: inside pytest's own wrappers, so that what a stack prints as it stops is captured in the
# test's teardown report, as at the session's end.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        yield  # the test's own teardown first
    finally:
        for definition in item.config.stash.get(_STACKS_TO_STOP, {}).get(item.nodeid, ()):
            definition.finish(item._request)


_STACKS_TO_STOP = pytest.StashKey[dict[str, list[Any]]]()
_UNITS_DIR = pytest.StashKey[Path]()
_SHARED_DYNAMODB = pytest.StashKey[SharedDynamoDBLocal]()


@pytest.fixture(scope="session", autouse=True)
def local_aws_account() -> Iterator[None]:
    """Dummy credentials and the local region for the whole session: whatever the developer's shell
    holds, no test (nor a process it starts) can reach a real AWS account or look for one."""
    with temporary_environment(aws.environment()):
        yield


@pytest.fixture(autouse=True)
def no_metrics_left_over() -> None:
    """Each test starts with no hook runs or registrations counted. A handler writes its invocation's
    metrics as it ends; a test that runs hooks without one (the users API's page access, say) would
    leave its runs to the next test's metrics lines, more than a page's hundred durations among
    them, as no Lambda invocation does."""
    from dahooks.metrics import MetricsDestination, hook_metrics, intake_metrics, worker_metrics

    for metrics in (hook_metrics, intake_metrics, worker_metrics):
        metrics.lines(destination=MetricsDestination("left-over", "left-over"))  # made and forgotten


@pytest.fixture(scope="session")
def shared_dynamodb(request: pytest.FixtureRequest) -> Iterator[str]:
    """The endpoint of the run's DynamoDB Local, which the functional tests and the e2e stacks share
    (each with tables of its own): the one xdist's controller started for its workers when it did,
    else one of this process's own."""
    endpoint_file = getattr(request.config, "workerinput", {}).get(SHARED_DYNAMODB_WORKERINPUT)
    if endpoint_file:
        yield shared_dynamodb_endpoint(Path(endpoint_file))
        return
    from local.dynamodb_local import DynamoDBLocal

    with DynamoDBLocal() as server:
        yield server.endpoint


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


@pytest.fixture(scope="session")
def warm_functions(template: Template) -> WarmFunctions:
    return WarmFunctions(template)


@pytest.fixture
def invoke(warm_functions: WarmFunctions) -> Invoke:
    """invoke("AccessFunction", event) -> (status, parsed body), through the function's real handler."""

    def _invoke(logical_id: str, event: dict[str, Any], *, timeout: float | None = None) -> tuple[int, Any]:
        response = warm_functions.invoke(logical_id, event, timeout=timeout)
        return response["statusCode"], json.loads(response["body"])

    return _invoke


class CapturedLogs:
    """The records written while the fixture is active, formatted (and redacted) as in production."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def messages(self) -> list[str]:
        return [record["message"] for record in self.records]


@pytest.fixture
def captured_logs() -> Iterator[CapturedLogs]:
    """What the runtime logs, as the JSON lines CloudWatch would receive."""
    from dahooks.logs import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)  # the production handler and formatter, a second stream
    try:
        yield CapturedLogs(stream)
    finally:
        logger._logger.removeHandler(handler)
