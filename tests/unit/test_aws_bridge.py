"""Two runtimes in one process (a restart test, a second site): closing one must not take the
AWS operations away from the one still open."""

import boto3
from storytime.local import aws_bridge


def _call(name: str) -> str:
    client = boto3.client("polly", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client.get_lexicon(Name=name)["Lexicon"]["Content"]


def _lexicon(owner: str):
    return {"polly.GetLexicon": lambda params: {"Lexicon": {"Content": owner, "Name": params["Name"]}}}


def test_closing_the_newer_install_gives_the_names_back_to_the_older_one():
    first, second = _lexicon("first"), _lexicon("second")
    aws_bridge.install(first)
    aws_bridge.install(second)
    assert _call("a") == "second"
    aws_bridge.uninstall(second)
    assert _call("a") == "first"
    aws_bridge.uninstall(first)
    assert "polly.GetLexicon" not in aws_bridge._operations


def test_closing_the_older_install_leaves_the_newer_one_answering():
    first, second = _lexicon("first"), _lexicon("second")
    aws_bridge.install(first)
    aws_bridge.install(second)
    aws_bridge.uninstall(first)
    assert _call("a") == "second"
    aws_bridge.uninstall(second)
    assert "polly.GetLexicon" not in aws_bridge._operations


def test_uninstalling_twice_or_unknown_is_harmless():
    first = _lexicon("first")
    aws_bridge.install(first)
    aws_bridge.uninstall(first)
    aws_bridge.uninstall(first)
    aws_bridge.uninstall(_lexicon("never"))
    assert "polly.GetLexicon" not in aws_bridge._operations


def _direct_polly(monkeypatch):
    client = boto3.client("polly", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")

    def never(*args, **kwargs):
        raise AssertionError("an installed operation was serialised as a request")

    monkeypatch.setattr(client, "_convert_to_request_dict", never)
    return aws_bridge.answer_directly(client)


def test_a_direct_client_answers_installed_operations_without_building_a_request(monkeypatch):
    import botocore.exceptions
    import pytest
    from storytime.local.aws_bridge import ServiceError

    def get_lexicon(params):
        if params["Name"] == "gone":
            raise ServiceError("LexiconNotFoundException", "no such lexicon", 404)
        return {"Lexicon": {"Content": "ours", "Name": params["Name"]}}

    operations = {"polly.GetLexicon": get_lexicon}
    aws_bridge.install(operations)
    try:
        client = _direct_polly(monkeypatch)
        answer = client.get_lexicon(Name="a")
        assert answer["Lexicon"]["Content"] == "ours" and answer["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(client.exceptions.LexiconNotFoundException) as refused:
            client.get_lexicon(Name="gone")
        assert refused.value.response["Error"]["Code"] == "LexiconNotFoundException"
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        with pytest.raises(botocore.exceptions.ParamValidationError):  # checked as botocore checks it
            client.get_lexicon(Name=7)
        with pytest.raises(AssertionError, match="serialised"):  # not installed: botocore's own way
            client.list_lexicons()
    finally:
        aws_bridge.uninstall(operations)
