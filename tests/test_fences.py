"""Fenced blocks in a model's answer: tags, several blocks, fences inside prose, and no quadratic rescans."""

import pytest

from sstar.fences import extract_blocks, fenced_blocks


@pytest.mark.parametrize("answer, blocks", [
    ("Here:\n```python\nprint(1)\n```\nDone.", [("python", "print(1)\n")]),
    ("```Python3 title\nx\n```", [("python3", "x\n")]),  # tag lower-cased, the rest of the line dropped
    ("```  c++\nint x;\n```", [("c++", "int x;\n")]),
    ("inline ```json\n[1]\n``` and ```\n2\n```", [("json", "[1]\n"), ("", "2\n")]),  # fences mid-line
    ("```py\na```b\n```", [("py", "a")]),  # closes at the first ``` after the opening line
    ("````\nx\n````", [("", "x\n")]),  # a fourth backtick: the opening line's, then the body's end
    ("```py```\nbody\n```", [("py", "body\n")]),
    ("```python\nunclosed", []),
    ("no newline ```python", []),
    ("<think>```py\ndraft\n```</think>```py\nfinal\n```", [("py", "final\n")]),
])
def test_fenced_blocks(answer, blocks):
    assert fenced_blocks(answer) == blocks


def test_blocks_filtered_by_language():
    answer = "```python\na\n```\n```text\nb\n```\n```\nc\n```"
    assert extract_blocks(answer) == ["a\n", "b\n", "c\n"]
    assert extract_blocks(answer, {"python", ""}) == ["a\n", "c\n"]


@pytest.mark.timeout(10)
def test_long_runs_of_backticks_are_linear():
    # A regex rescanned the rest of the line from every backtick: 20k backticks 0.13 s, 200k about 13 s.
    assert fenced_blocks("`" * 200_000) == []
    assert fenced_blocks("`" * 200_000 + "\n" + "x" * 200_000) == []  # an opening line, no closer
    many = "```py\n1\n```\n" * 20_000
    assert len(fenced_blocks(many)) == 20_000
