"""Infra tests synthesize the CDK app once per session, offline (no account, no Docker, no bundling).

Synthesis runs cdk-nag's AwsSolutions pack as a validation plugin: any finding
without an acknowledgment fails the synthesis, and so every test here.
"""

import json
import os
import sys
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[2] / "infra"
sys.path.insert(0, str(INFRA))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

CONTEXT = {"senderEmail": "reader@example.org", "notifyEmail": "ops@example.org",
           "allowedOrigin": "https://books.example.org"}


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    import aws_cdk as cdk
    from storytime_infra.app import build, offline_context

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(outdir), context=offline_context(**CONTEXT))
    stack = build(app)
    assembly = app.synth()
    return stack, Path(assembly.directory)


@pytest.fixture(scope="session")
def stack(synthesized):
    return synthesized[0]


@pytest.fixture(scope="session")
def outdir(synthesized):
    return synthesized[1]


@pytest.fixture(scope="session")
def template_json(outdir):
    return json.loads((outdir / "Storytime.template.json").read_text())


@pytest.fixture(scope="session")
def template(template_json):
    from aws_cdk.assertions import Template

    return Template.from_json(template_json)


def resources(template_json, type_):
    return {k: v for k, v in template_json["Resources"].items() if v["Type"] == type_}
