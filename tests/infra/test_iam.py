"""Least privilege, pinned: every statement of every role, as actions -> resources in words."""

from tests.infra.conftest import resources

XRAY = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})
LOGS = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})
MACHINE = "stateMachine:storytime"
EXECUTIONS = "execution:storytime:*"


def _name(template_json, logical_id: str) -> str:
    resource = template_json["Resources"][logical_id]
    kind = resource["Type"]
    if kind == "AWS::S3::Bucket":
        return "bucket"
    if kind == "AWS::DynamoDB::Table":
        return "table"
    if kind == "AWS::SNS::Topic":
        return "topic"
    if kind == "AWS::Logs::LogGroup":
        return "own log group"
    if kind == "AWS::Lambda::Function":
        return "function " + resource["Properties"]["Description"].removeprefix("storytime ")
    if kind == "AWS::SES::EmailIdentity":
        return "sender identity"
    raise AssertionError(kind)


def _words(template_json, resource) -> str:
    if resource == "*":
        return "*"
    if "Ref" in resource:
        return _name(template_json, resource["Ref"])
    if "Fn::GetAtt" in resource:
        return _name(template_json, resource["Fn::GetAtt"][0])
    parts = resource["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else "" for p in parts)
    first = parts[0]
    if isinstance(first, dict) and "Fn::GetAtt" in first:
        return _name(template_json, first["Fn::GetAtt"][0]) + text
    return text.split(":", 5)[-1] if (":states:" in text or ":ses:" in text) else text


def statements(template_json, policy) -> set:
    found = set()
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        condition = statement.get("Condition")
        for target in targets:
            words = _words(template_json, target)
            if condition and "StringLike" in condition:
                words += f" if prefix {condition['StringLike']['s3:prefix']}"
            elif condition:
                words += f" if from {[condition['StringEquals']['ses:FromAddress']]}"
            found.add((frozenset(actions), words))
    return found


def policy_of(template_json, role_prefix: str):
    (policy,) = [p for k, p in resources(template_json, "AWS::IAM::Policy").items()
                 if k.startswith(role_prefix + "RoleDefaultPolicy") or k.startswith(role_prefix + "DefaultPolicy")]
    return policy


def reads(prefix):
    return {(frozenset({"s3:GetObject"}), f"bucket/{prefix}*"),
            (frozenset({"s3:ListBucket"}), f"bucket if prefix ['{prefix}*']")}


def reads_all(*prefixes):
    """One GetObject statement and one ListBucket statement for several prefixes."""
    return ({(frozenset({"s3:GetObject"}), f"bucket/{p}*") for p in prefixes}
            | {(frozenset({"s3:ListBucket"}), f"bucket if prefix {[f'{p}*' for p in prefixes]}")})


def writes(*prefixes):
    return {(frozenset({"s3:PutObject"}), f"bucket/{p}*") for p in prefixes}


BASE = {(LOGS, "own log group"), (XRAY, "*")}
GET, PUT, UPDATE = "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"

EXPECTED = {
    "upload": BASE | {(frozenset({"s3:PutObject"}), "bucket/images/*"),
                      (frozenset({GET, PUT, UPDATE}), "table"),
                      (frozenset({"states:StartExecution"}), MACHINE),
                      (frozenset({"states:DescribeExecution"}), EXECUTIONS)},
    # Presigning signs with the role's rights: the PUT a client makes is checked against them.
    "upload_url": BASE | {(frozenset({"s3:PutObject"}), "bucket/uploads/*")},
    "upload_complete": BASE | reads("uploads/") | {(frozenset({"s3:PutObject"}), "bucket/images/*"),
                                                   (frozenset({"s3:DeleteObject"}), "bucket/uploads/*"),
                                                   (frozenset({GET, PUT, UPDATE}), "table"),
                                                   (frozenset({"states:StartExecution"}), MACHINE),
                                                   (frozenset({"states:DescribeExecution"}), EXECUTIONS)},
    "result": BASE | reads("text/") | {(frozenset({GET, UPDATE}), "table"),
                                        (frozenset({"states:StartExecution"}), MACHINE),
                                        (frozenset({"states:DescribeExecution"}), EXECUTIONS)},
    "history": BASE | {(frozenset({GET}), "table"), (frozenset({"states:GetExecutionHistory"}), EXECUTIONS)},
    "health": BASE,
    "index": BASE,
    "openapi": BASE,
    # A book's view joins its narration from its pages' MP3s and timings.
    "create_book": BASE | {(frozenset({PUT}), "table")},
    "book": BASE | reads_all("audio/", "timings/", "books/") | writes("books/") | {(frozenset({GET}), "table")},
    "add_book_page": BASE | reads_all("text/", "audio/", "timings/", "books/") | writes("images/", "books/")
    | {(frozenset({GET, PUT, UPDATE}), "table"), (frozenset({"states:StartExecution"}), MACHINE),
       (frozenset({"states:DescribeExecution"}), EXECUTIONS)},
    "reorder_book": BASE | reads_all("audio/", "timings/", "books/") | writes("books/")
    | {(frozenset({GET, UPDATE}), "table")},
    "LoadProgress": BASE | {(frozenset({GET}), "table")},
    "ReadPage": BASE | reads("images/") | {(frozenset({"s3:PutObject"}), "bucket/ocr/*"),
                                          (frozenset({GET, UPDATE}), "table")},  # GET: the named language
    "ExtractText": BASE | reads("ocr/") | {(frozenset({"s3:PutObject"}), "bucket/ocr/*"),
                                           (frozenset({"s3:PutObject"}), "bucket/text/*"),
                                           (frozenset({UPDATE}), "table")},
    "PlanSpeech": BASE | reads("text/") | {(frozenset({UPDATE}), "table")},
    "ReadSpeechPart": BASE | reads("text/"),
    "JoinAudio": BASE | reads("speech/") | {(frozenset({"s3:PutObject"}), "bucket/audio/*"),
                                            (frozenset({"s3:PutObject"}), "bucket/timings/*"),
                                            (frozenset({UPDATE}), "table"),
                                            (frozenset({"s3:DeleteObject"}), "bucket/speech/*")},
    "JoinBooks": BASE | reads_all("audio/", "timings/", "books/") | writes("books/") | {(frozenset({GET}), "table")},
    "RecordOutcome": BASE | {(frozenset({GET, PUT, UPDATE}), "table")},  # outcome, failure count, notice ledger
}


def test_every_function_role_is_pinned(template_json):
    lambdas = [r["Properties"]["Description"].removeprefix("storytime ")
               for r in resources(template_json, "AWS::Lambda::Function").values()]
    assert sorted(lambdas) == sorted(EXPECTED)
    for name, expected in EXPECTED.items():
        logical = f"Functions{name.replace('_', '')}"  # CDK drops the underscores of add_book_page
        assert statements(template_json, policy_of(template_json, logical)) == expected, name


def test_function_roles_have_no_managed_policies(template_json):
    for role in resources(template_json, "AWS::IAM::Role").values():
        principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]
        if principal in ("lambda.amazonaws.com", "states.amazonaws.com"):
            assert "ManagedPolicyArns" not in role["Properties"]


def test_workflow_role_is_pinned(template_json):
    invoke = {(frozenset({"lambda:InvokeFunction"}), f"function {name}")
              for name in ("LoadProgress", "ReadPage", "ExtractText", "PlanSpeech", "ReadSpeechPart", "JoinAudio",
                           "RecordOutcome", "JoinBooks")}
    log_delivery = frozenset({"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                              "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                              "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"})
    assert statements(template_json, policy_of(template_json, "WorkflowRole")) == invoke | {
        (frozenset({"rekognition:DetectText"}), "*"),
        (frozenset({"polly:StartSpeechSynthesisTask", "polly:GetSpeechSynthesisTask"}), "*"),
        (frozenset({"s3:GetObject"}), "bucket/images/*"),
        (frozenset({"s3:PutObject"}), "bucket/speech/*"),
        (frozenset({"sns:Publish"}), "topic"),
        (frozenset({"ses:SendEmail"}), "identity/* if from ['reader@example.org']"),
        (log_delivery, "*"),
        (XRAY | {"xray:GetSamplingRules", "xray:GetSamplingTargets"}, "*"),
    }
