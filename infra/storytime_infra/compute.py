"""One Lambda function per handler (storytime.functions), each with only the access it needs."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from storytime.functions import FUNCTIONS, POWERTOOLS_ENVIRONMENT, ROUTES, aws_handler

from storytime_infra import packaging
from storytime_infra.access import ACCESS, Access

# Workflow steps that run as a container image (Tesseract is no Python package).
CONTAINER_FUNCTIONS = {"ReadPage"}


@dataclass(frozen=True)
class Spec:
    name: str  # logical name: FUNCTIONS key, or the route handler's module
    handler: str
    memory: int
    timeout: int  # seconds; at least the ASL Task's TimeoutSeconds


def specs() -> list[Spec]:
    """Every handler of storytime.functions, with its size."""
    found = []
    for name, handler in FUNCTIONS.items():
        if name in CONTAINER_FUNCTIONS:
            # The ASL gives ReadPage 300 s; Tesseract on a phone photo takes seconds.
            found.append(Spec(name, handler, memory=2048, timeout=300))
        else:
            found.append(Spec(name, handler, memory=1024 if name in ("ExtractText", "JoinAudio", "JoinBooks") else 512,
                              timeout=60))
    for _method, _path, handler in ROUTES:
        module = handler.rsplit(".", 2)[-2]
        # Decoding a 40-megapixel photo needs room; the rest answers from small records.
        found.append(Spec(module, handler, memory=1536 if module == "upload" else 512, timeout=29))
    return found


class Functions(Construct):
    def __init__(self, scope: Construct, id: str, *, storage, environment: dict[str, str],
                 state_machine_arn: str, execution_arn_pattern: str):
        super().__init__(scope, id)
        self.functions: dict[str, lambda_.IFunction] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        code = packaging.code()
        layer = lambda_.LayerVersion(
            self, "Dependencies", code=packaging.dependencies_layer_code(),
            compatible_runtimes=[packaging.RUNTIME], compatible_architectures=[packaging.ARCHITECTURE],
            description="storytime runtime dependencies (pyproject.toml, pinned)",
        )
        for spec in specs():
            log_group = logs.LogGroup(self, f"{spec.name}Logs", retention=logs.RetentionDays.ONE_MONTH)
            role = iam.Role(self, f"{spec.name}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                            description=f"storytime {spec.name}: its own log group and the data it uses")
            role.add_to_policy(iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                                                   resources=[log_group.log_group_arn]))
            for statement in statements(ACCESS[spec.name], storage, state_machine_arn, execution_arn_pattern):
                role.add_to_policy(statement)
            common = dict(
                architecture=packaging.ARCHITECTURE, memory_size=spec.memory, timeout=Duration.seconds(spec.timeout),
                environment={**environment, **POWERTOOLS_ENVIRONMENT}, role=role, log_group=log_group,
                tracing=lambda_.Tracing.ACTIVE,
                logging_format=lambda_.LoggingFormat.JSON, description=f"storytime {spec.name}",
            )
            if spec.name in CONTAINER_FUNCTIONS:
                image = packaging.reader_image(aws_handler(spec.handler))
                function = lambda_.DockerImageFunction(self, spec.name, code=image, **common)
            else:
                # The Powertools-observed twin of the handler (storytime.aws_entry).
                function = lambda_.Function(self, spec.name, runtime=packaging.RUNTIME,
                                            handler=aws_handler(spec.handler), code=code, layers=[layer], **common)
            self.functions[spec.name] = function
            self.log_groups[spec.name] = log_group


def _objects(bucket_arn: str, prefixes) -> list[str]:
    return [f"{bucket_arn}/{prefix}*" for prefix in prefixes]


def statements(access: Access, storage, state_machine_arn: str, execution_arn_pattern: str):
    bucket_arn = storage.bucket.bucket_arn
    if access.reads:
        yield iam.PolicyStatement(actions=["s3:GetObject"], resources=_objects(bucket_arn, access.reads))
        yield iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket_arn],
                                  conditions={"StringLike": {"s3:prefix": [f"{p}*" for p in access.reads]}})
    if access.writes:
        yield iam.PolicyStatement(actions=["s3:PutObject"], resources=_objects(bucket_arn, access.writes))
    if access.deletes:
        yield iam.PolicyStatement(actions=["s3:DeleteObject"], resources=_objects(bucket_arn, access.deletes))
    if access.records:
        yield iam.PolicyStatement(actions=list(access.records), resources=[storage.table.table_arn])
    if access.workflow:
        yield iam.PolicyStatement(actions=list(access.workflow), resources=[state_machine_arn])
    if access.executions:
        yield iam.PolicyStatement(actions=list(access.executions), resources=[execution_arn_pattern])


def state_machine_arns(stack: Stack, name: str) -> tuple[str, str]:
    """The ARNs by name, so functions can know the machine that invokes them (no reference cycle)."""
    from aws_cdk import ArnFormat

    machine = stack.format_arn(service="states", resource="stateMachine", resource_name=name,
                               arn_format=ArnFormat.COLON_RESOURCE_NAME)
    executions = stack.format_arn(service="states", resource="execution", resource_name=f"{name}:*",
                                  arn_format=ArnFormat.COLON_RESOURCE_NAME)
    return machine, executions
