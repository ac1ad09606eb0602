import asyncio
import threading

import pytest

from sstar.models import Completion, FinishReason, ModelError, ScriptedModel, Stage, load_model
from sstar.models.cache import CachedModel, CompletionCache

MSGS = [{"role": "user", "content": "solve it"}]


def test_scripted_from_a_list_in_order_then_a_clear_error():
    model = ScriptedModel(["a", "b", "c"])
    assert [c.text for c in model.generate(MSGS, n=2)] == ["a", "b"]
    assert model.generate(MSGS)[0].text == "c"
    with pytest.raises(RuntimeError, match="0 answer\\(s\\) left but was asked for 1"):
        model.generate(MSGS)


def test_scripted_from_a_function_of_stage_and_messages():
    def script(stage, messages):
        return "WIN A" if stage is Stage.JUDGE else [f"sample {i}" for i in range(2)]

    model = load_model("scripted", script=script)
    assert [c.text for c in model.generate(MSGS, n=3, stage=Stage.GENERATE)] == ["sample 0", "sample 1", "sample 0"]
    assert model.generate(MSGS, stage=Stage.JUDGE)[0].text == "WIN A"
    assert [call[0] for call in model.calls] == [Stage.GENERATE, Stage.JUDGE]
    assert model.usage.to_dict()["total"]["calls"] == 2


def test_scripted_splits_thinking_applies_stops_and_accepts_completions():
    failure = Completion(text="", finish_reason=FinishReason.ERROR, error="server down")
    model = ScriptedModel(["<think>hmm</think>answer STOP tail", failure])
    first = model.generate(MSGS, stop=["STOP"])[0]
    assert first.thinking == "hmm" and first.text == "answer "
    assert model.generate(MSGS)[0].failed


def test_scripted_async_and_thread_safe():
    model = ScriptedModel(lambda stage, messages: messages[-1]["content"].upper())

    async def many():
        return await asyncio.gather(*(model.agenerate([{"role": "user", "content": f"q{i}"}]) for i in range(20)))

    results = asyncio.run(many())
    assert sorted(r[0].text for r in results) == sorted(f"Q{i}" for i in range(20))


def test_bad_parameters():
    model = ScriptedModel(["x"])
    with pytest.raises(ValueError, match="n must be"):
        model.generate(MSGS, n=0)
    with pytest.raises(ValueError, match="'role' and 'content'"):
        model.generate([{"content": "no role"}])


def test_cache_pays_once_and_fills_only_missing_samples(tmp_path):
    counter = {"calls": 0, "n": []}

    def script(stage, messages):
        counter["calls"] += 1
        return [f"fresh {counter['calls']}.{i}" for i in range(8)]

    inner = ScriptedModel(script)
    original = inner._sample

    def spy(messages, params, stage):
        counter["n"].append(params.n)
        return original(messages, params, stage)

    inner._sample = spy
    cache = CompletionCache(tmp_path / "c.sqlite")
    model = CachedModel(inner, cache)
    first = model.generate(MSGS, n=3, temperature=0.7, seed=1)
    again = model.generate(MSGS, n=3, temperature=0.7, seed=1)
    assert [c.text for c in again] == [c.text for c in first] and all(c.cached for c in again)
    more = model.generate(MSGS, n=5, temperature=0.7, seed=1)
    assert [c.text for c in more[:3]] == [c.text for c in first] and not more[3].cached
    assert counter["n"] == [3, 2]  # only the two missing samples were asked for
    other = model.generate(MSGS, n=1, temperature=0.2, seed=1)  # other parameters: another key
    assert not other[0].cached and len(cache) == 6


def test_failures_are_not_cached(tmp_path):
    answers = [Completion(text="", finish_reason=FinishReason.ERROR, error="down"), "ok"]
    model = CachedModel(ScriptedModel(answers), CompletionCache(tmp_path / "c.sqlite"))
    assert model.generate(MSGS)[0].failed
    assert model.generate(MSGS)[0].text == "ok"


def test_cache_is_shared_across_threads_and_instances(tmp_path):
    path = tmp_path / "c.sqlite"
    model = CachedModel(ScriptedModel(lambda s, m: m[-1]["content"]), CompletionCache(path))
    threads = [threading.Thread(target=model.generate, args=([{"role": "user", "content": f"q{i}"}],))
               for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = CachedModel(ScriptedModel([]), CompletionCache(path))  # would raise if it had to ask
    assert fresh.generate([{"role": "user", "content": "q7"}])[0].text == "q7"


def test_load_model_with_cache_option(tmp_path):
    model = load_model("scripted", script=lambda s, m: "x", cache=str(tmp_path / "c.sqlite"))
    model.generate(MSGS)
    assert model.generate(MSGS)[0].cached and model.config()["cache"].endswith("c.sqlite")


@pytest.mark.parametrize("name, message", [
    ("nonsense", "unknown model 'nonsense'"),
    ("vllm:qwen", "unknown model backend 'vllm'"),
    ("openai:", "unknown model 'openai:'"),
])
def test_unknown_names_are_clear_errors(name, message):
    with pytest.raises(ModelError, match=message):
        load_model(name)
