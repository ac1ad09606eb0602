import json

import pytest

from sstar.problem import (Difficulty, Platform, ProblemFormatError, TestType, encode_test_cases, load_problem,
                           load_problems, problem_from_dict)

from .conftest import PROBLEMS, sample_names

STDIN_TESTS = [{"input": "1 2\n", "output": "3\n", "testtype": "stdin"}]
FUNC_TESTS = [{"input": "[1, 2]\n3", "output": "[4, 5]", "testtype": "functional"}]


def official_record(**overrides):
    """A record shaped like the official code_generation_lite release."""
    record = {
        "question_title": "A + B", "question_content": "Add.", "platform": "atcoder", "question_id": "abc001_a",
        "contest_id": "abc001", "contest_date": "2023-05-06T00:00:00", "starter_code": "", "difficulty": "easy",
        "public_test_cases": json.dumps(STDIN_TESTS),
        "private_test_cases": encode_test_cases([{"input": "5 5\n", "output": "10\n", "testtype": "stdin"}]),
        "metadata": "{}",
    }
    record.update(overrides)
    return record


def test_official_format_with_compressed_private_tests():
    p = problem_from_dict(official_record())
    assert p.platform is Platform.ATCODER and p.difficulty is Difficulty.EASY
    assert p.test_type is TestType.STDIN
    assert [t.input for t in p.public_test_cases] == ["1 2\n"]
    assert [t.output for t in p.private_test_cases] == ["10\n"]
    assert len(p.tests("all")) == 2


def test_private_tests_as_plain_json_string_and_list():
    as_string = problem_from_dict(official_record(private_test_cases=json.dumps(STDIN_TESTS)))
    as_list = problem_from_dict(official_record(private_test_cases=STDIN_TESTS))
    assert as_string.private_test_cases == as_list.private_test_cases


def test_functional_problem_func_name_from_metadata_string_or_starter_code():
    starter = "class Solution:\n    def addAll(self, nums: List[int], k: int) -> List[int]:\n        "
    with_meta = problem_from_dict(official_record(platform="leetcode", starter_code=starter,
                                                  public_test_cases=FUNC_TESTS, private_test_cases=[],
                                                  metadata=json.dumps({"func_name": "addAll"})))
    from_starter = problem_from_dict(official_record(platform="leetcode", starter_code=starter,
                                                     public_test_cases=FUNC_TESTS, private_test_cases=[], metadata={}))
    assert with_meta.func_name == from_starter.func_name == "addAll"
    assert with_meta.test_type is TestType.FUNCTIONAL
    assert with_meta.public_test_cases[0].arguments() == ("[1, 2]", "3")


def test_unknown_platform_is_other_and_case_is_ignored():
    assert problem_from_dict(official_record(platform="Kattis")).platform is Platform.OTHER
    assert problem_from_dict(official_record(platform="CodeForces")).platform is Platform.CODEFORCES


def test_jsonl_loads_many_and_picks_by_id(tmp_path):
    path = tmp_path / "test.jsonl"
    path.write_text("\n".join(json.dumps(official_record(question_id=f"q{i}")) for i in range(3)) + "\n\n")
    assert [p.question_id for p in load_problems(path)] == ["q0", "q1", "q2"]
    assert load_problem(path, "q1").question_id == "q1"
    with pytest.raises(ProblemFormatError, match="holds 3 problems"):
        load_problem(path)
    with pytest.raises(ProblemFormatError, match="no problem with question_id 'zz'"):
        load_problem(path, "zz")


@pytest.mark.parametrize("line, fix, message", [
    ("{not json", None, r"line 2: invalid JSON"),
    (None, {"public_test_cases": "garbage!!"}, r"line 2: field 'public_test_cases'"),
    (None, {"public_test_cases": [{"input": "1", "testtype": "stdin"}]}, r"line 2: field 'public_test_cases.0.output'"),
    (None, {"public_test_cases": [{"input": "1", "output": "2", "testtype": "carrier-pigeon"}]},
     r"line 2: field 'public_test_cases.0.testtype'"),
    (None, {"metadata": "{broken"}, r"line 2: field 'metadata'"),
    ("[1, 2]", None, r"line 2: expected a JSON object"),
])
def test_malformed_jsonl_names_file_line_and_field(tmp_path, line, fix, message):
    path = tmp_path / "bad.jsonl"
    second = line if line is not None else json.dumps(official_record(**fix))
    path.write_text(json.dumps(official_record()) + "\n" + second + "\n")
    with pytest.raises(ProblemFormatError, match=message) as info:
        load_problems(path)
    assert str(path) in str(info.value)


def test_functional_arguments_must_be_json(tmp_path):
    bad = [{"input": "[1, 2\n3", "output": "1", "testtype": "functional"}]
    with pytest.raises(ProblemFormatError, match=r"public_test_cases\[0\].input: not JSON"):
        problem_from_dict(official_record(public_test_cases=bad, metadata={"func_name": "f"}))


def test_missing_file_and_bad_json_file(tmp_path):
    with pytest.raises(ProblemFormatError, match="no such file"):
        load_problem(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"question_id": "x",\n  oops}')
    with pytest.raises(ProblemFormatError, match=r"broken.json, line 2: invalid JSON"):
        load_problem(broken)


def test_per_problem_limits_from_metadata():
    p = problem_from_dict(official_record(metadata={"time_limit_s": 2, "memory_limit_mb": 256}))
    assert p.limit_overrides() == {"time_s": 2.0, "memory_mb": 256}


def test_samples_are_twelve_with_both_kinds_and_private_tests():
    problems = [load_problem(PROBLEMS / f"{n}.json") for n in sample_names()]
    kinds = [p.test_type for p in problems]
    assert kinds.count(TestType.STDIN) >= 6 and kinds.count(TestType.FUNCTIONAL) >= 6
    for p in problems:
        assert p.public_test_cases and p.private_test_cases, p.question_id
        if p.test_type is TestType.FUNCTIONAL:
            assert "class Solution" in p.starter_code and p.func_name


def test_metadata_limits_are_checked_on_load():
    from sstar.problem import ProblemFormatError, problem_from_dict

    base = {"question_id": "q", "public_test_cases": [{"input": "1", "output": "1", "testtype": "stdin"}]}
    ok = problem_from_dict({**base, "metadata": {"time_limit_s": "2.5", "memory_limit_mb": 64}})
    assert ok.limit_overrides() == {"time_s": 2.5, "memory_mb": 64}
    for metadata, why in [({"time_limit_s": "x"}, "must be a number"), ({"time_limit_s": 0}, "above 0"),
                          ({"time_limit_s": float("nan")}, "must be a number"), ({"time_limit_s": True}, "number"),
                          ({"memory_limit_mb": -1}, "at least 1"), ({"memory_limit_mb": 2 ** 40}, "at most")]:
        with pytest.raises(ProblemFormatError, match=why):
            problem_from_dict({**base, "metadata": metadata})


def test_deep_or_broken_json_anywhere_is_a_format_error(tmp_path):
    from sstar.problem import ProblemFormatError, load_problem

    deep = "[" * 100_000 + "]" * 100_000
    cases = {"a.json": deep, "b.jsonl": deep + "\n", "c.jsonl": b'{"question_id": "q"}\n\xff\n',
             "d.json": json.dumps({"question_id": "q", "metadata": deep})}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        with pytest.raises(ProblemFormatError):
            load_problem(path)
    with pytest.raises(ProblemFormatError, match="is a directory"):
        load_problem(tmp_path)
