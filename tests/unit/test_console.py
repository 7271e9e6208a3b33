from storytime.local.console import describe, describe_all

EVENTS = [
    {"id": 1, "type": "ExecutionStarted", "timestamp": "2026-11-27T10:00:00.000000+00:00"},
    {"id": 2, "type": "TaskStateEntered", "timestamp": "2026-11-27T10:00:00.100000+00:00",
     "stateEnteredEventDetails": {"name": "DetectText"}},
    {"id": 3, "type": "TaskScheduled", "timestamp": "2026-11-27T10:00:00.200000+00:00",
     "taskScheduledEventDetails": {"resource": "detectText"}},
    {"id": 4, "type": "TaskFailed", "timestamp": "2026-11-27T10:00:00.300000+00:00",
     "taskFailedEventDetails": {"resource": "detectText", "error": "Rekognition.ThrottlingException",
                                "cause": "Slow down"}},
    {"id": 5, "type": "TaskScheduled", "timestamp": "2026-11-27T10:00:01.300000+00:00",
     "taskScheduledEventDetails": {"resource": "detectText"}},
    {"id": 6, "type": "TaskSucceeded", "timestamp": "2026-11-27T10:00:02.000000+00:00",
     "taskSucceededEventDetails": {"resource": "detectText"}},
]


def test_a_failure_shows_its_error_name_and_cause():
    assert describe(EVENTS[3]) == ("10:00:00.300    4  TaskFailed                    "
                                   "detectText Rekognition.ThrottlingException: Slow down")


def test_a_retry_is_named():
    lines = describe_all(EVENTS)
    assert lines[4].endswith("(retry 1 of DetectText)")
    assert "retry" not in lines[2] and "retry" not in lines[5]
