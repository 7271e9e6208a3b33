"""`storytime cost`: paths walked through the real ASL, and the arithmetic on the prices file."""

import json

import pytest
from storytime.cost import PATHS, Path_, dollars, estimate, units, walk
from storytime.statemachine import definition_path

ASL = json.loads(definition_path().read_text("utf-8"))
PRICES = json.loads((definition_path().parents[1] / "functions" / "storytime" / "prices.json").read_text())


def test_every_path_walks_the_real_state_machine_to_an_end():
    for path in PATHS:
        if path.execution:
            trace = walk(ASL["States"], ASL["StartAt"], path)
            assert trace[0] == "LoadProgress" and trace[-1] in ("Done", "Failed"), path.name


def test_the_cached_duplicate_is_seven_transitions_and_no_engine():
    cached = next(p for p in PATHS if p.name.startswith("cached duplicate (new"))
    used = units(ASL, cached, PRICES["assumptions"])
    assert walk(ASL["States"], ASL["StartAt"], cached) == [  # Notify: one e-mail for the one new address
        "LoadProgress", "WhatIsDone", "AlreadyFinished", "Notify", "EmailPerson", "Outcome", "Done"]
    assert used["state_transitions"] == 7
    assert "rekognition_images" not in used and "polly_characters" not in used
    assert used["lambda_requests"] == 2  # the upload handler and LoadProgress


def test_retries_are_billed_transitions_and_repeat_the_invoke():
    new = next(p for p in PATHS if p.name.startswith("new page"))
    throttled = Path_("x", new.choices, retries={"ExtractText": 2})
    assert units(ASL, throttled, PRICES["assumptions"])["state_transitions"] == \
        units(ASL, new, PRICES["assumptions"])["state_transitions"] + 2
    assert units(ASL, throttled, PRICES["assumptions"])["lambda_requests"] == \
        units(ASL, new, PRICES["assumptions"])["lambda_requests"] + 2


def test_a_choice_the_file_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no branch"):
        walk(ASL["States"], ASL["StartAt"], Path_("bad", {"WhatIsDone": ["JoinAudio"]}))


def test_dollars_are_units_times_prices():
    prices = {k: 0.0 for k in PRICES["prices"]}
    prices.update(stepfunctions_standard_per_transition=0.001, lambda_per_request=0.01,
                  stepfunctions_express_per_request=0.5, stepfunctions_express_per_gb_second=1.0,
                  stepfunctions_express_billed_gb=0.0625)
    assumptions = {**PRICES["assumptions"], "polly_engine": "standard",
                   "functions": {**PRICES["assumptions"]["functions"], "Upload": {
                       "memory_mb": 128, "seconds": 1.0, "s3_put": 0, "s3_get": 0, "ddb_write": 0, "ddb_read": 0}}}
    used = {"state_transitions": 20, "lambda_requests": 3, "executions": 1, "lambda_seconds": 3.0,
            "wait_seconds": 5}
    cost = dollars(used, prices, assumptions)
    assert cost["standard"] == pytest.approx(20 * 0.001 + 3 * 0.01)
    # Express: its request plus its wall time (Lambdas other than the upload's, and Waits) at 64 MB.
    assert cost["express"] == pytest.approx(3 * 0.01 + 0.5 + (3.0 - 1.0 + 5) * 0.0625 * 1.0)


def test_estimate_prices_every_path_and_the_sqs_design_beside_the_new_page():
    result = estimate(ASL, PRICES)
    assert result["prices_date"] == PRICES["date"]
    assert set(result["paths"]) == {p.name for p in PATHS}
    new = result["paths"]["new page (Rekognition reads)"]["per_1000_pages_usd"]
    assert set(new) == {"standard", "express", "sqs_design"}
    assert new["standard"] > new["sqs_design"] > 0
