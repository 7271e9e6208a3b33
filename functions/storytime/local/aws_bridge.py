"""Answer AWS API calls in-process, the way the platform would.

The embedded Step Functions interpreter (moto) calls every Task through a
boto3 client. botocore emits ``before-call.<service>.<Operation>`` before it
sends a request; a handler that returns a response short-circuits the call.
We register one dispatcher in ``BUILTIN_HANDLERS`` (so every client created
afterwards has it) and route each operation to the local engine that a
runtime installed with :func:`install`. Operations nobody installed fall
through to moto, which serves Step Functions itself.

botocore hands ``before-call`` the serialised request, not the API
parameters, so a ``before-parameter-build`` hook stashes those in the
request context first.

The interpreter's own clients skip even that (:func:`answer_directly`): an
installed operation is answered once botocore has checked its parameters,
without the endpoint rules, serialisation and user agent of a request no one
sends (a third of the interpreter's time per Task, profiled).
"""

from __future__ import annotations

import io
import itertools
import threading
import uuid
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS
from botocore.response import StreamingBody
from botocore.validate import validate_parameters

Operation = Callable[[dict[str, Any]], dict[str, Any]]

_PARAMS_KEY = "storytime_api_params"
_lock = threading.Lock()
_operations: dict[str, Operation] = {}
# What each install replaced, newest last: uninstalling a runtime gives its
# names back to the runtime installed before it (two runtimes in one process,
# as in a restart test), never to nobody while that one is still open.
_replaced: list[tuple[dict[str, Operation], dict[str, Operation | None]]] = []


class ServiceError(Exception):
    """Raised by a local engine to answer like an AWS service error."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


def install(operations: dict[str, Operation]) -> None:
    """Route ``"service.Operation"`` names (e.g. ``"polly.StartSpeechSynthesisTask"``) to callables.

    The newest install answers; :func:`uninstall` with the same mapping gives
    the names back to whatever they routed to before.
    """
    with _lock:
        _replaced.append((operations, {name: _operations.get(name) for name in operations}))
        _operations.update(operations)


def uninstall(operations: dict[str, Operation]) -> None:
    with _lock:
        index = next((i for i, (installed, _) in enumerate(_replaced) if installed is operations), None)
        if index is None:
            return
        _, before = _replaced.pop(index)
        for name, operation in operations.items():
            current = _operations.get(name)
            if current is not operation and _installed(name, current):
                continue  # a later install answers this name
            if _installed(name, before[name]):
                _operations[name] = before[name]
            else:
                _operations.pop(name, None)


def _installed(name: str, operation: Operation | None) -> bool:
    return operation is not None and any(ops.get(name) is operation for ops, _ in _replaced)


def streaming(data: bytes) -> StreamingBody:
    """A response body as botocore would give it (Lambda's ``Payload``)."""
    return StreamingBody(io.BytesIO(data), len(data))


_PROCESS = str(uuid.uuid4())[:24]
_requests = itertools.count(1)


def request_id() -> str:
    """A request id shaped like AWS's, unique in this process without a random draw per call
    (a few per state: os.urandom gives up the GIL, and getting it back waits behind busy threads)."""
    return f"{_PROCESS}{next(_requests):012x}"


def _metadata(status: int) -> dict[str, Any]:
    return {"HTTPStatusCode": status, "RequestId": request_id(), "HTTPHeaders": {}, "RetryAttempts": 0}


def _remember_params(params, context, **_):
    if context is not None:
        context[_PARAMS_KEY] = dict(params)


def _dispatch(model, params, context, event_name, **_):
    service = event_name.split(".")[1]
    operation = _operations.get(f"{service}.{model.name}")
    if operation is None:
        return None
    status, parsed = _answer(operation, (context or {}).get(_PARAMS_KEY, {}))
    return AWSResponse(params.get("url", "local://storytime"), status, {}, None), parsed


def _answer(operation: Operation, api_params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        parsed, status = operation(api_params), 200
    except ServiceError as error:
        parsed, status = {"Error": {"Code": error.code, "Message": error.message}}, error.status
    parsed["ResponseMetadata"] = _metadata(status)
    return status, parsed


def answer_directly(client):
    """``client`` answers installed operations as botocore would after ``before-call``: the parsed
    answer, or the service's modelled error raised. Other operations go through botocore."""
    service = client.meta.service_model.service_id.hyphenize()
    model, make_request = client.meta.service_model, client._make_api_call

    def make_api_call(operation_name: str, api_params: dict[str, Any]):
        operation = _operations.get(f"{service}.{operation_name}")
        if operation is None:
            return make_request(operation_name, api_params)
        if client.meta.config.parameter_validation:
            validate_parameters(api_params, model.operation_model(operation_name).input_shape)
        status, parsed = _answer(operation, dict(api_params))
        if status >= 300:
            raise client.exceptions.from_code(parsed["Error"]["Code"])(parsed, operation_name)
        return parsed

    client._make_api_call = make_api_call
    return client


def _register() -> None:
    hooks = [("before-parameter-build", _remember_params), ("before-call", _dispatch)]
    for hook in hooks:
        if hook not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.append(hook)


_register()
