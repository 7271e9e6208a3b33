"""The one place we reach into moto's internals (moto is pinned in pyproject).

1. Error names. moto's Step Functions interpreter names aws-sdk errors with
   its own table and falls back to the lowercase service name
   (``rekognition.ThrottlingException``) where AWS says
   ``Rekognition.ThrottlingException``. Retry and Catch in the ASL use AWS's
   names, so we add the services our workflow calls to that table.
2. Less work per execution and per state: a definition is parsed and its
   components built once, then shared by every execution (as the iterations
   of a Map already share them: what an evaluation changes lives in its
   Environment; the one lazy attribute, a component's heap key, is made
   race-free), the boto3 client each Task makes is made once per service (and
   answers our local operations directly: ``aws_bridge.answer_directly``), and a
   JSONPath is compiled once (jsonpath-ng builds a new yacc parser for every
   ``parse``: most of the interpreter's time per state, profiled), ResultPath's
   too (it parses with plain jsonpath-ng, not the extended parser); a path that
   compiles to plain field steps (``$.page.textKey``: every path the ASL reads)
   is looked up in the dicts directly when each step is there (jsonpath-ng's
   match objects cost ~1.5 ms a page), and by jsonpath-ng otherwise.
3. JSON values are copied as JSON: the interpreter deep-copies a state's input, result and
   history several times per state, and ``copy.deepcopy``'s generic walk (memo, reducers) took
   more of its time than anything but the Tasks (profiled); anything not a dict, list or
   immutable scalar is still handed to ``copy.deepcopy``.
4. Executions leave memory. moto keeps every execution (its event history,
   a copy of the state machine, its thread in ``TMP_THREADS``) for the life
   of the process. We are told when one ends, archive it, and forget it.
5. StartExecution goes straight to moto's Step Functions backend
   (:func:`direct_start`): botocore building, signing and sending a request that moto's
   stubber then parses, routes and serialises took 2-9 ms of every upload, before the
   execution's first state (profiled).

``tests/unit/test_moto_patch.py`` fails loudly if a moto upgrade moves these.
"""

from __future__ import annotations

import copy
import functools
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

from botocore.validate import validate_parameters
from jsonpath_ng import jsonpath as _jsonpath
from moto.core.exceptions import JsonRESTError
from moto.stepfunctions.parser import utils as _utils
from moto.stepfunctions.parser.asl.component import eval_component as _eval_component
from moto.stepfunctions.parser.asl.component.common.path import result_path as _result_path
from moto.stepfunctions.parser.asl.component.common.string import string_expression as _string_expression
from moto.stepfunctions.parser.asl.component.intrinsic.argument import argument as _argument
from moto.stepfunctions.parser.asl.component.program import program as _program
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations import (
    boolean_equals as _boolean_equals,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations import (
    numeric as _numeric,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations import (
    string_operators as _string_operators,
)
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations import (
    timestamp_operators as _timestamp_operators,
)
from moto.stepfunctions.parser.asl.component.state.exec import execute_state as _execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
    inline_iteration_component as _inline_iteration,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils as _lambda_eval
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk as _aws_sdk,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_sns as _sns,
)
from moto.stepfunctions.parser.asl.eval import environment as _environment
from moto.stepfunctions.parser.asl.eval import states as _states
from moto.stepfunctions.parser.asl.eval.event import event_manager as _event_manager
from moto.stepfunctions.parser.asl.parse import asl_parser as _asl_parser
from moto.stepfunctions.parser.asl.utils import boto_client as _boto_client
from moto.stepfunctions.parser.asl.utils import json_path as _json_path
from moto.stepfunctions.parser.backend import execution as _execution
from moto.stepfunctions.parser.backend import execution_worker as _execution_worker
from moto.stepfunctions.responses import get_backend

from storytime.local import aws_bridge, task_threads

AWS_SERVICE_ERROR_NAMES = {"rekognition": "Rekognition", "polly": "Polly", "sesv2": "SesV2"}

_listeners: list[Callable[[str], None]] = []
_lock = threading.Lock()


_CLIENT_USERS = (_boto_client, _lambda_eval, _aws_sdk, _sns)
_make_client = _boto_client.boto_client_for
_clients: dict[tuple, object] = {}
_parsed: dict[str, tuple] = {}
_parse = _asl_parser.AmazonStateLanguageParser.parse
_HEAP_KEY = "_EvalComponent__heap_key"  # EvalComponent's name-mangled lazy attribute
_compile_json_path = _json_path.parse  # jsonpath_ng.ext.parse; its expressions are immutable
_compile_result_path = _result_path.parse  # jsonpath_ng.parse: ResultPath's own parser
_extract_json = _json_path.extract_json
_EXTRACTING = (_json_path, _states, _string_expression, _argument, _boolean_equals, _numeric, _string_operators,
               _timestamp_operators)  # each says ``extract_json(...)``, imported by name


_IMMUTABLE = (str, int, float, bool, type(None), datetime)
_COPYING = (_states, _string_expression, _execute_state, _environment, _event_manager)


def json_copy(value):
    """``copy.deepcopy`` for JSON-shaped values (dicts, lists, scalars), a few times faster."""
    kind = type(value)
    if kind is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if kind is list:
        return [json_copy(item) for item in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)


_JSON_COPY = SimpleNamespace(deepcopy=json_copy)


def apply() -> None:
    _aws_sdk._SERVICE_ERROR_NAMES.update(AWS_SERVICE_ERROR_NAMES)
    _hook_terminations()
    with _lock:
        _clients.clear()  # a new runtime: clients made under an earlier mock are not reused
    for module in _CLIENT_USERS:
        module.boto_client_for = _shared_client
    _asl_parser.AmazonStateLanguageParser.parse = staticmethod(_parse_once)
    _eval_component.EvalComponent.heap_key = property(_heap_key)
    _json_path.parse = _compiled_json_path
    for module in _EXTRACTING:
        module.extract_json = extract_json
    _result_path.parse = _compiled_result_path
    for module in _COPYING:  # each says ``copy.deepcopy(...)``: its ``copy`` becomes ours
        module.copy = _JSON_COPY
    _execute_state.Thread = _execution_worker.Thread = task_threads.PooledThread  # each says ``Thread(...)``
    _program.threading = _inline_iteration.threading = task_threads.threading_with_pool  # ``threading.Thread``


@functools.lru_cache(maxsize=1024)
def _compiled_json_path(path: str):
    return _compile_json_path(path)


@functools.lru_cache(maxsize=1024)
def _field_steps(path: str) -> tuple[str, ...] | None:
    """The field names of a path jsonpath-ng compiles to ``$`` and plain field steps only, else None."""
    steps, node = [], _compiled_json_path(path)
    while type(node) is _jsonpath.Child and type(node.right) is _jsonpath.Fields and len(node.right.fields) == 1:
        steps.append(node.right.fields[0])
        node = node.left
    if type(node) is not _jsonpath.Root or "*" in steps:
        return None
    return tuple(reversed(steps))


def extract_json(path: str, data):
    """moto's ``extract_json``, with a field path found by plain lookups when every step is there.

    jsonpath-ng answers such a path with the value found (one match, not an index): the same.
    Anything else (a missing key, a list on the way, filters, indices) goes to moto's own.
    """
    steps = _field_steps(path)
    if steps is not None:
        value = data
        for step in steps:
            if type(value) is not dict or step not in value:
                break
            value = value[step]
        else:
            return value
    return _extract_json(path, data)


@functools.lru_cache(maxsize=256)
def _compiled_result_path(path: str):
    """A ResultPath's expression; ``update_or_create`` changes the data it is given, never the expression."""
    return _compile_result_path(path)


def warm(definition: dict, region: str, services: tuple[str, ...]) -> None:
    """Make the Tasks' clients and compile the definition's JSONPaths now, not during the first
    page (its first states waited ~20 ms for each client and ~3 ms for each of ~50 paths)."""
    for service in services:
        _shared_client(region, service)
    for key, value in _strings(definition):
        if not value.startswith("$"):
            continue
        path = "$" + value[2:] if value.startswith("$$") else value
        try:
            (_compiled_result_path if key == "ResultPath" else _compiled_json_path)(path)
        except Exception:  # not a path after all (a literal starting with "$"): compiled when used, if ever
            pass


def _strings(node, key: str = ""):
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _strings(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, key)
    elif isinstance(node, str):
        yield key, node


def _shared_client(region: str, service: str, state_credentials=None):
    """moto makes a boto3 client for every Task (milliseconds each); botocore clients are thread-safe."""
    key = (region, service, _boto_client.botocore_stubber.enabled)
    with _lock:
        client = _clients.get(key)
    if client is None:
        client = aws_bridge.answer_directly(_make_client(region, service, state_credentials))
        with _lock:
            client = _clients.setdefault(key, client)
    return client


def _parse_once(definition: str):
    """The program of a definition (its components and parse tree), built once and shared by its executions.

    Building the components from the tree took 20-80 ms per execution (profiled), before its first state.
    """
    with _lock:
        parsed = _parsed.get(definition)
    if parsed is None:
        parsed = _parse(definition)
        with _lock:
            if len(_parsed) > 16:
                _parsed.clear()
            parsed = _parsed.setdefault(definition, parsed)
    return parsed


def _heap_key(component) -> str:
    """EvalComponent.heap_key without its race: two executions sharing a component get one key.

    The key names the component's per-execution values (retry counts) in each execution's own heap.
    """
    key = component.__dict__.get(_HEAP_KEY)
    if key is None:
        key = component.__dict__.setdefault(_HEAP_KEY, _utils.long_uid())  # atomic under the GIL
    return key


def _hook_terminations() -> None:
    comm = _execution.BaseExecutionWorkerCommunication
    if getattr(comm.terminated, "_storytime", False):
        return
    original = comm.terminated

    def terminated(self) -> None:
        original(self)  # sets the execution's final status
        for listener in list(_listeners):
            listener(self.execution.exec_arn)

    terminated._storytime = True
    comm.terminated = terminated


def on_execution_end(listener: Callable[[str], None]) -> None:
    """Call ``listener(execution_arn)`` in the execution's thread once its final status is set."""
    with _lock:
        _listeners.append(listener)


def remove_listener(listener: Callable[[str], None]) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


def direct_start(client):
    """``client`` (a Step Functions client under moto) starts executions on moto's backend directly,
    as moto's own StartExecution handler does, with botocore's parameter checks and its errors."""
    model, make_request = client.meta.service_model, client._make_api_call
    validate = client.meta.config.parameter_validation

    def make_api_call(operation_name: str, api_params: dict):
        if operation_name != "StartExecution":
            return make_request(operation_name, api_params)
        if validate:
            validate_parameters(api_params, model.operation_model(operation_name).input_shape)
        arn = api_params["stateMachineArn"]
        try:
            backend = get_backend(arn.split(":")[4], arn.split(":")[3])
            # Unnamed, AWS names the execution with a UUID (moto's backend would name it "None").
            name = api_params.get("name") or str(uuid.uuid4())
            execution = backend.start_execution(arn, name, api_params.get("input", "{}"))
        except JsonRESTError as error:  # moto's answer to a request, as botocore would raise it
            parsed = {"Error": {"Code": error.error_type, "Message": error.message},
                      "ResponseMetadata": {"HTTPStatusCode": error.code}}
            raise client.exceptions.from_code(error.error_type)(parsed, operation_name) from None
        return {"executionArn": execution.execution_arn, "startDate": execution.start_date,
                "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": aws_bridge.request_id(),
                                     "HTTPHeaders": {}, "RetryAttempts": 0}}

    client._make_api_call = make_api_call
    return client


def _find(execution_arn: str):
    account, region = execution_arn.split(":")[4], execution_arn.split(":")[3]
    backend = get_backend(account, region)
    try:
        machine = backend._get_state_machine_for_execution(execution_arn)
    except Exception:  # the state machine is gone: so is the execution
        return None, None
    for execution in list(machine.executions):
        if execution.exec_arn == execution_arn:
            return machine, execution
    return machine, None


def _timestamp(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return datetime.fromisoformat(str(value)).isoformat()  # moto keeps "...Z"; the API answers "+00:00"


def states_entered(events) -> int:
    return sum(1 for event in events if str(event.get("type", "")).endswith("StateEntered"))


def snapshot(execution_arn: str, entered: int = -1) -> tuple[str, list[dict], int] | None:
    """(status, events, states entered) as GetExecutionHistory gives them, without the API's cost.

    None if the execution is unknown, or running and has entered no new state since ``entered``
    (a Task refused and retried adds events, not states: no reason to write its history again).
    """
    _, execution = _find(execution_arn)
    if execution is None:
        return None
    status = execution.exec_status.value if execution.exec_status else "RUNNING"
    env = execution.exec_worker.env if execution.exec_worker else None
    if env is None:
        return None
    manager = env.event_manager
    with manager._mutex:  # the list as GetExecutionHistory would copy it, without the deep copy:
        listed = list(manager._history_event_list)  # an event is never changed once listed, and the
    now = states_entered(listed)  # caller only encodes these (the whole history, 1-2 ms a page)
    if status == "RUNNING" and now == entered:
        return None
    return status, [{**event, "timestamp": _timestamp(event["timestamp"])} for event in listed], now


def forget_execution(execution_arn: str) -> None:
    """Drop a finished execution from the interpreter's memory (and finished threads from its list)."""
    machine, execution = _find(execution_arn)
    if execution is not None:
        try:
            machine.executions.remove(execution)
        except ValueError:
            pass
    _utils.TMP_THREADS[:] = [thread for thread in _utils.TMP_THREADS if thread.is_alive()]
