"""Speech marks of a page's parts -> one timing file for its one MP3."""

from storytime.core.timings import join_marks, parse_marks
from storytime.service.pipeline import _object_key


def test_marks_are_json_lines_as_polly_writes_them():
    data = (b'{"time":0,"type":"sentence","start":0,"end":9,"value":"Mary had."}\n'
            b'{"time":6,"type":"word","start":0,"end":4,"value":"Mary"}\n\n')
    assert [m["value"] for m in parse_marks(data)] == ["Mary had.", "Mary"]


def test_each_part_moves_by_the_audio_before_it():
    first = [{"time": 0, "type": "sentence", "value": "A."}, {"time": 5, "type": "word", "value": "A"},
             {"time": 300, "type": "viseme", "value": "p"}]
    second = [{"time": 0, "type": "sentence", "value": "B."}, {"time": 250, "type": "sentence", "value": "C."}]
    timings = join_marks([(1.5, first), (0.75, None), (2.0, second)])
    assert timings == {"version": 1, "marks": [
        {"time": 0, "type": "sentence", "value": "A."}, {"time": 5, "type": "word", "value": "A"},
        {"time": 2250, "type": "sentence", "value": "B."}, {"time": 2500, "type": "sentence", "value": "C."}]}


def test_polly_output_uris_name_keys_in_our_bucket():
    assert _object_key("https://s3.us-east-1.amazonaws.com/media/speech/a/0001-t.marks", "media") == \
        "speech/a/0001-t.marks"
    assert _object_key("https://media.s3.us-east-1.amazonaws.com/speech/a/0001-t.marks", "media") == \
        "speech/a/0001-t.marks"


def test_a_pages_timings_are_public_like_its_mp3():
    from storytime.core.records import audio_key, is_public_key, timings_key
    page = "a" * 64
    assert is_public_key(timings_key(page)) and is_public_key(audio_key(page))
    assert not is_public_key(f"timings/{page}.txt") and not is_public_key("timings/x.json")
