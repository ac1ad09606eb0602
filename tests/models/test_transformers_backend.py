"""The transformers backend on a tiny random model, and thinking budgets."""

import pytest

from sstar.models import FinishReason, ModelError, Stage, load_model

pytest.importorskip("torch")
MSGS = [{"role": "user", "content": "add two numbers"}]


def test_batched_samples_usage_and_finish_reason(tiny_model_dir):
    model = load_model(f"transformers:{tiny_model_dir}")
    out = model.generate(MSGS, n=4, max_tokens=12, temperature=1.0, seed=1, stage=Stage.GENERATE)
    assert len(out) == 4
    assert all(c.prompt_tokens > 0 and 0 < c.completion_tokens <= 12 for c in out)
    assert model.usage.to_dict()["generate"]["calls"] == 1
    assert model.config()["device"] == "cpu" and model.config()["dtype"] == "float32"


def test_seed_makes_sampling_repeatable(tiny_model_dir):
    model = load_model(f"transformers:{tiny_model_dir}")
    a = model.generate(MSGS, n=2, max_tokens=10, temperature=1.0, seed=5)
    b = model.generate(MSGS, n=2, max_tokens=10, temperature=1.0, seed=5)
    assert [c.text for c in a] == [c.text for c in b] and [c.thinking for c in a] == [c.thinking for c in b]


def test_unfinished_thinking_is_never_the_answer(tiny_model_dir):
    # The template opens <think>; a random model never closes it: all of it is thinking.
    model = load_model(f"transformers:{tiny_model_dir}")
    out = model.generate(MSGS, n=2, max_tokens=8, temperature=1.0, seed=3)
    assert all(c.text == "" and c.finish_reason is FinishReason.LENGTH for c in out)


def test_max_thinking_tokens_forces_the_end_of_thinking_at_the_budget(tiny_model_dir):
    import torch
    import transformers

    from sstar.models.thinking import ThinkingBudget

    tok = transformers.AutoTokenizer.from_pretrained(tiny_model_dir)
    lm = transformers.AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    enc = tok.apply_chat_template(MSGS, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    prompt_len = enc["input_ids"].shape[1]
    budget = ThinkingBudget(tok, prompt_len, opened_in_prompt=True, max_thinking=5, min_thinking=None)
    torch.manual_seed(0)
    out = lm.generate(**enc, do_sample=True, max_new_tokens=12, num_return_sequences=3, logits_processor=[budget],
                      pad_token_id=tok.pad_token_id)
    end_id = tok.convert_tokens_to_ids("</think>")
    for row in out:
        gen = row[prompt_len:].tolist()
        assert gen.index(end_id) == 5, gen  # exactly five thinking tokens, then the delimiter

    model = load_model(f"transformers:{tiny_model_dir}", max_thinking_tokens=5)
    answers = model.generate(MSGS, n=3, max_tokens=6, temperature=1.0, seed=0)
    assert all(c.thinking and "</think>" not in c.text for c in answers)
    assert all(c.completion_tokens > 5 for c in answers)  # it went on to answer after the budget


def test_min_thinking_tokens_replaces_an_early_stop_with_wait(tiny_model_dir):
    import torch
    import transformers

    from sstar.models.thinking import ThinkingBudget

    tok = transformers.AutoTokenizer.from_pretrained(tiny_model_dir)
    lm = transformers.AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    end_id = tok.convert_tokens_to_ids("</think>")

    def eager_to_stop(input_ids, scores):  # a model that wants to end its thinking at once
        scores[:, end_id] += 1000.0
        return scores

    enc = tok.apply_chat_template(MSGS, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    prompt_len = enc["input_ids"].shape[1]
    budget = ThinkingBudget(tok, prompt_len, opened_in_prompt=True, max_thinking=None, min_thinking=6)
    torch.manual_seed(0)
    out = lm.generate(**enc, do_sample=False, max_new_tokens=16, logits_processor=[eager_to_stop, budget],
                      pad_token_id=tok.pad_token_id)
    gen = out[0, prompt_len:].tolist()
    text = tok.decode(gen, skip_special_tokens=False)
    assert text.startswith("Wait") or text.startswith(" Wait"), text
    assert gen.index(end_id) >= 6, gen  # the end of thinking comes only after the minimum


def test_stop_strings_cut_the_answer(tiny_model_dir):
    model = load_model(f"transformers:{tiny_model_dir}", max_thinking_tokens=2)
    out = model.generate(MSGS, n=4, max_tokens=20, temperature=1.0, seed=2, stop=["a"])
    assert all("a" not in c.text for c in out)


def test_missing_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no such model path"):
        load_model("transformers:/definitely/not/here")
    with pytest.raises(ModelError, match="no such model file"):
        load_model(f"transformers:{tmp_path}/model.gguf")
    with pytest.raises(ModelError, match="not a Hugging Face model"):
        load_model(f"transformers:{tmp_path}")
