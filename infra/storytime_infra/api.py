"""API Gateway REST: every route of storytime.functions.ROUTES, Lambda proxy integrations."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct
from storytime.functions import OPEN_ROUTES, ROUTES

RATE_PER_SECOND = 20
BURST = 40
DAILY_QUOTA = 5_000
GATEWAY_ERRORS = [apigw.ResponseType.DEFAULT_4_XX, apigw.ResponseType.DEFAULT_5_XX]
ERROR_TEMPLATE = '{"error": "$context.error.responseType", "message": $context.error.messageString}'

STAGE = "v1"


class Api(Construct):
    def __init__(self, scope: Construct, id: str, *, functions: dict, allowed_origin: str):
        super().__init__(scope, id)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.rest_api = apigw.RestApi(
            self, "Rest",
            rest_api_name="storytime",
            description="storytime: photograph a page, hear it read aloud",
            # Photos arrive as bytes: API Gateway hands them to Lambda base64-encoded.
            binary_media_types=["*/*"],
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE,
                throttling_rate_limit=RATE_PER_SECOND,
                throttling_burst_limit=BURST,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # request bodies are photos and e-mail addresses
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False, http_method=True, ip=True, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=False),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=[allowed_origin],
                allow_methods=sorted({method for method, _path, _handler in ROUTES}),
                allow_headers=["Content-Type", "X-Api-Key"],
            ),
        )
        # Refusals by the gateway itself (no key, throttled, a body over 10 MB, a
        # Lambda payload over 6 MB) answer in the API's JSON error shape too.
        for kind in GATEWAY_ERRORS:
            self.rest_api.add_gateway_response(
                f"{kind.response_type}Json", type=kind,
                response_headers={"Access-Control-Allow-Origin": f"'{allowed_origin}'"},
                templates={"application/json": ERROR_TEMPLATE},
            )
        validator = self.rest_api.add_request_validator(
            "Validator", validate_request_parameters=True, validate_request_body=True)
        for method, path, handler in ROUTES:
            module = handler.rsplit(".", 2)[-2]
            resource = self.rest_api.root.resource_for_path(path)
            resource.add_method(
                method, apigw.LambdaIntegration(functions[module], proxy=True),
                api_key_required=(method, path) not in OPEN_ROUTES,
                request_validator=validator,
                request_parameters={"method.request.path.id": True} if "{id}" in path else None,
            )
        self.key = self.rest_api.add_api_key("Key", description="storytime clients")
        self.plan = self.rest_api.add_usage_plan(
            "Plan", name="storytime",
            throttle=apigw.ThrottleSettings(rate_limit=RATE_PER_SECOND, burst_limit=BURST),
            quota=apigw.QuotaSettings(limit=DAILY_QUOTA, period=apigw.Period.DAY),
        )
        self.plan.add_api_key(self.key)
        self.plan.add_api_stage(stage=self.rest_api.deployment_stage)
