"""Kill the server (SIGKILL) while a page is mid-flight; start it again: the page finishes, nothing lost."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from storytime.local.history import read_archive

from tests.api.conftest import Client
from tests.cer import cer
from tests.e2e.conftest import fixture, free_port, truth

pytestmark = pytest.mark.e2e


def start_server(data, port):
    env = {**os.environ, "STORYTIME_DATA": str(data), "STORYTIME_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "storytime.cli", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    client = Client(port)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if client.request("GET", "/health")[0] == 200:
                return process, client
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stdout.read().decode())


# A dense page (782 words, ~3 s of OCR): the plug is pulled while it is being read. A scan read in
# 0.3 s could finish between seeing ReadPage in the history and the kill (it once did).
PAGE = "gen_en_dense_photo.jpg"


def test_page_survives_a_killed_server(tmp_path):
    data, port = tmp_path / "data", free_port()
    process, client = start_server(data, port)
    try:
        status, _, body = client.upload(fixture(PAGE), "image/jpeg")
        assert status == 202
        page_id = body["id"]
        # Wait until the workflow is inside OCR (and its history kept that far), then pull the plug.
        archive = data / "history" / f"{page_id}-1.json.gz"
        deadline = time.time() + 60
        while time.time() < deadline:
            if archive.is_file() and "ReadPage" in json.dumps(read_archive(archive)):
                break
            time.sleep(0.02)
        else:
            pytest.fail("the workflow never reached ReadPage")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)

    assert read_archive(archive)["status"] == "RUNNING"

    process, client = start_server(data, port)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            status, _, result = client.request("GET", f"/result/{page_id}")
            if status != 503:
                break
            time.sleep(0.5)
        assert status == 200, result
        assert cer(truth(PAGE), result["text"]) <= 0.05
        assert result["executionArn"].endswith(f"{page_id}-2")
        status, _, history = client.request("GET", f"/executions/{page_id}/history")
        assert status == 200 and history["executionArn"] == result["executionArn"]
        assert history["events"][-1]["type"] == "ExecutionSucceeded"
        # The interrupted attempt's history is still in the data folder.
        assert read_archive(archive)["events"]
        path = result["audioUrl"].split(f"127.0.0.1:{port}", 1)[1]
        assert client.request("GET", path)[0] == 200
    finally:
        process.terminate()
        process.wait(30)
