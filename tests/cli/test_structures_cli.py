"""A LeetCode linked-list problem from the command line: test, select without a model, solve with a scripted one."""

import json

import pytest

from sstar.datasets.leetcode import convert_record

from ..conftest import SHARED_DATA
from .test_agents_cli import sstar

TASK = "weekly-contest-358-double-a-number-represented-as-a-linked-list"
GOOD = ("class Solution:\n    def doubleIt(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
        "        digits = []\n        while head:\n            digits.append(head.val)\n            head = head.next\n"
        "        out, carry = None, 0\n        for d in reversed(digits):\n            carry, d = divmod(2 * d + carry, 10)\n"
        "            out = ListNode(d, out)\n        out = ListNode(carry, out) if carry else out\n"
        "        return out\n")
# Right on the examples (three digits) and on the set's hidden tests (at most two); on a longer number it
# returns a list whose end links back to its head: a cycle.
CYCLE_WHEN_LONG = GOOD.replace("        return out\n", "        if len(digits) > 5:\n            out.next.next = out\n"
                               "        return out\n")
ALWAYS_CYCLE = GOOD.replace("        return out\n", "        out.next = out\n        return out\n")
assert CYCLE_WHEN_LONG != GOOD != ALWAYS_CYCLE


@pytest.fixture
def problem_file(tmp_path):
    path = SHARED_DATA / "leetcode_contests_2023-07_2023-10.jsonl"
    if not path.exists():
        pytest.skip("../shared/data is not beside this checkout")
    record = next(json.loads(line) for line in path.read_text().splitlines() if TASK in line)
    out = tmp_path / "double.json"
    out.write_text(json.dumps(convert_record(record)))
    return out


def test_sstar_test_grades_linked_list_results(problem_file, tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "cycle.py").write_text(ALWAYS_CYCLE)
    accepted = sstar("test", str(tmp_path / "good.py"), str(problem_file), "--json")
    assert accepted.returncode == 0 and json.loads(accepted.stdout)["passed"] == 100, accepted.stderr[-2000:]
    failed = sstar("test", str(tmp_path / "cycle.py"), str(problem_file), "--json")
    report = json.loads(failed.stdout)
    assert failed.returncode == 1 and report["verdict"] == "runtime_error"
    assert any("cycle" in t["message"] for t in report["tests"])


def test_select_without_a_model_and_solve_with_a_scripted_one(problem_file, tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "cycle.py").write_text(CYCLE_WHEN_LONG)
    out = tmp_path / "select.json"
    chosen = sstar("select", str(problem_file), str(tmp_path / "cycle.py"), str(tmp_path / "good.py"),
                   str(tmp_path / "good.py"), "--json", "--out", str(out))
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    assert json.loads(chosen.stdout)["index"] in (1, 2)
    # Told apart on synthesized numbers of up to 10^4 digits ("[1, 104]" in the scraped statement)
    trace = json.loads(out.read_text())
    assert sorted(map(len, trace["clusters"])) == [1, 2]
    assert max(len(json.loads(s["text"])) for s in trace["synthesized_inputs"]) > 1000
    script = tmp_path / "answers.jsonl"
    script.write_text("".join(json.dumps({"stage": "generate", "text": f"```python\n{code}```"}) + "\n"
                              for code in (CYCLE_WHEN_LONG, GOOD, GOOD))
                      + json.dumps({"stage": "default", "text": "no idea"}) + "\n")
    solved = sstar("solve", str(problem_file), "--model", f"scripted:{script}", "--n", "3", "--rounds", "1",
                   "--out", str(out))
    assert solved.returncode == 0 and solved.stdout == GOOD, solved.stderr[-2000:]
    trace = json.loads(out.read_text())
    assert sorted(map(len, trace["clusters"])) == [1, 2]
