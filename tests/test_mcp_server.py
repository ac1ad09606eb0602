"""``sstar mcp`` as an MCP client sees it: a subprocess spoken to with the mcp SDK's own stdio client."""

import asyncio
import json
import os
import subprocess
import sys

import pytest

from sstar.pipeline import records

from .conftest import PROBLEMS, REFERENCE, ROOT

mcp = pytest.importorskip("mcp", reason="the mcp extra is not installed (pip install 'sstar[mcp]')")
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402

PROBLEM_FILE = PROBLEMS / "lc_max_odd_binary.json"
RIGHT = (REFERENCE / "lc_max_odd_binary.py").read_text()
WRONG = RIGHT.replace('"1" * (ones - 1) + "0" * (len(s) - ones) + "1"', 's')
SUBTLE = RIGHT.replace('ones = s.count("1")', 'ones = min(s.count("1"), 2)')
SCRIPT = ROOT / "examples" / "scripted" / "lc_max_odd_binary.json"


def server(*args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    return StdioServerParameters(command=sys.executable, args=["-m", "sstar", "mcp", *args], env=env, cwd=str(ROOT))


def data(result):
    assert not _is_error(result), result.content[0].text
    structured = getattr(result, "structured_content", None) or getattr(result, "structuredContent", None)
    return structured if structured is not None else json.loads(result.content[0].text)


def _is_error(result):
    return getattr(result, "is_error", None) or getattr(result, "isError", False)


async def session_run(work, *args):
    async with stdio_client(server(*args)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await work(session)


@pytest.mark.timeout(300)
def test_the_tools_over_stdio(tmp_path):
    record = json.loads(PROBLEM_FILE.read_text())
    (tmp_path / "right.py").write_text(RIGHT)
    progress = []

    async def on_progress(value, total, message):
        progress.append((value, message))

    async def work(session):
        tools = {t.name: t for t in (await session.list_tools()).tools}
        accepted = data(await session.call_tool("test", {"problem": str(PROBLEM_FILE), "program": RIGHT}))
        rejected = data(await session.call_tool("test", {"problem": record, "program": WRONG, "tests": "public"}))
        chosen = data(await session.call_tool("select", {"problem": record, "candidates": [
            WRONG, SUBTLE, str(tmp_path / "right.py"), RIGHT, RIGHT]}, progress_callback=on_progress))
        solved = data(await session.call_tool("solve", {"problem": str(PROBLEM_FILE), "n": 4, "rounds": 1,
                                                        "model": f"scripted:{SCRIPT}"}))
        typo = await session.call_tool("test", {"problem": {"statment": "x", "tests": []}, "program": RIGHT})
        missing = await session.call_tool("select", {"problem": record, "candidates": [RIGHT, "cand_a.py"]})
        return tools, accepted, rejected, chosen, solved, typo, missing

    tools, accepted, rejected, chosen, solved, typo, missing = asyncio.run(session_run(work))
    assert set(tools) == {"test", "select", "solve"}
    assert {"problem", "candidates"} <= set(tools["select"].input_schema["properties"]
                                             if hasattr(tools["select"], "input_schema")
                                             else tools["select"].inputSchema["properties"])
    assert accepted["accepted"] and accepted["verdict"] == "accepted" and accepted["passed"] == accepted["total"] > 2
    assert rejected["verdict"] == "wrong_answer" and rejected["total"] == 2
    assert all(t["verdict"] == "wrong_answer" and t["output"] for t in rejected["tests"])
    assert chosen["index"] in (2, 3, 4) and chosen["program"] == RIGHT
    assert chosen["summary"]["candidates"][0]["passes_public"] is False
    assert progress and any("stage" in (m or "") for _, m in progress)  # progress notifications came
    assert [v for v, _ in progress] == sorted(v for v, _ in progress)
    assert solved["program"] == RIGHT and len(solved["summary"]["candidates"]) == 4
    assert _is_error(typo) and "unknown field 'statment'" in typo.content[0].text
    assert _is_error(missing) and "'cand_a.py' looks like a file path" in missing.content[0].text


@pytest.mark.skipif(not hasattr(records, "DecidedBy"), reason="needs SolveResult.decided_by (contract 1, issue 10)")
@pytest.mark.timeout(300)
def test_select_says_how_it_decided():
    record = json.loads(PROBLEM_FILE.read_text())

    async def work(session):
        return data(await session.call_tool("select", {"problem": record, "candidates": [SUBTLE, RIGHT, RIGHT]}))

    chosen = asyncio.run(session_run(work))
    assert chosen["decided_by"] in {d.value for d in records.DecidedBy} - {"none"}
    assert chosen["index"] in (1, 2) and isinstance(chosen["undistinguished"], list)


def test_without_the_sdk_one_line_says_how_to_install(tmp_path):
    blocker = tmp_path / "mcp"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('blocked for this test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(tmp_path), str(ROOT))), "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "sstar", "mcp"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["error: sstar mcp needs the mcp package: pip install 'sstar[mcp]'"]


def test_a_misspelt_sandbox_fails_at_start():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "sstar", "mcp", "--sandbox", "podman"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown sandbox 'podman'")
