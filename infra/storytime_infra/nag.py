"""cdk-nag AwsSolutions findings we accept, each with its reason (a test keeps the pack otherwise clean)."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations

PACK = "AwsSolutions"

REASONS = {
    "CFR1": "Readers anywhere may listen to their pages; nothing is restricted by country.",
    "CFR2": "CloudFront serves only GETs of content-addressed media (SHA-256 keys); a WAF's cost buys nothing here.",
    "CFR3": "CloudFront standard logs need an ACL-enabled bucket; our buckets enforce bucket-owner ownership. "
            "S3 server access logs record every origin read.",
    "CFR4": "The default *.cloudfront.net certificate cannot be pinned to TLS 1.2; the distribution asks for "
            "TLSv1.2_2021, which takes effect with a custom domain and certificate.",
    "APIG3": "The stage is throttled and every data route needs an API key with a usage plan and a daily quota; "
             "a WAF would double the per-request cost.",
    "APIG4": "storytime has no user accounts: clients present an API key (usage plan, quota); /health and / are "
             "public on purpose.",
    "COG4": "No user accounts, so no Cognito user pool: an API key with a usage plan guards the API.",
    "IAM4": "API Gateway's account-level CloudWatch role uses AWS's own policy for pushing logs, as documented.",
}

STAR = "Resource::*"
STAR_REASON = ("AWS requires '*': X-Ray PutTraceSegments/PutTelemetryRecords, Rekognition DetectText, Polly "
               "speech tasks and CloudWatch Logs delivery for Step Functions have no resource-level permissions.")
PREFIX_REASON = "Objects are named by content hash at run time: access is scoped to one key prefix."
SES_REASON = ("SES authorizes the sender identity and, in the sandbox, every recipient's identity: any identity, "
              "but only with ses:FromAddress equal to the verified sender.")
EXECUTIONS_REASON = "Execution names (page id + attempt) are made at run time; scoped to this state machine."


def _ack(scope, finding: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{PACK}::{PACK}-{finding}", reason=reason))


def _prefixes() -> set[str]:
    """Every object prefix a role is granted (the functions' table, and the workflow's images/ and speech/)."""
    from storytime_infra.access import ACCESS

    found = {"images/", "speech/"}
    for access in ACCESS.values():
        found.update(access.reads, access.writes, access.deletes)
    return found


def suppress(stack) -> None:
    for rule, reason in REASONS.items():
        if rule == "IAM4":
            continue
        _ack(stack, rule, reason)
    _ack(stack.api.rest_api, "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
         "AmazonAPIGatewayPushToCloudWatchLogs]", REASONS["IAM4"])
    _ack(stack, f"IAM5[{STAR}]", STAR_REASON)
    bucket = Stack.of(stack).resolve(stack.get_logical_id(stack.storage.bucket.node.default_child))
    for prefix in sorted(_prefixes()):
        _ack(stack, f"IAM5[Resource::<{bucket}.Arn>/{prefix}*]", PREFIX_REASON)
    _ack(stack, "IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]", SES_REASON)
    _ack(stack, "IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
         f"{stack.workflow.state_machine_name}:*]", EXECUTIONS_REASON)
