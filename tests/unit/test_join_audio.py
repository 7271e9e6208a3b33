"""JoinAudio's last writes: all made, at once, on threads kept from one page to the next."""

import threading

from storytime.service import pipeline
from storytime.service.deps import Deps
from storytime.settings import Settings


class Objects:
    def __init__(self):
        self.stored, self.threads, self.persisted = {}, set(), []

    def get(self, key):
        return self.stored[key]

    def put(self, key, data, content_type):
        if threading.current_thread() is not threading.main_thread():
            self.threads.add(threading.current_thread())
        self.stored[key] = data

    def persist(self, keys):
        self.threads.add(threading.current_thread())
        self.persisted += keys

    def delete(self, key):
        self.stored.pop(key, None)


class Records:
    def update(self, record_id, **changes):
        return None


def page(objects, page_id):
    objects.stored[f"speech/{page_id}/0/task.mp3"] = b"not an mp3: no timings"
    return [{"keyPrefix": f"speech/{page_id}/0/", "taskId": "task"}]


def test_join_audio_writes_on_threads_kept_from_page_to_page():
    objects = Objects()
    deps = Deps(settings=Settings(bucket="b", table="t", state_machine_arn="arn", media_base_url="http://m"),
                records=Records(), objects=objects, workflow=None)
    first_id, second_id = "1" * 64, "2" * 64
    pipeline.join_audio(deps, first_id, page(objects, first_id))
    writers = {t for t in threading.enumerate() if t.name.startswith("join-audio-write")}
    objects.threads.clear()
    pipeline.join_audio(deps, second_id, page(objects, second_id))
    assert objects.threads and objects.threads <= writers  # a kept writer thread, not a new one
    assert {t for t in threading.enumerate() if t.name.startswith("join-audio-write")} == writers
    assert objects.persisted == [f"text/{first_id}.txt", f"text/{second_id}.txt"]
    assert f"audio/{second_id}.mp3" in objects.stored
