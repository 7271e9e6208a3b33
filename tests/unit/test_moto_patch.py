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
