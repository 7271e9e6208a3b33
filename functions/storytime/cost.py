"""`storytime cost`: what 1,000 pages cost on AWS, by workflow path, computed from the ASL.

Each path is a walk through ``statemachine/storytime.asl.json`` with the
choices a page of that kind makes (a Choice may only take a branch the file
has; a failing Task goes where its Catch says). From the walk: state
transitions (Standard bills each state entered and each retry), Lambda
invocations and GB-seconds, Rekognition images, Polly characters, SNS
publishes, S3 and DynamoDB requests. Prices and the per-function assumptions
are data, with their date, in ``prices.json``. The original SQS-based design
is priced beside it from the same prices.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PRICES = Path(__file__).with_name("prices.json")

# The speech loop as AWS runs it: start, one counted poll after a Wait, done; then the same
# for the speech marks (billed per character like speech).
_SPEECH = {"SpeechStatus": ["CountPoll", "StartMarks"], "MarksStatus": ["CountMarksPoll", "PartDone"]}


@dataclass(frozen=True)
class Path_:
    name: str
    choices: dict[str, list[str]]  # Choice state -> branch taken at its 1st, 2nd, ... visit
    fails_at: str | None = None  # this Task fails for good: its Catch decides where next
    retries: dict[str, int] = field(default_factory=dict)  # Task -> retried attempts before its outcome
    execution: bool = True  # False: answered by the upload Lambda alone


PATHS = [
    Path_("new page (Rekognition reads)", {"WhatIsDone": ["ChooseReader"], "ChooseReader": ["DetectText"],
                                           "HasText": ["PlanSpeech"], "Outcome": ["Done"], **_SPEECH}),
    Path_("Rekognition short, Tesseract reads",
          {"WhatIsDone": ["ChooseReader"], "ChooseReader": ["DetectText"], "IsWholePage": ["ReadPage"],
           "HasText": ["PlanSpeech"], "Outcome": ["Done"], **_SPEECH}),
    Path_("dense page (Tesseract reader)", {"WhatIsDone": ["ChooseReader"], "ChooseReader": ["ReadPage"],
                                            "HasText": ["PlanSpeech"], "Outcome": ["Done"], **_SPEECH}),
    Path_("cached duplicate (new address)", {"WhatIsDone": ["AlreadyFinished"], "Outcome": ["Done"]}),
    Path_("cached duplicate (same address)", {}, execution=False),
    Path_("resume after OCR and text", {"WhatIsDone": ["HasText"], "HasText": ["PlanSpeech"],
                                        "Outcome": ["Done"], **_SPEECH}),
    Path_("failure after 3 throttled retries", {"WhatIsDone": ["ChooseReader"], "ChooseReader": ["DetectText"],
                                                "Outcome": ["Failed"]},
          fails_at="DetectText", retries={"DetectText": 3}),
]


def walk(states: dict, start: str, path: Path_, seen: Counter | None = None) -> list[str]:
    """The states entered, in order, following the ASL and the path's choices."""
    seen = Counter() if seen is None else seen
    trace, name = [], start
    while name is not None:
        if len(trace) > 500:
            raise ValueError(f"{path.name}: no end after 500 states")
        state = states[name]
        trace.append(name)
        kind = state["Type"]
        if name == path.fails_at:
            name = next(c["Next"] for c in state["Catch"] if "States.ALL" in c["ErrorEquals"])
            continue
        if kind == "Choice":
            taken = path.choices.get(name, [])
            choice = taken[seen[name]] if seen[name] < len(taken) else state["Default"]
            seen[name] += 1
            legal = {c["Next"] for c in state["Choices"]} | {state.get("Default")}
            if choice not in legal:
                raise ValueError(f"{path.name}: {name} has no branch to {choice}")
            name = choice
        elif kind == "Map":
            inner = state["ItemProcessor"]
            trace += walk(inner["States"], inner["StartAt"], path, seen)
            name = state.get("Next")
        elif kind in ("Succeed", "Fail") or state.get("End"):
            name = None
        else:
            name = state["Next"]
    return trace


def all_states(definition: dict) -> dict:
    states = dict(definition["States"])
    for state in definition["States"].values():
        if state["Type"] == "Map":
            states.update(state["ItemProcessor"]["States"])
    return states


def units(definition: dict, path: Path_, assumptions: dict) -> dict:
    """Service units one page on this path uses."""
    functions = assumptions["functions"]
    lambdas = Counter({"Upload": 1})
    used = Counter(api_requests=assumptions["api_requests_per_page"])
    if path.execution:
        states = all_states(definition)
        trace = walk(definition["States"], definition["StartAt"], path)
        used["state_transitions"] = len(trace) + sum(path.retries.values())
        used["executions"] = 1
        for name in trace:
            state = states[name]
            resource = state.get("Resource", "")
            attempts = 1 + path.retries.get(name, 0)
            if resource.endswith(":lambda:invoke"):
                function = state["Parameters"]["FunctionName"].strip("${}").removesuffix("FunctionArn")
                lambdas[function] += attempts
            elif resource.endswith("rekognition:detectText"):
                used["rekognition_images"] += 0 if name == path.fails_at else 1
            elif resource.endswith("polly:startSpeechSynthesisTask"):
                used["polly_characters"] += assumptions["characters_per_page"]
            elif resource.endswith("sns:publish"):
                used["sns_publishes"] += 1
            elif resource.endswith("sesv2:sendEmail"):
                used["ses_emails"] += 1
            if state["Type"] == "Wait":
                used["wait_seconds"] += assumptions["poll_seconds"]
    else:
        used["sns_publishes"] = 0
    for function, count in lambdas.items():
        spec = functions[function]
        used["lambda_requests"] += count
        used["lambda_gb_seconds"] += count * spec["seconds"] * spec["memory_mb"] / 1024
        used["lambda_seconds"] += count * spec["seconds"]
        for unit in ("s3_put", "s3_get", "ddb_write", "ddb_read"):
            used[unit] += count * spec[unit]
    return dict(used)


def _common(used: dict, prices: dict, assumptions: dict) -> float:
    polly = prices[f"polly_{assumptions['polly_engine']}_per_character"]
    return (used.get("lambda_requests", 0) * prices["lambda_per_request"]
            + used.get("lambda_gb_seconds", 0) * prices["lambda_per_gb_second"]
            + used.get("rekognition_images", 0) * prices["rekognition_per_image"]
            + used.get("polly_characters", 0) * polly
            + used.get("sns_publishes", 0) * (prices["sns_per_publish"] + prices["sns_per_email"])
            + used.get("ses_emails", 0) * prices["ses_per_email"]
            + used.get("s3_put", 0) * prices["s3_per_put"] + used.get("s3_get", 0) * prices["s3_per_get"]
            + used.get("ddb_write", 0) * prices["dynamodb_per_write"]
            + used.get("ddb_read", 0) * prices["dynamodb_per_read"]
            + used.get("api_requests", 0) * prices["apigateway_per_request"])


def dollars(used: dict, prices: dict, assumptions: dict) -> dict:
    """Per page, on Standard and on Express Step Functions."""
    common = _common(used, prices, assumptions)
    standard = common + used.get("state_transitions", 0) * prices["stepfunctions_standard_per_transition"]
    # Express bills each execution's wall time: the Lambdas it waits for and its Waits.
    duration = used.get("lambda_seconds", 0) - assumptions["functions"]["Upload"]["seconds"] + used.get(
        "wait_seconds", 0)
    express = common + used.get("executions", 0) * (
        prices["stepfunctions_express_per_request"]
        + duration * prices["stepfunctions_express_billed_gb"] * prices["stepfunctions_express_per_gb_second"])
    return {"standard": standard, "express": express}


def sqs_design(kind: str, prices: dict, assumptions: dict) -> float:
    spec = assumptions["sqs_design"][kind]
    used = Counter(api_requests=assumptions["api_requests_per_page"])
    for function, count in spec["lambda"].items():
        fn = assumptions["functions"][function]
        used["lambda_requests"] += count
        used["lambda_gb_seconds"] += count * fn["seconds"] * fn["memory_mb"] / 1024
        for unit in ("s3_put", "s3_get", "ddb_write", "ddb_read"):
            used[unit] += count * fn[unit]
    used["rekognition_images"] = spec["rekognition_images"]
    used["polly_characters"] = assumptions["characters_per_page"] if spec["polly_characters"] else 0
    used["sns_publishes"] = spec["sns_publishes"]
    return _common(used, prices, assumptions) + spec["sqs_requests"] * prices["sqs_per_request"]


def estimate(definition: dict | None = None, price_data: dict | None = None) -> dict:
    if definition is None:
        from storytime.statemachine import definition_path

        definition = json.loads(definition_path().read_text("utf-8"))
    data = price_data or json.loads(PRICES.read_text("utf-8"))
    prices, assumptions = data["prices"], data["assumptions"]
    paths = {}
    for path in PATHS:
        used = units(definition, path, assumptions)
        per_page = dollars(used, prices, assumptions)
        paths[path.name] = {"units": {k: round(v, 4) for k, v in used.items()},
                            "per_1000_pages_usd": {k: round(v * 1000, 4) for k, v in per_page.items()}}
    sqs = {"new page (Rekognition reads)": "new_page", "cached duplicate (new address)": "cached_duplicate"}
    for name, kind in sqs.items():
        paths[name]["per_1000_pages_usd"]["sqs_design"] = round(sqs_design(kind, prices, assumptions) * 1000, 4)
    return {"prices_date": data["date"], "region": data["region"], "source": data["source"],
            "assumptions": {k: v for k, v in assumptions.items() if k not in ("functions", "sqs_design")},
            "paths": paths}


def render(result: dict) -> str:
    rows = [f"dollars per 1,000 pages on AWS ({result['region']}, prices of {result['prices_date']}; "
            f"{result['assumptions']['characters_per_page']} characters a page)",
            f"{'path':36} {'transitions':>11} {'Standard':>10} {'Express':>10} {'SQS design':>11}"]
    for name, path in result["paths"].items():
        usd = path["per_1000_pages_usd"]
        sqs = f"{usd['sqs_design']:>11.2f}" if "sqs_design" in usd else f"{'-':>11}"
        rows.append(f"{name:36} {path['units'].get('state_transitions', 0):>11} {usd['standard']:>10.2f} "
                    f"{usd['express']:>10.2f} {sqs}")
    return "\n".join(rows)
