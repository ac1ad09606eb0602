"""Any OpenAI-compatible chat server through the ``openai`` client.

OpenAI, vLLM, SGLang, Ollama and llama.cpp's server. Bounded concurrency.
Retries are the ``openai`` client's own (``max_retries``: 408/409/429/5xx,
time-outs and dropped connections, with its exponential backoff and its
``Retry-After`` handling); on top of them one policy: a request that still
fails becomes a recorded failure (a completion with ``finish_reason=error``
and the error text), never a crash. A reply the client cannot read (bad JSON,
no choices) is asked again up to ``max_retries`` times, since the client does
not retry those. Servers that ignore ``n > 1`` (llama.cpp, Ollama) are
detected and served with concurrent single requests from then on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
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
    """Retries of one request (the ``openai`` client's, with its backoff and ``Retry-After`` handling) before it
    is recorded as failed."""
    timeout_s: float = 600.0
    """Seconds one request may take."""
    extra_body: dict[str, Any] = field(default_factory=dict)
    """Passed through to the server as is (vLLM/SGLang options such as ``chat_template_kwargs``)."""
    reasoning_effort: str | None = None
    """``low`` / ``medium`` / ``high`` for reasoning models that take it."""
    max_thinking_tokens: int | None = None
    """Sent as ``thinking_budget`` in the request body (servers that support a thinking budget)."""

    def resolved(self) -> "OpenAIConfig":
        return replace(self, base_url=self.base_url or os.environ.get("OPENAI_BASE_URL") or None,
                       api_key=self.api_key or os.environ.get("OPENAI_API_KEY") or None)


class _Unreadable(Exception):
    """A reply the client received but could not read; the client does not retry these."""


class OpenAIModel(ModelBase):
    backend = "openai"

    def __init__(self, model: str, config: OpenAIConfig | None = None, **options: Any) -> None:
        try:
            import openai  # noqa: F401
        except ImportError as exc:
            raise ModelError("the openai backend needs the openai package: pip install openai") from exc
        super().__init__(model)
        base = config or OpenAIConfig()
        unknown = sorted(set(options) - {f for f in OpenAIConfig.__dataclass_fields__})
        if unknown:
            raise ModelError(f"unknown openai option {unknown[0]!r}: choose from "
                             f"{', '.join(OpenAIConfig.__dataclass_fields__)}")
        self.settings = replace(base, **options).resolved()
        if not self.settings.api_key and not self.settings.base_url:
            raise ModelError("no OpenAI API key: set OPENAI_API_KEY, or point --base-url / OPENAI_BASE_URL "
                             "at an OpenAI-compatible server")
        self._n_supported: bool | None = None
        # An async client belongs to the event loop it first ran on; each loop gets its own.
        self._clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Any, asyncio.Semaphore]]" = \
            weakref.WeakKeyDictionary()
        self._clients_lock = threading.Lock()

    def _sample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        async def once() -> list[Completion]:
            try:
                return await self._request_all(messages, params)
            finally:
                await self._close_loop_client()

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(once())
        # Called synchronously from inside an event loop: run on a thread of its own rather than fail.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, once()).result()

    async def aclose(self) -> None:
        """Close the client of the running event loop (call before the loop ends)."""
        await self._close_loop_client()

    async def _asample(self, messages: list[Message], params: SamplingParams, stage: Stage) -> list[Completion]:
        return await self._request_all(messages, params)

    def _client(self) -> tuple[Any, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        with self._clients_lock:
            entry = self._clients.get(loop)
            if entry is None:
                import openai

                s = self.settings
                client = openai.AsyncOpenAI(base_url=s.base_url, api_key=s.api_key or "EMPTY",
                                            max_retries=s.max_retries, timeout=s.timeout_s)
                entry = self._clients[loop] = (client, asyncio.Semaphore(s.max_concurrency))
        return entry

    async def _close_loop_client(self) -> None:
        with self._clients_lock:
            entry = self._clients.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry[0].close()

    # -- requests -----------------------------------------------------------
    async def _request_all(self, messages: list[Message], params: SamplingParams) -> list[Completion]:
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
        import openai

        client, gate = self._client()
        body = self._body(messages, params, n)
        retries = self.settings.max_retries
        for attempt in range(retries + 1):
            try:
                async with gate:
                    response = await client.chat.completions.create(**body)
                return self._parse(response, params)
            except _Unreadable as exc:
                error = f"unreadable reply ({exc})"
            except (openai.APIResponseValidationError, ValueError) as exc:
                error = f"unreadable reply ({type(exc).__name__})"
            except openai.APIStatusError as exc:  # the client's retries are spent, or a request it will not retry
                return self._failure(n, f"{_status_text(exc)}", exc.status_code in (408, 409, 429) or
                                     exc.status_code >= 500, retries)
            except openai.APITimeoutError:
                return self._failure(n, "timed out", True, retries)
            except openai.APIConnectionError as exc:
                return self._failure(n, f"connection failed ({_root_cause(exc)})", True, retries)
            if attempt < retries:
                log.warning("%s: %s; asking again (%d/%d)", self.name, error, attempt + 1, retries)
        return self._failure(n, error, True, retries)

    def _failure(self, n: int, error: str, retried: bool, retries: int) -> list[Completion]:
        message = f"gave up after {retries} retries: {error}" if retried and retries else error
        log.error("%s: %s", self.name, message)
        return failed(n, message)

    def _parse(self, response, params: SamplingParams) -> list[Completion]:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):
            raise _Unreadable("no choices")
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
        with self._clients_lock:
            entries = list(self._clients.items())
            self._clients.clear()
        for loop, (client, _) in entries:
            if loop.is_closed():
                continue  # its connections went with the loop
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(client.close(), loop)
            else:
                loop.run_until_complete(client.close())


def _status_text(exc) -> str:
    if exc.status_code == 429:
        return "rate limited (429)"
    if exc.status_code >= 500 or exc.status_code in (408, 409):
        return f"server error {exc.status_code}"
    return f"request rejected ({exc.status_code}): {_message(exc)}"


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
