import pytest

from sstar.pipeline.extract import extract_code


@pytest.mark.parametrize("answer, code", [
    ("Here:\n```python\nprint(1)\n```\nDone.", "print(1)\n"),
    ("Draft:\n```python\nprint(1)\n```\nFixed:\n```python\nprint(2)\n```", "print(2)\n"),   # the last block wins
    ("```\nx = int(input())\nprint(x)\n```", "x = int(input())\nprint(x)\n"),              # no language tag
    ("<think>```python\nprint('draft')\n```</think>\n```python\nprint(3)\n```", "print(3)\n"),  # thinking ignored
    ("```python\nimport sys\nprint(sum(map(int, sys.stdin.read().split())))\n", "import sys\nprint(sum(map(int, sys.stdin.read().split())))\n"),  # unclosed
    ("def f(a, b):\n    return a + b\n", "def f(a, b):\n    return a + b\n"),                # bare code
    ("```python\nprint(1)\n```\nExample output:\n```text\n1\n```", "print(1)\n"),            # output blocks skipped
])
def test_extracts(answer, code):
    assert extract_code(answer) == code


@pytest.mark.parametrize("answer", ["I am sorry, I cannot solve this.", "", "<think>```python\nprint(1)\n```",
                                    "The answer is 42.\n```text\n42\n```"])
def test_no_code_is_none(answer):
    assert extract_code(answer) is None
