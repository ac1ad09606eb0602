"""Any OpenAI-compatible chat server through the ``openai`` client.

OpenAI, vLLM, SGLang, Ollama and llama.cpp's server. Bounded concurrency;
retries with jittered exponential backoff on 429 (honouring Retry-After), 5xx,
time-outs, dropped connections and unreadable replies; after the last retry a
recorded failure (a completion with ``finish_reason=error``), never a crash.
Servers that ignore ``n > 1`` (llama.cpp, Ollama) are detected and served
with concurrent single requests from then on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import threading
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .base import ModelBase, ModelError, failed, split_thinking
from .protocol import Completion, FinishReason, Message, SamplingParams, Stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenAIConfig:
    """Settings of the ``openai`` backend; unset fields fall back to the environment."""

    base_url: str | None = None
    """Server URL; default ``OPENAI_BASE_URL``, else OpenAI's."""
    api_key: str | None = field(default=None, repr=False)
    """Default ``OPENAI_API_KEY``; local servers accept any value (``EMPTY`` is sent if unset)."""
    max_concurrency: int = 16
    """Requests in flight at once."""
    max_retries: int = 5
    """Retries of one request before it is recorded as failed."""
    timeout_s: float = 600.0
    """Seconds one request may take."""
    backoff_s: float = 1.0
    """First retry delay; doubles each retry (with jitter), capped at ``backoff_max_s``."""
    backoff_max_s: float = 60.0
    extra_body: dict[str, Any] = field(default_factory=dict)
    """Passed through to the server as is (vLLM/SGLang options such as ``chat_template_kwargs``)."""
    reasoning_effort: str | None = None
    """``low`` / ``medium`` / ``high`` for reasoning models that take it."""
    max_thinking_tokens: int | None = None
    """Sent as ``thinking_budget`` in the request body (servers that support a thinking budget)."""

    def resolved(self) -> "OpenAIConfig":
        return replace(self, base_url=self.base_url or os.environ.get("OPENAI_BASE_URL") or None,
                       api_key=self.api_key or os.environ.get("OPENAI_API_KEY") or None)


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OpenAIModel(ModelBase):
    backend = "openai"

    def __init__(self, model: str, config: OpenAIConfig | None = None, **options: Any) -> None:
        try:
            import openai  # noqa: F401
        except ImportError as exc:
            raise ModelError("the openai backend needs the openai package: pip install openai") from exc
        super().__init__(model)
        base = config or OpenAIConfig()
        self.settings = replace(base, **options).resolved()
        if not self.settings.api_key and not self.settings.base_url:
            raise ModelError("no OpenAI API key: set OPENAI_API_KEY, or point --base-url / OPENAI_BASE_URL "
                             "at an OpenAI-compatible server")
        self._n_supported: bool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client = None
        self._semaphore: asyncio.Semaphore | None = None
        self._start_lock = threading.Lock()

    # -- one event loop of our own, so sync and async callers share a client ----
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=loop.run_forever, name=f"openai-{self.name}", daemon=True)
                self._thread.start()
                self._loop = loop
        return self._loop

    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        future = asyncio.run_coroutine_threadsafe(self._request_all(messages, params), self._ensure_loop())
        return future.result()

    async def _asample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        future = asyncio.run_coroutine_threadsafe(self._request_all(messages, params), self._ensure_loop())
        return await asyncio.wrap_future(future)

    def _client_on_loop(self):
        if self._client is None:
            import openai

            s = self.settings
            self._client = openai.AsyncOpenAI(base_url=s.base_url, api_key=s.api_key or "EMPTY",
                                              max_retries=0, timeout=s.timeout_s)
            self._semaphore = asyncio.Semaphore(s.max_concurrency)
        return self._client

    # -- requests -----------------------------------------------------------
    async def _request_all(self, messages: list[Message], params: SamplingParams) -> list[Completion]:
        self._client_on_loop()
        if params.n == 1 or self._n_supported is False:
            return await self._singles(messages, params, params.n)
        out = await self._request(messages, params, params.n)
        if len(out) < params.n and not all(c.failed for c in out):
            if self._n_supported is None:
                log.info("%s ignores n > 1 (returned %d of %d): using single requests", self.name, len(out), params.n)
            self._n_supported = False
            out += await self._singles(messages, params, params.n - len(out), offset=len(out))
        elif out and not out[0].failed:
            self._n_supported = True
        return out[: params.n]

    async def _singles(self, messages, params: SamplingParams, count: int, offset: int = 0) -> list[Completion]:
        async def one(i: int) -> list[Completion]:
            seed = None if params.seed is None else params.seed + offset + i
            return await self._request(messages, replace(params, seed=seed), 1)

        batches = await asyncio.gather(*(one(i) for i in range(count)))
        return [c for batch in batches for c in batch[:1]]

    def _body(self, messages: list[Message], params: SamplingParams, n: int) -> dict[str, Any]:
        s = self.settings
        body: dict[str, Any] = {"model": self.name, "messages": messages, "n": n,
                                "temperature": params.temperature, "max_tokens": params.max_tokens}
        if params.stop:
            body["stop"] = list(params.stop)[:4]  # OpenAI accepts at most four
        if params.seed is not None:
            body["seed"] = params.seed
        if params.top_p is not None:
            body["top_p"] = params.top_p
        if s.reasoning_effort:
            body["reasoning_effort"] = s.reasoning_effort
        extra = dict(s.extra_body)
        if s.max_thinking_tokens is not None:
            extra.setdefault("thinking_budget", s.max_thinking_tokens)
        if extra:
            body["extra_body"] = extra
        return body

    async def _request(self, messages: list[Message], params: SamplingParams, n: int) -> list[Completion]:
        s = self.settings
        body = self._body(messages, params, n)
        last = ""
        for attempt in range(s.max_retries + 1):
            try:
                async with self._semaphore:
                    response = await self._call(body)
                return self._parse(response, params)
            except _Retryable as exc:
                last = str(exc)
                if attempt == s.max_retries:
                    break
                delay = min(s.backoff_max_s, s.backoff_s * 2 ** attempt) * (0.5 + random.random())
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                log.warning("%s: %s; retry %d/%d in %.1f s", self.name, exc, attempt + 1, s.max_retries, delay)
                await asyncio.sleep(delay)
            except _Fatal as exc:
                log.error("%s: %s", self.name, exc)
                return failed(n, str(exc))
        log.error("%s: giving up after %d retries: %s", self.name, s.max_retries, last)
        return failed(n, f"gave up after {s.max_retries} retries: {last}")

    async def _call(self, body: dict[str, Any]):
        import openai

        try:
            return await self._client.chat.completions.create(**body)
        except openai.RateLimitError as exc:
            raise _Retryable("rate limited (429)", _retry_after(exc.response)) from None
        except openai.APITimeoutError:
            raise _Retryable("timed out") from None
        except openai.APIConnectionError as exc:
            raise _Retryable(f"connection failed ({_root_cause(exc)})") from None
        except openai.InternalServerError as exc:
            raise _Retryable(f"server error {exc.status_code}", _retry_after(exc.response)) from None
        except openai.APIStatusError as exc:
            if exc.status_code in (408, 409) or exc.status_code >= 500:
                raise _Retryable(f"server error {exc.status_code}", _retry_after(exc.response)) from None
            raise _Fatal(f"request rejected ({exc.status_code}): {_message(exc)}") from None
        except (openai.APIResponseValidationError, ValueError) as exc:  # an unreadable reply
            raise _Retryable(f"unreadable reply ({type(exc).__name__})") from None

    def _parse(self, response, params: SamplingParams) -> list[Completion]:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):
            raise _Retryable("reply without choices")
        usage = getattr(response, "usage", None)
        prompt_tokens = getattr(usage, "prompt_tokens", 0) or 0
        total_completion = getattr(usage, "completion_tokens", 0) or 0
        out = []
        for choice in choices:
            message = getattr(choice, "message", None)
            content = getattr(message, "content", None) or ""
            reasoning = getattr(message, "reasoning_content", None) or getattr(message, "reasoning", None) or ""
            thinking, text = split_thinking(content)
            out.append(Completion(
                text=text, thinking="\n".join(t for t in (reasoning, thinking) if t),
                finish_reason=FinishReason.parse(getattr(choice, "finish_reason", None)),
                prompt_tokens=prompt_tokens if not out else 0,
                completion_tokens=total_completion // max(1, len(choices)),
            ))
        return out

    def config(self) -> dict[str, Any]:
        s = asdict(self.settings)
        s.pop("api_key", None)
        return {"backend": self.backend, "name": self.name, **s}

    def close(self) -> None:
        loop, client = self._loop, self._client
        if loop is None:
            return
        if client is not None:
            asyncio.run_coroutine_threadsafe(client.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(timeout=10)
        self._loop = self._client = None


class _Fatal(Exception):
    pass


def _retry_after(response) -> float | None:
    try:
        value = response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, ValueError, TypeError):
        return None


def _message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:300]
    return str(exc)[:300]


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"[:200]
