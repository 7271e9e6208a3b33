from storytime.service.uploads import accept_upload
from tests.fakes import page_photo


def test_new_page(runtime, engines):
    answer = accept_upload(runtime.deps, page_photo(1), "image/png")
    assert answer.status == 202
    record = runtime.records.get(answer.body["id"])
    status = runtime.workflow.wait(record.execution_arn)
    events = runtime.workflow.history(record.execution_arn)
    for e in events:
        print(e["type"], {k: v for k, v in e.items() if k.endswith("Details")})
    assert status == "SUCCEEDED"
