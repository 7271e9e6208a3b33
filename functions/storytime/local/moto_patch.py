"""The one place we reach into moto's internals (moto is pinned in pyproject).

moto's Step Functions interpreter names aws-sdk errors with its own table and
falls back to the lowercase service name (``rekognition.ThrottlingException``)
where AWS says ``Rekognition.ThrottlingException``. Retry and Catch in the ASL
use AWS's names, so we add the services our workflow calls to that table.
``tests/unit/test_moto_patch.py`` fails loudly if a moto upgrade moves it.
"""

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk as _aws_sdk,
)

AWS_SERVICE_ERROR_NAMES = {"rekognition": "Rekognition", "polly": "Polly"}


def apply() -> None:
    _aws_sdk._SERVICE_ERROR_NAMES.update(AWS_SERVICE_ERROR_NAMES)
