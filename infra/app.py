"""The CDK app. `make synth` runs it directly (offline: no account, no Docker, no
bundling); `make deploy` runs it through the CDK CLI, which bundles and builds."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "functions")]

import aws_cdk as cdk  # noqa: E402
from storytime_infra.app import build, offline_context  # noqa: E402

if "CDK_OUTDIR" in os.environ:  # under the CDK CLI: it passes cdk.json's context itself
    app = cdk.App()
else:
    app = cdk.App(outdir=str(HERE / "cdk.out"), context=offline_context())
build(app)
print(app.synth().directory)
