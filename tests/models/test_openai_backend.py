"""The openai backend against a real HTTP server on loopback (the client is not mocked)."""

import asyncio
import time

import pytest

from sstar.models import FinishReason, ModelError, Stage, load_model

from .fake_openai import FakeOpenAI

MSGS = [{"role": "user", "content": "add two numbers"}]


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def model_for(server, **options):
    return load_model("openai:fake-model", base_url=server.url, api_key="test", **options)


def test_plain_request_and_usage_per_stage(server):
    model = model_for(server)
    out = model.generate(MSGS, n=3, temperature=0.5, max_tokens=50, stop=["```\n\n"], seed=7, stage=Stage.GENERATE)
    assert len(out) == 3 and all("print(sum" in c.text for c in out)
    body = server.requests[0]
    assert body["n"] == 3 and body["temperature"] == 0.5 and body["max_tokens"] == 50 and body["seed"] == 7
    assert body["messages"] == MSGS and body["model"] == "fake-model"
    usage = model.usage.to_dict()
    assert usage["generate"]["calls"] == 1 and usage["generate"]["prompt_tokens"] == 11
    assert usage["generate"]["completion_tokens"] == 21 and usage["generate"]["seconds"] > 0
    model.close()


def test_429_with_retry_after_is_honoured(server):
    server.retry_after = "0.3"
    server.queue("429")
    model = model_for(server)
    start = time.perf_counter()
    out = model.generate(MSGS)
    assert not out[0].failed and time.perf_counter() - start >= 0.3
    assert len(server.requests) == 2
    model.close()


@pytest.mark.parametrize("behaviour", ["500", "cut", "malformed"])
def test_transient_failures_are_retried(server, behaviour):
    server.queue(behaviour, behaviour)
    model = model_for(server)
    out = model.generate(MSGS)
    assert not out[0].failed and "print(sum" in out[0].text
    assert len(server.requests) == 3
    model.close()


def test_timeouts_are_retried(server):
    server.slow_s = 1.5
    server.queue("slow")
    model = model_for(server, timeout_s=0.5)
    out = model.generate(MSGS)
    assert not out[0].failed and len(server.requests) == 2
    model.close()


def test_persistent_failure_is_recorded_not_raised(server):
    server.default = "500"
    model = model_for(server, max_retries=2)
    out = model.generate(MSGS, n=2, stage=Stage.JUDGE)
    assert [c.finish_reason for c in out] == [FinishReason.ERROR] * 2
    assert "gave up after 2 retries" in out[0].error and "server error 500" in out[0].error
    assert len(server.requests) == 3
    assert model.usage.to_dict()["judge"]["failures"] == 2
    model.close()


def test_rejected_request_fails_at_once(server):
    server.queue("400")
    model = model_for(server)
    out = model.generate(MSGS)
    assert out[0].failed and "does not exist" in out[0].error and len(server.requests) == 1
    model.close()


def test_server_ignoring_n_is_detected_and_served_with_single_requests(server):
    server.default = "ignore_n"
    model = model_for(server)
    out = model.generate(MSGS, n=4, seed=10)
    assert len(out) == 4 and not any(c.failed for c in out)
    assert server.requests[0]["n"] == 4 and [r["n"] for r in server.requests[1:]] == [1, 1, 1]
    assert sorted(r["seed"] for r in server.requests[1:]) == [11, 12, 13]  # distinct samples, sent concurrently
    server.requests.clear()
    model.generate(MSGS, n=3)
    assert [r["n"] for r in server.requests] == [1, 1, 1]  # remembered
    model.close()


def test_answer_without_code_is_just_text(server):
    server.answer = "I cannot help with that."
    model = model_for(server)
    assert model.generate(MSGS)[0].text == "I cannot help with that."
    model.close()


def test_thinking_is_kept_apart_from_the_answer(server):
    server.answer = "<think>carry the one</think>```python\nprint(2)\n```"
    model = model_for(server)
    out = model.generate(MSGS)[0]
    assert out.thinking == "carry the one" and "<think>" not in out.text and "print(2)" in out.text
    model.close()


def test_extra_body_reasoning_effort_and_thinking_budget_pass_through(server):
    model = model_for(server, extra_body={"chat_template_kwargs": {"enable_thinking": True}},
                      reasoning_effort="high", max_thinking_tokens=512)
    model.generate(MSGS)
    body = server.requests[0]
    assert body["reasoning_effort"] == "high" and body["thinking_budget"] == 512
    assert body["chat_template_kwargs"] == {"enable_thinking": True}
    model.close()


def test_bounded_concurrency_and_async(server):
    server.slow_s = 0.3
    server.default = "slow"
    model = model_for(server, max_concurrency=2)

    async def many():
        return await asyncio.gather(*(model.agenerate(MSGS, stage=Stage.SYNTHESIZE) for _ in range(6)))

    start = time.perf_counter()
    results = asyncio.run(many())
    elapsed = time.perf_counter() - start
    assert len(results) == 6 and all(not r[0].failed for r in results)
    assert elapsed >= 0.85  # 6 requests, 2 at a time, 0.3 s each
    assert model.usage.to_dict()["synthesize"]["calls"] == 6
    model.close()


def test_environment_fallbacks(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    model = load_model("openai:fake-model")
    assert model.config()["base_url"] == server.url and "api_key" not in model.config()
    assert not model.generate(MSGS)[0].failed
    model.close()


def test_unreachable_server_is_a_recorded_failure_with_a_clear_reason():
    model = load_model("openai:x", base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=1)
    out = model.generate(MSGS)
    assert out[0].failed and "connection failed" in out[0].error
    model.close()


def test_missing_key_and_server_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelError, match="OPENAI_API_KEY"):
        load_model("openai:gpt-4o-mini")


def test_retries_are_the_clients_own_and_sync_calls_work_inside_a_running_loop(server):
    server.queue("500", "429")
    model = model_for(server, max_retries=2)

    async def inside_a_loop():
        client, _ = model._client()
        assert client.max_retries == 2  # the openai client's retry machinery, not a loop of ours
        return model.generate(MSGS)  # a blocking call from async code: served on a thread of its own

    out = asyncio.run(inside_a_loop())
    assert not out[0].failed and len(server.requests) == 3
    model.close()
