"""The storytime stack: storage, functions, the workflow, the API, alarms."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct
from storytime.settings import Settings

from storytime_infra.alarms import Alarms
from storytime_infra.api import Api
from storytime_infra.compute import CONTAINER_FUNCTIONS, Functions, state_machine_arns
from storytime_infra.storage import Storage
from storytime_infra.workflow import Workflow

STATE_MACHINE_NAME = "storytime"
# A direct POST's body reaches Lambda base64-encoded inside a 6 MB synchronous
# payload: about 4.4 MB of photo. Larger photos take the two-step upload.
DIRECT_UPLOAD_BYTES = 4_400_000


class StorytimeStack(Stack):
    def __init__(self, scope: Construct, id: str, *, sender_email: str, notify_email: str = "",
                 allowed_origin: str, first_reader: str = "rekognition", **kwargs):
        super().__init__(scope, id, **kwargs)
        self.storage = Storage(self, "Storage", notify_email=notify_email, sender_email=sender_email)
        machine_arn, execution_arns = state_machine_arns(self, STATE_MACHINE_NAME)
        settings = Settings(
            bucket=self.storage.bucket.bucket_name,
            table=self.storage.table.table_name,
            state_machine_arn=machine_arn,
            media_base_url=f"https://{self.storage.distribution.distribution_domain_name}",
            max_upload_bytes=DIRECT_UPLOAD_BYTES,
            first_reader=first_reader,
        )
        self.functions = Functions(self, "Functions", storage=self.storage, environment=settings.environment(),
                                   state_machine_arn=machine_arn, execution_arn_pattern=execution_arns)
        functions = self.functions.functions
        self.workflow = Workflow(self, "Workflow", name=STATE_MACHINE_NAME, storage=self.storage,
                                 functions=functions)
        self.api = Api(self, "Api", functions=functions, allowed_origin=allowed_origin)
        reader = next((name for name in functions if name in CONTAINER_FUNCTIONS), None)
        self.alarms = Alarms(self, "Alarms", state_machine=self.workflow.state_machine, functions=functions,
                             reader=reader)
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "ApiKeyId", value=self.api.key.key_id,
                  description="aws apigateway get-api-key --include-value --api-key <id>")
        CfnOutput(self, "MediaUrl", value=settings.media_base_url)
        CfnOutput(self, "StateMachineArn", value=self.workflow.state_machine.state_machine_arn)
