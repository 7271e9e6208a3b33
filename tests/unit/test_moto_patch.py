"""Fails loudly if a moto upgrade moves the table we patch (see storytime.local.moto_patch)."""

import moto
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_aws_sdk
from storytime.local import moto_patch


def test_moto_is_the_pinned_version():
    assert moto.__version__ == "5.2.5"


def test_the_error_name_table_exists_and_takes_our_names():
    table = state_task_service_aws_sdk._SERVICE_ERROR_NAMES
    assert isinstance(table, dict) and table.get("dynamodb") == "DynamoDb"
    moto_patch.apply()
    normalise = state_task_service_aws_sdk.StateTaskServiceAwsSdk._normalise_service_error_name
    assert normalise("rekognition") == "Rekognition"
    assert normalise("polly") == "Polly"


def test_the_execution_internals_we_forget_executions_through_exist():
    from moto.stepfunctions.parser import utils
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
    from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution
    from moto.stepfunctions.responses import get_backend

    assert isinstance(utils.TMP_THREADS, list)
    assert callable(BaseExecutionWorkerCommunication.terminated)
    assert callable(Execution.to_history_output)
    assert "_history_event_list" in EventManager.__init__.__code__.co_names
    assert callable(get_backend)
    moto_patch.apply()
    assert BaseExecutionWorkerCommunication.terminated._storytime


def test_a_definition_is_parsed_once_and_its_program_shared():
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    moto_patch.apply()
    definition = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    first, tree = AmazonStateLanguageParser.parse(definition)
    second, same_tree = AmazonStateLanguageParser.parse(definition)
    assert same_tree is tree and second is first


def test_a_shared_components_heap_key_is_one_key_whatever_the_threads(monkeypatch):
    # Executions sharing a program keep their retry counts under the component's heap key in their own
    # heaps: two threads asking first at once must get the same key.
    import itertools
    import threading
    import time

    from moto.stepfunctions.parser import utils
    from moto.stepfunctions.parser.asl.component import eval_component
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    moto_patch.apply()
    numbers = itertools.count()

    def slow_uid():  # widens the window between "no key yet" and "key set" to every thread
        time.sleep(0.01)
        return f"uid-{next(numbers)}"

    monkeypatch.setattr(utils, "long_uid", slow_uid)
    monkeypatch.setattr(eval_component, "long_uid", slow_uid)

    class Component(EvalComponent):
        def _eval_body(self, env):
            pass

    for _ in range(3):
        component, keys, ready = Component(), [], threading.Barrier(8)

        def ask(component=component, keys=keys, ready=ready):
            ready.wait()
            keys.append(component.heap_key)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(keys)) == 1 and keys[0]
    assert Component().heap_key != Component().heap_key


def test_task_clients_are_made_once_per_service():
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_sns

    moto_patch.apply()
    client = lambda_eval_utils.boto_client_for("us-east-1", "lambda")
    assert lambda_eval_utils.boto_client_for("us-east-1", "lambda") is client
    assert state_task_service_aws_sdk.boto_client_for("us-east-1", "polly") is not client
    assert state_task_service_sns.boto_client_for is moto_patch._shared_client


def test_a_json_path_is_compiled_once_and_still_extracts():
    from moto.stepfunctions.parser.asl.utils import json_path

    moto_patch.apply()
    assert json_path.parse("$.page.ocrKey") is json_path.parse("$.page.ocrKey")
    assert json_path.extract_json("$.page.ocrKey", {"page": {"ocrKey": "k"}}) == "k"
    assert json_path.extract_json("$.parts[*].id", {"parts": [{"id": 1}, {"id": 2}]}) == [1, 2]


def test_a_result_path_is_compiled_once_and_still_places_the_result():
    from moto.stepfunctions.parser.asl.component.common.path import result_path

    moto_patch.apply()
    assert result_path.parse("$.page") is result_path.parse("$.page")
    expression = result_path.parse("$.page")
    assert expression.update_or_create({"id": "p"}, {"ocrKey": "k"}) == {"id": "p", "page": {"ocrKey": "k"}}
    assert expression.update_or_create({"id": "q"}, {"ocrKey": "j"}) == {"id": "q", "page": {"ocrKey": "j"}}


def test_the_interpreter_copies_json_as_deepcopy_would():
    from datetime import UTC, datetime

    from moto.stepfunctions.parser.asl.eval import states

    moto_patch.apply()
    assert all(module.copy.deepcopy is moto_patch.json_copy for module in moto_patch._COPYING)
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    value = {"a": [1, 2.5, {"b": None, "c": True}], "d": "x", "t": stamp, "s": {1, 2}}
    copied = moto_patch.json_copy(value)
    assert copied == value and copied is not value
    assert copied["a"] is not value["a"] and copied["a"][2] is not value["a"][2]
    assert copied["s"] is not value["s"]  # not JSON: deep-copied the ordinary way
    context = {"Execution": {"Input": {"page": {"words": 3}}}, "State": {}}
    held = states.States(context=context)
    held.get_input()["page"]["words"] = 9  # a state changing what it was given
    assert held.get_input() == {"page": {"words": 3}}


def test_warming_makes_the_clients_and_compiles_the_definitions_paths():
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    moto_patch.apply()
    definition = {"StartAt": "A", "States": {"A": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True, "ResultPath": "$.warmed",
        "Parameters": {"Payload": {"id.$": "$.warm.id", "arn.$": "$$.Execution.Id"}, "Literal": "$ not a path ["}}}}
    moto_patch.warm(definition, "us-east-1", ("lambda",))
    assert ("us-east-1", "lambda", True) in moto_patch._clients or ("us-east-1", "lambda", False) in moto_patch._clients
    before = moto_patch._compiled_json_path.cache_info().misses, moto_patch._compiled_result_path.cache_info().misses
    json_path.parse("$.warm.id")
    json_path.parse("$.Execution.Id")
    result_path.parse("$.warmed")
    after = moto_patch._compiled_json_path.cache_info().misses, moto_patch._compiled_result_path.cache_info().misses
    assert after == before


def test_field_paths_are_looked_up_directly_and_answer_as_jsonpath_ng_does(monkeypatch):
    import pytest
    from moto.stepfunctions.parser.asl.eval import states
    from moto.stepfunctions.parser.asl.utils.json_path import NoSuchJsonPathError

    moto_patch.apply()
    assert states.extract_json is moto_patch.extract_json  # where the interpreter reads its inputs
    data = {"id": "p", "page": {"textKey": "t", "none": None, "parts": [{"k": 1}], "len": 3}, "a-b": {"c": 0}}
    paths = ["$", "$.id", "$.page.textKey", "$.page.none", "$.page.parts", "$.page.len", "$.a-b.c",
             "$.page.parts[0]", "$.page.parts[0].k", "$.page.parts[*].k", "$.page.*", "$..k"]
    for path in paths:  # the same answers as moto's own, the lookups taken or not
        assert moto_patch.extract_json(path, data) == moto_patch._extract_json(path, data), path
    direct = []
    monkeypatch.setattr(moto_patch, "_extract_json", lambda path, data: direct.append(path))
    for path in ("$", "$.id", "$.page.textKey", "$.page.none", "$.a-b.c"):
        moto_patch.extract_json(path, data)
    moto_patch.extract_json("$.page.parts[0]", data)
    assert direct == ["$.page.parts[0]"]  # only what is not a plain field path goes to jsonpath-ng
    monkeypatch.undo()
    for missing in ("$.nothing", "$.id.deeper", "$.page.parts.k"):
        with pytest.raises(NoSuchJsonPathError):
            moto_patch.extract_json(missing, data)
