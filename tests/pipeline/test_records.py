"""Round verdicts are the grader's verdicts plus NO_CODE: one family, JSON round-trip, old traces readable."""

import json

import pytest

from sstar.judge import Verdict
from sstar.pipeline import RoundRecord, RoundVerdict
from sstar.pipeline.records import TestRecord


def test_every_grader_verdict_is_a_round_verdict_with_the_same_name_and_value():
    assert [(r.name, r.value) for r in RoundVerdict][:-1] == [(v.name, v.value) for v in Verdict]
    assert RoundVerdict.NO_CODE.value == "no_code" and RoundVerdict.NO_CODE.verdict is None
    for verdict in Verdict:
        assert RoundVerdict.of(verdict).verdict is verdict
        assert RoundVerdict.of(verdict) == verdict.value  # str enum: JSON writes the same text


@pytest.mark.parametrize("verdict", list(RoundVerdict))
def test_a_round_record_round_trips_through_json(verdict):
    record = RoundRecord(1, None if verdict is RoundVerdict.NO_CODE else "print(1)", verdict, 0, 2,
                         (TestRecord(RoundVerdict.of(Verdict.WRONG_ANSWER), 0.1, "expected 2"),), "feedback", True)
    back = RoundRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    assert back == record and back.verdict is verdict and back.tests[0].verdict is RoundVerdict.WRONG_ANSWER


def test_a_trace_written_before_the_derivation_still_reads():
    old = {"round": 0, "code": None, "verdict": "no_code", "passed": 0, "total": 3,
           "tests": [{"verdict": "time_limit", "time_s": 4.0, "message": ""}], "feedback": "no code", "cut_by_length": True}
    record = RoundRecord.from_dict(old)
    assert record.verdict is RoundVerdict.NO_CODE and record.tests[0].verdict is RoundVerdict.TIME_LIMIT
    assert record.to_dict() == old
    with pytest.raises(ValueError):
        RoundVerdict("accepted_maybe")


def test_every_way_a_choice_can_be_decided_has_its_own_phrase():
    from sstar.pipeline.records import DecidedBy
    from sstar.pipeline.summary import PHRASES

    assert set(PHRASES) == {d.value for d in DecidedBy}
