"""The synthesized template: every resource of the stack and the properties that matter."""

import json
import re
import tomllib
from pathlib import Path

import pytest
from aws_cdk.assertions import Match
from storytime.functions import FUNCTIONS, OPEN_ROUTES, ROUTES
from storytime.settings import Settings
from storytime.statemachine import definition_path, placeholders, substitute

from tests.infra.conftest import CONTEXT, resources

ROOT = Path(__file__).resolve().parents[2]


def only(template_json, type_):
    found = resources(template_json, type_)
    assert len(found) == 1, sorted(found)
    return next(iter(found.values()))["Properties"]


def media_bucket(template_json):
    buckets = [r["Properties"] for r in resources(template_json, "AWS::S3::Bucket").values()]
    return next(b for b in buckets if "LifecycleConfiguration" in b and "LoggingConfiguration" in b)


def test_buckets_are_private_encrypted_and_owner_enforced(template_json):
    buckets = resources(template_json, "AWS::S3::Bucket")
    assert len(buckets) == 2  # media and its access logs
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policies = resources(template_json, "AWS::S3::BucketPolicy")
    assert len(policies) == 2
    tls_only = {"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Effect": "Deny",
                "Principal": {"AWS": "*"}}
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert tls_only in [{k: v for k, v in s.items() if k != "Resource"} for s in statements]


def test_media_bucket_forgets_abandoned_uploads(template_json):
    rules = {r["Id"]: r for r in media_bucket(template_json)["LifecycleConfiguration"]["Rules"]}
    assert rules["AbortIncompleteUploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rules["AbandonedUploads"]["Prefix"] == "uploads/"
    assert rules["AbandonedUploads"]["ExpirationInDays"] == 1
    assert rules["LeftoverSpeechParts"]["Prefix"] == "speech/"


def test_the_web_reader_may_put_a_big_photo_to_its_presigned_url_from_the_configured_origin(template_json):
    """The two-step upload's PUT comes from the page's origin: the media bucket answers its preflight, and no other."""
    (rule,) = media_bucket(template_json)["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["PUT"] and rule["AllowedOrigins"] == [CONTEXT["allowedOrigin"]]
    assert rule["AllowedHeaders"] == ["Content-Type"]
    others = [b for b in resources(template_json, "AWS::S3::Bucket").values() if "CorsConfiguration" in b["Properties"]]
    assert len(others) == 1


def test_cloudfront_reads_the_bucket_through_origin_access_control_over_https_only(template, template_json):
    oac = only(template_json, "AWS::CloudFront::OriginAccessControl")["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3"
    assert oac["SigningBehavior"] == "always" and oac["SigningProtocol"] == "sigv4"
    config = only(template_json, "AWS::CloudFront::Distribution")["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert config["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
    (origin,) = config["Origins"]
    assert "OriginAccessControlId" in origin and origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    # Only CloudFront's service principal, for this distribution, may read objects.
    template.has_resource_properties("AWS::S3::BucketPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Action": "s3:GetObject", "Principal": {"Service": "cloudfront.amazonaws.com"},
                           "Condition": {"StringEquals": {"AWS:SourceArn": Match.any_value()}}})])}})


def test_records_table_is_on_demand_with_point_in_time_recovery(template_json):
    table = only(template_json, "AWS::DynamoDB::Table")
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}


def test_topic_is_encrypted_tls_only_and_mails_the_operator(template_json):
    topic = only(template_json, "AWS::SNS::Topic")
    assert topic["KmsMasterKeyId"] == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":kms:",
                                                         {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"},
                                                         ":alias/aws/sns"]]} or "alias/aws/sns" in str(topic)
    (statement,) = only(template_json, "AWS::SNS::TopicPolicy")["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    subscription = only(template_json, "AWS::SNS::Subscription")
    assert subscription["Protocol"] == "email" and subscription["Endpoint"] == CONTEXT["notifyEmail"]


def test_ses_sender_identity_comes_from_context(template_json):
    assert only(template_json, "AWS::SES::EmailIdentity")["EmailIdentity"] == CONTEXT["senderEmail"]


HANDLERS = {**{name: h for name, h in FUNCTIONS.items()}, **{h.rsplit(".", 2)[-2]: h for _m, _p, h in ROUTES}}


def aws_entry(name: str) -> str:
    """Every function runs its handler's Powertools-observed twin (storytime.aws_entry)."""
    return "storytime.aws_entry." + HANDLERS[name].rsplit(".", 2)[-2]


def lambdas(template_json):
    return {r["Properties"].get("Description", "").removeprefix("storytime "): r["Properties"]
            for r in resources(template_json, "AWS::Lambda::Function").values()}


def test_one_lambda_per_handler(template_json):
    assert set(lambdas(template_json)) == set(HANDLERS)


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_lambda_runtime_architecture_handler_and_environment(template_json, name):
    function = lambdas(template_json)[name]
    assert function["Architectures"] == ["arm64"]
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    if function.get("PackageType") == "Image":
        assert function["ImageConfig"]["Command"] == [aws_entry(name)]
    else:
        assert re.fullmatch(r"python3\.(1[2-9])", function["Runtime"])
        assert function["Handler"] == aws_entry(name)
        assert len(function["Layers"]) == 1
    environment = function["Environment"]["Variables"]
    example = Settings(bucket="b", table="t", state_machine_arn="a", media_base_url="u").environment()
    assert set(environment) == set(example) | {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE",
                                                 "POWERTOOLS_LOG_LEVEL"}
    assert (environment["POWERTOOLS_SERVICE_NAME"], environment["POWERTOOLS_METRICS_NAMESPACE"]) == \
        ("storytime", "storytime")
    # What a direct POST can carry through API Gateway into Lambda (base64 in a 6 MB payload).
    assert environment["STORYTIME_MAX_UPLOAD_BYTES"] == "4400000"
    assert environment["STORYTIME_FIRST_READER"] == "rekognition"  # Tesseract only when Rekognition falls short
    assert Settings.from_env({k: v if isinstance(v, str) else "x" for k, v in environment.items()}).poll_seconds == 5
    # Links people receive are absolute: the stage's URL, built from the RestApi's id (no cycle).
    [rest_api] = resources(template_json, "AWS::ApiGateway::RestApi")
    parts = environment["STORYTIME_PUBLIC_URL"]["Fn::Join"][1]
    assert parts[0] == "https://" and parts[1] == {"Ref": rest_api} and parts[-1] == "/v1"


def test_lambda_code_is_the_package_without_the_local_runtime(outdir, template_json):
    keys = {p["Code"]["S3Key"] for p in lambdas(template_json).values() if "S3Key" in p.get("Code", {})}
    assert len(keys) == 1
    staged = outdir / f"asset.{keys.pop().removesuffix('.zip')}"
    assert (staged / "storytime" / "handlers" / "upload.py").is_file()
    assert not (staged / "storytime" / "local").exists()
    assert not (staged / "storytime" / "cli.py").exists()
    assert not list(staged.rglob("__pycache__"))


def test_state_machine_is_standard_logged_without_data_and_traced(template_json):
    machine = only(template_json, "AWS::StepFunctions::StateMachine")
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["StateMachineName"] == "storytime"
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert machine["TracingConfiguration"] == {"Enabled": True}


def test_definition_placeholders_equal_the_substitutions(outdir, template_json):
    machine = only(template_json, "AWS::StepFunctions::StateMachine")
    # DefinitionBody.from_file ships the file as an asset; CloudFormation substitutes into it.
    key = machine["DefinitionS3Location"]["Key"]
    definition = (outdir / f"asset.{key}").read_text("utf-8")
    assert definition == definition_path().read_text("utf-8")
    assert set(machine["DefinitionSubstitutions"]) == placeholders(definition)
    after = substitute(definition, {key: "value" for key in machine["DefinitionSubstitutions"]})
    assert "${" not in after


def test_api_routes_are_lambda_proxy_integrations_with_keys(template_json):
    methods = [m["Properties"] for m in resources(template_json, "AWS::ApiGateway::Method").values()]
    real = [m for m in methods if m["HttpMethod"] != "OPTIONS"]
    assert len(real) == len(ROUTES)
    for method in real:
        assert method["Integration"]["Type"] == "AWS_PROXY"
    open_ = [m for m in real if not m["ApiKeyRequired"]]
    assert sorted(m["HttpMethod"] for m in open_) == ["GET"]  # /health
    assert sum(m["ApiKeyRequired"] for m in real) == len(ROUTES) - len(OPEN_ROUTES)


def test_api_accepts_binary_bodies_and_answers_cors_for_the_configured_origin(template_json):
    api = only(template_json, "AWS::ApiGateway::RestApi")
    assert api["BinaryMediaTypes"] == ["*/*"]
    options = [m["Properties"] for m in resources(template_json, "AWS::ApiGateway::Method").values()
               if m["Properties"]["HttpMethod"] == "OPTIONS"]
    assert options
    for method in options:
        headers = method["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == f"'{CONTEXT['allowedOrigin']}'"


def test_api_stage_is_throttled_logged_and_behind_a_usage_plan(template_json):
    stage = only(template_json, "AWS::ApiGateway::Stage")
    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == 20 and settings["ThrottlingBurstLimit"] == 40
    assert settings["DataTraceEnabled"] is False
    assert "DestinationArn" in stage["AccessLogSetting"] and "$context.status" in stage["AccessLogSetting"]["Format"]
    plan = only(template_json, "AWS::ApiGateway::UsagePlan")
    assert plan["Throttle"] == {"BurstLimit": 40, "RateLimit": 20}
    assert plan["Quota"] == {"Limit": 5000, "Period": "DAY"}
    only(template_json, "AWS::ApiGateway::ApiKey")
    only(template_json, "AWS::ApiGateway::UsagePlanKey")


def test_alarms_watch_failed_pages_and_every_function(template_json):
    alarms = [a["Properties"] for a in resources(template_json, "AWS::CloudWatch::Alarm").values()]
    by_metric = {}
    for alarm in alarms:
        by_metric.setdefault((alarm["Namespace"], alarm["MetricName"]), []).append(alarm)
    assert len(by_metric[("AWS/States", "ExecutionsFailed")]) == 1
    assert len(by_metric[("AWS/Lambda", "Errors")]) == len(HANDLERS)
    assert len(by_metric[("AWS/Lambda", "Throttles")]) == len(HANDLERS)
    (reader,) = by_metric[("AWS/Lambda", "Duration")]
    assert reader["ExtendedStatistic"] == "p90" and reader["Threshold"] == 60_000
    assert reader["Dimensions"][0]["Value"]["Ref"].startswith("FunctionsReadPage")


def test_the_dense_page_reader_is_an_arm64_image_built_from_the_repo_dockerfile(outdir, template_json):
    reader = lambdas(template_json)["ReadPage"]
    assert reader["PackageType"] == "Image"
    assert reader["ImageConfig"]["Command"] == [aws_entry("ReadPage")]
    assert reader["Timeout"] >= 300  # the ASL's TimeoutSeconds for ReadPage
    assets = json.loads((outdir / "Storytime.assets.json").read_text())
    (image,) = assets["dockerImages"].values()
    source = image["source"]
    assert source["dockerFile"] == "infra/reader/Dockerfile"
    assert source["platform"] == "linux/arm64"
    # Synthesis staged the build context (no Docker needed); it is cut down to what the image copies.
    context = outdir / source["directory"]
    assert (context / "infra" / "reader" / "Dockerfile").is_file()
    assert (context / "functions" / "storytime" / "ocr" / "tesseract.py").is_file()
    assert (context / "constraints.txt").is_file()
    assert not (context / "functions" / "storytime" / "local").exists()
    assert "aws-lambda-powertools" in (context / "infra" / "reader" / "Dockerfile").read_text()  # its entry needs it
    assert not (context / ".venv").exists() and not (context / "tests").exists()


def test_powertools_reaches_aws_pinned_in_the_layer_only():
    from storytime_infra.packaging import layer_requirements

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert "aws-lambda-powertools==3.37.0" in layer_requirements()
    assert not any(d.startswith("aws-lambda-powertools") for d in project["dependencies"])
    assert not any(d.startswith("aws-lambda-powertools") for d in project["optional-dependencies"]["local"])


def test_gateway_refusals_answer_in_the_json_error_shape(template_json):
    responses = {r["Properties"]["ResponseType"]: r["Properties"]
                 for r in resources(template_json, "AWS::ApiGateway::GatewayResponse").values()}
    assert set(responses) == {"DEFAULT_4XX", "DEFAULT_5XX"}
    for response in responses.values():
        template = response["ResponseTemplates"]["application/json"]
        assert '"error": "$context.error.responseType"' in template and "$context.error.messageString" in template
        assert response["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == \
            f"'{CONTEXT['allowedOrigin']}'"


def test_the_page_flattening_deps_reach_the_reader_image_only():
    """ocr/dewarp.py's libraries: installed in the reader image (with the libGL
    OpenCV needs), pinned by constraints.txt; never in the zip Lambdas' layer."""
    from storytime_infra.packaging import layer_requirements

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    dewarp = [d.split("==")[0] for d in project["optional-dependencies"]["dewarp"]]
    assert "page-dewarp" in dewarp
    dockerfile = (ROOT / "infra" / "reader" / "Dockerfile").read_text("utf-8")
    install = dockerfile[dockerfile.index("RUN pip install"):].split("\nCOPY")[0].split()
    assert all(name in install for name in dewarp)
    assert "libgl1" in dockerfile.split()
    pins = {line.split("==")[0] for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines() if "==" in line}
    assert all(name in pins for name in dewarp)
    assert not any(r.split("==")[0] in dewarp for r in layer_requirements())


def test_the_reader_image_builds_tesserocr_against_its_own_tesseract():
    """The reader runs Tesseract in-process (ocr/runner_api.py): tesserocr from source
    (--no-binary: the wheel bundles another Tesseract), with what compiling it needs."""
    dockerfile = (ROOT / "infra" / "reader" / "Dockerfile").read_text("utf-8")
    install = dockerfile[dockerfile.index("RUN pip install"):].split("\nCOPY")[0].split()
    assert "tesserocr" in install and install[install.index("--no-binary") + 1] == "tesserocr"
    assert {"libtesseract-dev", "libleptonica-dev", "pkg-config", "g++"} <= set(dockerfile.split())
    pins = {line.split("==")[0] for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines() if "==" in line}
    assert "tesserocr" in pins
