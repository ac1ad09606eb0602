import json
import os
import subprocess
import sys

from ..models.fake_openai import FakeOpenAI


def sstar(*args, env=None):
    return subprocess.run([sys.executable, "-m", "sstar", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def test_ask_an_openai_compatible_server():
    with FakeOpenAI(answer="hello there") as server:
        proc = sstar("model", "ask", "openai:fake", "hi", "--n", "2", "--base-url", server.url, "--json",
                     env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [c["text"] for c in data["completions"]] == ["hello there"] * 2
    assert data["usage"]["other"]["calls"] == 1 and "api_key" not in data["model"]


def test_ask_a_dead_server_exits_1_with_the_reason():
    proc = sstar("model", "ask", "openai:x", "hi", "--base-url", "http://127.0.0.1:9/v1", "--max-retries", "0",
                 env={"OPENAI_API_KEY": "k"})
    assert proc.returncode == 1 and "connection failed" in proc.stdout


def test_unknown_backend_exits_2_with_one_line():
    proc = sstar("model", "ask", "vllm:qwen", "hi")
    assert proc.returncode == 2 and "unknown model backend 'vllm'" in proc.stderr and "Traceback" not in proc.stderr
