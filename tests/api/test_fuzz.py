"""Property-based fuzzing of every route of the running server with schemathesis, from the
OpenAPI document the server itself serves: no 5xx, and every answer inside the contract."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from storytime.local.edge import Edge

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, negative_data_rejection]


def contract_of(client, headers=None):
    """The contract the running server serves, to fuzz it with."""
    status, _, document = client.request("GET", "/openapi.json", headers=headers)
    assert status == 200
    # from_dict, not from_url: from_url leaves out the operation that serves the document itself.
    served = schemathesis.openapi.from_dict(document)
    # Valid requests and invalid ones (ids off the pattern, missing bodies, wrong types).
    served.config.generation.update(modes=list(schemathesis.GenerationMode))
    served.port = client.port
    return served


@pytest.fixture
def served_contract(client):
    return contract_of(client)


contract = schemathesis.pytest.from_fixture("served_contract")


@contract.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_answers_inside_its_contract(case, client):
    case.call_and_validate(base_url=f"http://127.0.0.1:{client.port}", checks=CHECKS, timeout=60)


KEY = "fuzz-key-1"


@pytest.fixture
def keyed_contract(start_service):
    """The same contract on a service that has an API key (as on AWS): the key opens every route."""
    _, client = start_service(Edge(api_key=KEY))
    assert client.request("GET", "/openapi.json")[0] == 403
    return contract_of(client, {"x-api-key": KEY})


keyed = schemathesis.pytest.from_fixture("keyed_contract")


@keyed.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_answers_inside_its_contract_with_the_api_key(case, keyed_contract):
    case.call_and_validate(base_url=f"http://127.0.0.1:{keyed_contract.port}", checks=CHECKS, timeout=60,
                           headers={"x-api-key": KEY})
