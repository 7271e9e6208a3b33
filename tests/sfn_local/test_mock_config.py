"""The generated MockConfigFile: AWS's documented format, real state names, every path mocked and covered.

Docker cannot run here, so Step Functions Local itself is not started in make
test (``make test-sfn-local`` does that); these tests hold what the generator
promises about the file it hands to it.
"""

import json
from pathlib import Path

import jsonschema
import pytest

from tests.sfn_local import mock_config
from tests.workflow.path_cases import CASES, OK

ROOT = Path(__file__).resolve().parents[2]
ASL = json.loads((ROOT / "statemachine" / "storytime.asl.json").read_text("utf-8"))
SCHEMA = json.loads((Path(__file__).with_name("mock_config.schema.json")).read_text("utf-8"))


def all_states(machine=ASL, parent=None):
    """name -> (state, the Map state it runs in or None)."""
    found = {}
    for name, state in machine["States"].items():
        found[name] = (state, parent)
        if state["Type"] == "Map":
            found.update(all_states(state["ItemProcessor"], name))
    return found


STATES = all_states()
TASKS = {name for name, (state, _) in STATES.items() if state["Type"] == "Task"}


def successors(name: str) -> set[str]:
    """Where the next StateEntered can be after ``name`` (one Map item, no retries: those re-enter nothing)."""
    state, parent = STATES[name]
    nexts = {c["Next"] for c in state.get("Catch", [])}
    if state["Type"] == "Choice":
        nexts |= {c["Next"] for c in state["Choices"]} | {state["Default"]}
    elif state["Type"] == "Map":
        nexts.add(state["ItemProcessor"]["StartAt"])
    elif "Next" in state:
        nexts.add(state["Next"])
    if parent is not None:
        map_state = STATES[parent][0]
        if state.get("End") or state["Type"] == "Fail":  # the item ends: the Map goes on or is caught
            nexts |= {map_state["Next"]} if state["Type"] != "Fail" else set()
        if state["Type"] in ("Task", "Fail"):  # an uncaught error fails the Map
            nexts |= {c["Next"] for c in map_state.get("Catch", [])}
    return nexts


def choice_edges() -> set[tuple[str, str]]:
    return {(name, target) for name, (state, _) in STATES.items() if state["Type"] == "Choice"
            for target in [c["Next"] for c in state["Choices"]] + [state["Default"]]}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = mock_config.write(tmp_path_factory.mktemp("sfn") / "MockConfigFile.json")
    return json.loads(path.read_text("utf-8"))


def test_the_file_has_the_documented_shape(written):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(written, SCHEMA)
    assert set(written["StateMachines"]) == {mock_config.STATE_MACHINE}
    assert set(written["StateMachines"]["storytime"]["TestCases"]) == {case.name for case in CASES}


@pytest.mark.parametrize("bad", [
    {"StateMachines": {}, "MockedResponses": {}},
    {"StateMachines": {"s": {"TestCases": {"c": {"A": "r"}}}}, "MockedResponses": {"r": {"zero": {"Return": 1}}}},
    {"StateMachines": {"s": {"TestCases": {"c": {"A": "r"}}}},
     "MockedResponses": {"r": {"0": {"Return": 1, "Throw": {"Error": "E", "Cause": "c"}}}}},
    {"StateMachines": {"s": {"TestCases": {"c": {"A": "r"}}}},
     "MockedResponses": {"r": {"0": {"Throw": {"Error": "E"}}}}},
])
def test_the_schema_refuses_what_the_docs_do_not_allow(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_every_test_case_names_a_mocked_response_and_every_response_is_used(written):
    used = [name for case in written["StateMachines"]["storytime"]["TestCases"].values() for name in case.values()]
    assert sorted(used) == sorted(written["MockedResponses"])


def test_every_mocked_state_is_a_task_of_the_asl(written):
    for case in written["StateMachines"]["storytime"]["TestCases"].values():
        assert set(case) <= TASKS
    assert set(OK) == TASKS  # a default answer for every Task, none for a state that is gone


def test_invocation_ranges_number_every_call_once():
    a, b = {"Return": 1}, {"Throw": {"Error": "E", "Cause": "c"}}
    assert mock_config.invocations([b, b, a]) == {"0-1": b, "2": a}
    assert mock_config.invocations([a]) == {"0": a}
    assert mock_config.invocations([a] * 120) == {"0-119": a}
    assert mock_config.invocations([a, b, a]) == {"0": a, "1": b, "2": a}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_path_is_a_walk_the_asl_allows(case):
    assert case.states[0] == ASL["StartAt"]
    for here, there in zip(case.states, case.states[1:]):
        assert there in successors(here), f"{here} -> {there}"
    last = STATES[case.states[-1]][0]
    assert last["Type"] == {"SUCCEEDED": "Succeed", "FAILED": "Fail"}[case.status]
    assert STATES[case.states[-1]][1] is None  # ends the execution, not a Map item


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_task_on_the_path_is_mocked_for_every_call(case, written):
    mocks = written["StateMachines"]["storytime"]["TestCases"][case.name]
    on_path = [s for s in case.states if s in TASKS]
    assert set(mocks) == set(on_path)  # nothing reaches a real service, nothing mocked off the path
    for task in set(on_path):
        ranges = written["MockedResponses"][mocks[task]]
        calls = sum(int(k.split("-")[-1]) - int(k.split("-")[0]) + 1 for k in ranges)
        assert calls >= on_path.count(task), task  # every call answered; retries take the extra ones
        if not any("Return" in answer for answer in ranges.values()):  # it only fails: the path is caught
            state, parent = STATES[task]
            caught = {c["Next"] for c in state.get("Catch", []) + STATES.get(parent, ({}, None))[0].get("Catch", [])}
            after = case.states[len(case.states) - case.states[::-1].index(task)]
            assert after in caught, (task, after)


def test_the_cases_cover_every_state_and_every_choice_branch():
    entered = {s for case in CASES for s in case.states}
    assert entered == set(STATES)
    taken = {pair for case in CASES for pair in zip(case.states, case.states[1:])}
    assert choice_edges() <= taken, choice_edges() - taken
    assert {case.status for case in CASES} == {"SUCCEEDED", "FAILED"}
