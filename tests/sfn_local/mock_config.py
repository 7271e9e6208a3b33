"""Step Functions Local's MockConfigFile, generated from the workflow's path cases.

The format is AWS's (docs: "Mock configuration file structure" in the Step
Functions Local guide): ``StateMachines.<name>.TestCases.<case>`` maps each
mocked state to a response name; ``MockedResponses.<name>`` maps invocation
numbers ("0", or a range "1-2") to ``Return`` or ``Throw`` {Error, Cause}.
An execution started as ``<stateMachineArn>#<case>`` uses that case's mocks.

    python -m tests.sfn_local.mock_config build/sfn-local/MockConfigFile.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.workflow.path_cases import CASES, PathCase

STATE_MACHINE = "storytime"


def invocations(answers: list[dict]) -> dict[str, dict]:
    """Number the answers, runs of the same answer as one range ("0-119")."""
    numbered, start = {}, 0
    for n in range(1, len(answers) + 1):
        if n == len(answers) or answers[n] != answers[start]:
            numbered[str(start) if n - 1 == start else f"{start}-{n - 1}"] = answers[start]
            start = n
    return numbered


def build(cases: list[PathCase] = CASES, state_machine: str = STATE_MACHINE) -> dict:
    test_cases, responses = {}, {}
    for case in cases:
        test_cases[case.name] = {}
        for state, answers in case.responses().items():
            name = f"{case.name}.{state}"
            test_cases[case.name][state] = name
            responses[name] = invocations(answers)
    return {"StateMachines": {state_machine: {"TestCases": test_cases}}, "MockedResponses": responses}


def write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
