"""``scripted:FILE``: the answer-file formats, and clear one-line errors for broken files."""

import json
import pickle

import pytest

from sstar.models import ModelError, Stage, load_model

MSGS = [{"role": "user", "content": "q"}]


def texts(model, stage, n=1):
    return [c.text for c in model.generate(MSGS, n=n, stage=stage)]


def test_json_by_stage_cycles_each_stage_and_falls_back_to_default(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"generate": ["a", "b", {"error": "server down"}], "judge": "A", "default": "?"}))
    model = load_model(f"scripted:{path}")
    assert model.name == f"scripted:{path}"
    assert texts(model, Stage.GENERATE, 2) == ["a", "b"]
    third, fourth = model.generate(MSGS, n=2, stage=Stage.GENERATE)
    assert third.failed and third.error == "server down" and fourth.text == "a"  # cycled
    assert texts(model, Stage.JUDGE) == ["A"] and texts(model, Stage.DEBUG) == ["?"]
    again = pickle.loads(pickle.dumps(model))  # Ray sends models to its workers
    assert texts(again, Stage.GENERATE) == ["b"]


def test_json_list_in_order_then_a_clear_error(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(["one", {"text": "two"}]))
    model = load_model(f"scripted:{path}")
    assert texts(model, Stage.GENERATE, 2) == ["one", "two"]
    with pytest.raises(ModelError, match="0 answer\\(s\\) left"):
        model.generate(MSGS)


def test_jsonl_plain_and_by_stage(tmp_path):
    plain = tmp_path / "plain.jsonl"
    plain.write_text('"x"\n\n{"text": "y"}\n')
    assert texts(load_model(f"scripted:{plain}"), Stage.OTHER, 2) == ["x", "y"]
    staged = tmp_path / "staged.jsonl"
    staged.write_text('{"stage": "generate", "text": "g1"}\n{"stage": "judge", "text": "B"}\n'
                      '{"stage": "generate", "text": "g2"}\n')
    model = load_model(f"scripted:{staged}")
    assert texts(model, Stage.GENERATE, 3) == ["g1", "g2", "g1"] and texts(model, Stage.JUDGE) == ["B"]
    with pytest.raises(ModelError, match="no answers for the debug stage"):
        model.generate(MSGS, stage=Stage.DEBUG)


@pytest.mark.parametrize("name, text, message", [
    ("bad.json", "{not json", "bad.json, line 1: invalid JSON"),
    ("bad.json", '{"generat": "x"}', "unknown stage 'generat'"),
    ("bad.json", '{"generate": []}', "stage 'generate' has an empty list"),
    ("bad.json", "42", "expected a list of answers or an object by stage"),
    ("bad.json", '[{"txt": "x"}]', "an answer is a string"),
    ("bad.jsonl", '"a"\n{"stage": "judge", "text": "A"}\n', "mixes lines"),
    ("bad.jsonl", "\n\n", "holds no answers"),
    ("bad.jsonl", '"a"\n{oops\n', "bad.jsonl, line 2: invalid JSON"),
])
def test_broken_files_are_one_clear_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ModelError, match=message):
        load_model(f"scripted:{path}")


def test_missing_file_and_no_answers():
    with pytest.raises(ModelError, match="no-such.json: no such file"):
        load_model("scripted:no-such.json")
    with pytest.raises(ModelError, match="needs its answers"):
        load_model("scripted")
