"""Thinking budgets for local reasoning models (s1-style budget forcing).

``max_thinking_tokens``: once a sequence has thought that long, the
end-of-thinking delimiter (``</think>``) is forced token by token and the
model goes on to answer. ``min_thinking_tokens``: while a sequence has thought
less than that, an attempt to stop thinking (the delimiter or end-of-text as
its most likely next token) is replaced by "Wait", and the delimiter and
end-of-text are barred. Works inside one batched ``generate`` call: the state
is kept per sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Row:
    open: bool
    closed: bool = False
    count: int = 0
    queue: list[int] = field(default_factory=list)
    forced: int = 0


class ThinkingBudget:
    """A ``transformers`` logits processor (duck-typed: ``__call__(input_ids, scores)``)."""

    def __init__(self, tokenizer, prompt_len: int, opened_in_prompt: bool, max_thinking: int | None,
                 min_thinking: int | None, start: str = "<think>", end: str = "</think>", wait: str = "Wait") -> None:
        self.tok = tokenizer
        self.prompt_len = prompt_len
        self.opened_in_prompt = opened_in_prompt
        self.max_thinking, self.min_thinking = max_thinking, min_thinking
        self.start, self.end = start, end
        self.end_ids = tokenizer.encode(end + "\n", add_special_tokens=False)
        self.wait_ids = tokenizer.encode(" " + wait, add_special_tokens=False) or tokenizer.encode(wait)
        eos = tokenizer.eos_token_id
        self.stop_ids = set(eos if isinstance(eos, list) else [eos]) - {None}
        self.end_first = self.end_ids[0]
        self.rows: list[_Row] | None = None
        self.forced_end_at: list[int | None] = []

    def _tail(self, ids: list[int], n: int = 8) -> str:
        return self.tok.decode(ids[-n:], skip_special_tokens=False)

    def _tries_to_stop(self, token_id: int) -> bool:
        if token_id in self.stop_ids or token_id == self.end_first:
            return True
        text = self.tok.decode([token_id], skip_special_tokens=False).strip()
        return len(text) >= 2 and self.end.startswith(text)

    def __call__(self, input_ids, scores):
        import torch

        if self.rows is None:
            self.rows = [_Row(open=self.opened_in_prompt) for _ in range(input_ids.shape[0])]
            self.forced_end_at = [None] * input_ids.shape[0]
        for r, row in enumerate(self.rows):
            gen = input_ids[r, self.prompt_len:].tolist()
            if gen:
                if row.open and not row.closed:
                    if self.end in self._tail(gen, len(self.end_ids) + 4):
                        row.closed = True
                    else:
                        row.count += 1
                elif not row.open and self.start in self._tail(gen, 6):
                    row.open, row.count = True, 0
            if row.queue:
                self._force(scores, r, row.queue.pop(0))
                continue
            if not row.open or row.closed:
                continue
            if self.max_thinking is not None and row.count >= self.max_thinking:
                self.forced_end_at[r] = row.count
                row.queue = list(self.end_ids)
                self._force(scores, r, row.queue.pop(0))
            elif self.min_thinking is not None and row.count < self.min_thinking:
                if self._tries_to_stop(int(torch.argmax(scores[r]))):
                    row.queue = list(self.wait_ids)
                    self._force(scores, r, row.queue.pop(0))
                else:
                    for token_id in self.stop_ids | {self.end_first}:
                        scores[r, token_id] = float("-inf")
        return scores

    @staticmethod
    def _force(scores, row: int, token_id: int) -> None:
        scores[row, :] = float("-inf")
        scores[row, token_id] = 0.0
