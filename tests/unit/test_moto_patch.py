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


def test_a_definition_is_parsed_once_and_each_execution_gets_its_own_components():
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    moto_patch.apply()
    definition = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
    first, tree = AmazonStateLanguageParser.parse(definition)
    second, same_tree = AmazonStateLanguageParser.parse(definition)
    assert same_tree is tree and second is not first
    assert type(second) is type(first)


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
