"""The storytime stack: storage, functions, the workflow, the API, alarms."""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn, Stack
from constructs import Construct
from storytime.core.limits import AWS_DIRECT_UPLOAD_BYTES
from storytime.settings import Settings

from storytime_infra.alarms import Alarms
from storytime_infra.api import STAGE, Api
from storytime_infra.compute import CONTAINER_FUNCTIONS, Functions, state_machine_arns
from storytime_infra.storage import Storage
from storytime_infra.workflow import Workflow

STATE_MACHINE_NAME = "storytime"
# A direct POST's body reaches Lambda base64-encoded inside a 6 MB synchronous
# payload: about 4.4 MB of photo. Larger photos take the two-step upload.
DIRECT_UPLOAD_BYTES = AWS_DIRECT_UPLOAD_BYTES  # one figure for the stack, the 413 and the docs


class StorytimeStack(Stack):
    def __init__(self, scope: Construct, id: str, *, sender_email: str, notify_email: str = "",
                 allowed_origin: str, first_reader: str = "rekognition", public_url: str = "", **kwargs):
        super().__init__(scope, id, **kwargs)
        self.storage = Storage(self, "Storage", notify_email=notify_email, sender_email=sender_email,
                               allowed_origin=allowed_origin)
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
        self.public_url = public_url or self._api_stage_url()
        for function in functions.values():
            function.add_environment("STORYTIME_PUBLIC_URL", self.public_url)
        reader = next((name for name in functions if name in CONTAINER_FUNCTIONS), None)
        self.alarms = Alarms(self, "Alarms", state_machine=self.workflow.state_machine, functions=functions,
                             reader=reader)
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "PublicUrl", value=self.public_url, description="the base of the links people receive")
        CfnOutput(self, "ApiKeyId", value=self.api.key.key_id,
                  description="aws apigateway get-api-key --include-value --api-key <id>")
        CfnOutput(self, "MediaUrl", value=settings.media_base_url)
        CfnOutput(self, "StateMachineArn", value=self.workflow.state_machine.state_machine_arn)

    def _api_stage_url(self) -> str:
        """The stage's invoke URL, built from the RestApi's id alone.

        Links in answers and e-mails must be absolute. ``rest_api.url`` would
        make every function depend on the stage, which depends on the methods,
        which depend on the functions: a cycle. The id breaks it. A custom
        domain goes in the ``publicUrl`` context value instead.
        """
        return Fn.join("", ["https://", self.api.rest_api.rest_api_id, ".execute-api.", self.region, ".",
                            self.url_suffix, f"/{STAGE}"])
