import pytest
from storytime.settings import Settings

BASE = dict(bucket="media", table="pages", state_machine_arn="arn:aws:states:us-east-1:1:stateMachine:s",
            media_base_url="https://d1.cloudfront.net")


def test_environment_round_trips():
    settings = Settings(**BASE, poll_seconds=2, speech_part_chars=500)
    assert Settings.from_env(settings.environment()) == settings


def test_defaults_apply_where_the_environment_is_silent():
    env = {k: v for k, v in Settings(**BASE).environment().items() if "POLL" not in k}
    assert Settings.from_env(env).poll_seconds == 5


def test_a_missing_required_setting_fails_at_start():
    env = Settings(**BASE).environment()
    del env["STORYTIME_BUCKET"]
    with pytest.raises(TypeError):
        Settings.from_env(env)
