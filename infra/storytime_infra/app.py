"""Build the app from context values (cdk.json, or -c name=value)."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from storytime_infra.nag import suppress
from storytime_infra.stack import StorytimeStack

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


def offline_context(**overrides) -> dict:
    """cdk.json's context, with asset bundling off: what `make synth` and the tests synthesize."""
    context = json.loads(CDK_JSON.read_text("utf-8"))["context"]
    return {**context, "aws:cdk:bundling-stacks": [], **overrides}


def build(app: cdk.App) -> StorytimeStack:
    """The stack, checked by cdk-nag's AwsSolutions pack: synthesis fails on any unacknowledged finding."""
    context = app.node.try_get_context
    stack = StorytimeStack(
        app, "Storytime",
        sender_email=context("senderEmail"),
        notify_email=context("notifyEmail") or "",
        allowed_origin=context("allowedOrigin"),
        first_reader=context("firstReader") or "rekognition",
        public_url=context("publicUrl") or "",
    )
    suppress(stack)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack
