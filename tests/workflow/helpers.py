from storytime.service.uploads import accept_upload


def run_page(runtime, photo: bytes, recipient=None):
    """Upload through the service and wait for the execution; return (answer, record, history)."""
    answer = accept_upload(runtime.deps, photo, "image/png", recipient)
    record = runtime.records.get(answer.body["id"])
    runtime.workflow.wait(record.execution_arn)
    record = runtime.records.get(record.id)
    return answer, record, runtime.workflow.history(record.execution_arn)


def entered(history) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]


def failures(history) -> list[str]:
    names = []
    for event in history:
        for key, details in event.items():
            if key.endswith("FailedEventDetails") and "error" in details:
                names.append(details["error"])
    return names
