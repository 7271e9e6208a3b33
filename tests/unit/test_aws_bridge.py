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
