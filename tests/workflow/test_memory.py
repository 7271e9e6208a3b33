"""Finished executions leave the interpreter's memory; their histories stay readable from the archive."""

import time

from moto.stepfunctions.parser import utils as moto_utils
from storytime.local import moto_patch
from storytime.local.history import read_archive
from storytime.service.uploads import accept_upload

from tests.fakes import GatedOcr, page_photo
from tests.workflow.helpers import entered, run_page


def live(arn):
    return moto_patch._find(arn)[1] is not None


def test_finished_executions_are_archived_and_forgotten(runtime):
    arns = [run_page(runtime, page_photo(40 + n))[1].execution_arn for n in range(3)]
    for arn in arns:
        assert not live(arn)
        assert runtime.workflow.status(arn) == "SUCCEEDED"
        assert entered(runtime.workflow.history(arn))[-1] == "Done"
        assert read_archive(runtime.workflow.folder / f"{arn.rsplit(':', 1)[1]}.json.gz")["status"] == "SUCCEEDED"
    # Each end prunes the threads that finished before it: only the last page's may remain.
    assert len([t for t in moto_utils.TMP_THREADS if not t.is_alive()]) <= 1


def test_a_running_history_is_snapshotted_and_the_archive_matches_the_live_history(tmp_path, engines):
    from storytime.local.runtime import LocalRuntime

    ocr = GatedOcr()
    engines.ocr = ocr
    runtime = LocalRuntime(tmp_path / "data", "http://media.test", engines=engines)
    try:
        answer = accept_upload(runtime.deps, page_photo(45), "image/png")
        arn = runtime.records.get(answer.body["id"]).execution_arn
        assert ocr.entered.wait(30)
        path = runtime.workflow.folder / f"{arn.rsplit(':', 1)[1]}.json.gz"
        deadline = time.monotonic() + 30
        while not (path.is_file() and "ReadPage" in entered(read_archive(path)["events"])):
            assert time.monotonic() < deadline, "no snapshot of the running execution"
            time.sleep(0.05)
        assert read_archive(path)["status"] == "RUNNING"
        running = runtime.workflow.history(arn)  # live, through the Step Functions API
        ocr.gate.set()
        assert runtime.workflow.wait(arn) == "SUCCEEDED"
        assert not live(arn)
        archived = runtime.workflow.history(arn)
        assert archived[:len(running)] == running
    finally:
        ocr.gate.set()
        runtime.close()
