"""A deterministic model for tests, demos and CI -- yours and ours.

Answers come from a list (consumed in order), from lists by stage (each
cycled), or from a function of ``(stage, messages)``. Shipped in the package
so that code importing sstar can test its own use of it without a model
server; ``--model scripted:FILE`` reads the answers from a file (see
:mod:`sstar.models.scripted_file`), so the command line runs without one too.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterable, Mapping, Sequence, Union

from .base import ModelBase, ModelError, split_thinking
from .protocol import Completion, FinishReason, Message, SamplingParams, Stage

Answer = Union[str, Completion]
Script = Callable[[Stage, Sequence[Message]], Union[Answer, Sequence[Answer]]]


class ScriptExhausted(ModelError):
    """The script has no answer left: a clear, one-line failure (a ModelError, so the CLI exits 2)."""


class ScriptedModel(ModelBase):
    """``ScriptedModel(["first answer", "second answer"])`` or ``ScriptedModel(lambda stage, messages: ...)``.

    A function may return one answer (repeated ``n`` times) or a list (taken
    as the ``n`` answers, cycling if short). Each answer is a string or a
    ready-made :class:`Completion`. Every call is recorded in ``calls``.
    """

    backend = "scripted"

    def __init__(self, script: Iterable[Answer] | Script | Mapping[str, Sequence[Answer]] = (),
                 name: str = "scripted") -> None:
        super().__init__(name)
        self._function = script if callable(script) else None
        # By stage ({"generate": [...], "judge": "A"}): each stage's answers cycle, so any n and any number
        # of calls work; "default" answers a stage the script does not name.
        self._by_stage = ({str(getattr(k, "value", k)): ([v] if isinstance(v, (str, Completion)) else list(v))
                           for k, v in script.items()} if isinstance(script, Mapping) else None)
        self._cursor: dict[str, int] = {}
        self._queue = [] if callable(script) or self._by_stage is not None else list(script)
        self._lock = threading.Lock()
        self.calls: list[tuple[Stage, list[Message], SamplingParams]] = []

    def __getstate__(self) -> dict:  # picklable (Ray sends models to its workers); the lock is per process
        state = dict(self.__dict__)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        with self._lock:
            self.calls.append((stage, messages, params))
        if self._function is not None:  # called outside the lock: a slow script runs concurrently
            answers = self._function(stage, messages)
            if isinstance(answers, (str, Completion)):
                answers = [answers] * params.n
            answers = list(answers) or [""]
            answers = [answers[i % len(answers)] for i in range(params.n)]
        elif self._by_stage is not None:
            answers = self._from_stage(stage, params.n)
        else:
            with self._lock:
                if len(self._queue) < params.n:
                    raise ScriptExhausted(f"the scripted model has {len(self._queue)} answer(s) left "
                                          f"but was asked for {params.n} ({stage.value} stage)")
                answers, self._queue = self._queue[: params.n], self._queue[params.n:]
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        return [self._complete(a, prompt_tokens, params) for a in answers]

    def _from_stage(self, stage: Stage, n: int) -> list[Answer]:
        key = stage.value if stage.value in self._by_stage else "default"
        pool = self._by_stage.get(key)
        if not pool:
            raise ScriptExhausted(f"the scripted model has no answers for the {stage.value} stage "
                                  f"(it has {', '.join(self._by_stage) or 'none'}; add '{stage.value}' or 'default')")
        with self._lock:
            start = self._cursor.get(key, 0)
            self._cursor[key] = start + n
        return [pool[(start + i) % len(pool)] for i in range(n)]

    @classmethod
    def from_file(cls, path: str, **options) -> "ScriptedModel":
        """Answers from a JSON or JSONL file (the formats: :mod:`sstar.models.scripted_file`)."""
        from .scripted_file import read_script

        options.setdefault("name", f"scripted:{path}")
        return cls(read_script(path), **options)

    @staticmethod
    def _complete(answer: Answer, prompt_tokens: int, params: SamplingParams) -> Completion:
        if isinstance(answer, Completion):
            return answer
        text = answer
        for stop in params.stop:
            if stop in text:
                text = text[: text.index(stop)]
        thinking, text = split_thinking(text)
        return Completion(text=text, thinking=thinking, finish_reason=FinishReason.STOP,
                          prompt_tokens=prompt_tokens, completion_tokens=len(answer.split()))
