"""The one workflow, statemachine/storytime.asl.json, as a Step Functions Standard state machine."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct
from storytime.functions import FUNCTIONS
from storytime.statemachine import definition_path

# Anchored to the package, not to the directory cdk runs in.
DEFINITION = definition_path()


def substitutions(storage, functions: dict) -> dict[str, str]:
    """A value for every ${Placeholder} in the ASL file (a test pins the two sets equal)."""
    return {
        "MediaBucket": storage.bucket.bucket_name,
        "NotifyTopicArn": storage.topic.topic_arn,
        "SenderAddress": storage.sender_email,
        **{f"{name}FunctionArn": functions[name].function_arn for name in FUNCTIONS},
    }


class Workflow(Construct):
    def __init__(self, scope: Construct, id: str, *, name: str, storage, functions: dict):
        super().__init__(scope, id)
        self.state_machine_name = name
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
                        description="storytime workflow: its Tasks' calls, nothing else")
        for name_ in FUNCTIONS:
            function = functions[name_]
            role.add_to_policy(iam.PolicyStatement(
                actions=["lambda:InvokeFunction"], resources=[function.function_arn]))
        # Rekognition DetectText and Polly's speech tasks have no resource-level
        # permissions (Service Authorization Reference): AWS requires "*".
        role.add_to_policy(iam.PolicyStatement(actions=["rekognition:DetectText"], resources=["*"]))
        role.add_to_policy(iam.PolicyStatement(
            actions=["polly:StartSpeechSynthesisTask", "polly:GetSpeechSynthesisTask"], resources=["*"]))
        # Rekognition reads the photo, and Polly writes the MP3 parts, with the caller's permissions.
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"],
                                               resources=[storage.bucket.arn_for_objects("images/*")]))
        role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"],
                                               resources=[storage.bucket.arn_for_objects("speech/*")]))
        role.add_to_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=[storage.topic.topic_arn]))
        # SES checks the sender identity, and in the sandbox each recipient's identity
        # too: any identity resource, but only with our verified address as sender.
        role.add_to_policy(iam.PolicyStatement(
            actions=["ses:SendEmail"],
            resources=[Stack.of(self).format_arn(service="ses", resource="identity", resource_name="*")],
            conditions={"StringEquals": {"ses:FromAddress": storage.sender_email}}))
        self.log_group = logs.LogGroup(
            self, "Logs", log_group_name=f"/aws/vendedlogs/states/{name}",
            retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_name=name,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(DEFINITION)),
            definition_substitutions=substitutions(storage, functions),
            role=role,
            # Every state's events, without the page's data (addresses, text) in the logs.
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            tracing_enabled=True,
        )
