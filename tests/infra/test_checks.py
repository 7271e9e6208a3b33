"""The template passes cfn-lint and cdk-nag's AwsSolutions pack; every acknowledged finding has a reason."""

import json
import subprocess
import sys
from pathlib import Path

from storytime_infra.nag import REASONS


def test_cfn_lint_finds_no_errors(outdir):
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    run = subprocess.run([cfn_lint, "--format", "json", str(outdir / "Storytime.template.json")],
                         capture_output=True, text=True)
    findings = json.loads(run.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], errors
    assert run.returncode in (0, 4, 8, 12), run.stderr  # warnings/informational only


def test_cdk_nag_aws_solutions_is_clean_and_every_acknowledgment_has_a_reason(outdir):
    (report,) = json.loads((outdir / "validation-report.json").read_text())["pluginReports"]
    assert report["pluginName"] == "AwsSolutions"
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    suppressed = report["suppressedViolations"]
    assert suppressed
    for finding in suppressed:
        assert len(finding["reason"]) > 40, finding["acknowledgedId"]
    # No stale acknowledgment: each rule we give a reason for is still found (and acknowledged).
    rules = {f["ruleName"].removeprefix("AwsSolutions-").split("[")[0] for f in suppressed}
    assert set(REASONS) <= rules
