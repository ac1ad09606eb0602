"""``sstar score --generations``: grade programs written by other tools, in the files those tools write.

- LiveCodeBench: the custom evaluator's input (a JSON array of ``{"question_id", "code_list"}``, or of code
  lists in question-id order), and its outputs ``*_codegeneration_output*.json`` / ``*_eval_all.json``
  (the same array, with ``output_list``, ``graded_list`` ... beside ``code_list``);
- evalplus ``samples.jsonl`` (``.jsonl.gz`` too): one ``{"task_id", "solution"}`` (a whole program) or
  ``{"task_id", "completion"}`` (the body after the prompt) per sample, several lines per task; ``HumanEval/0``
  and ``Mbpp/2`` are the ids ``sstar convert humaneval`` / MBPP give as ``HumanEval_0`` and ``Mbpp_2``;
- sstar's own JSONL: one ``{"question_id", "code_list"}`` per line.

Like LiveCodeBench, every problem of the dataset must have a generation; ``partial`` scores only those given.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional

from .. import __version__
from ..problem import Problem
from ..sandbox.protocol import Sandbox
from .score import Grader, breakdown, pass_at_k


class GenerationsError(ValueError):
    pass


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz" or raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GenerationsError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def task_id_to_question_id(task_id: str) -> str:
    return str(task_id).replace("/", "_")


def read_generations(path: Path, problems: dict[str, Problem]) -> tuple[dict[str, list[Optional[str]]], str]:
    """(programs per question id, the format recognised)."""
    text = _text(path)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise GenerationsError(f"{path}: not a JSON array ({exc})") from None
        return _from_array(path, data, problems)
    out: dict[str, list[Optional[str]]] = defaultdict(list)
    kind = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            raise GenerationsError(f"{path}, line {number}: not JSON") from None
        if not isinstance(rec, dict):
            raise GenerationsError(f"{path}, line {number}: expected a JSON object")
        if "question_id" in rec and isinstance(rec.get("code_list"), list):
            out[str(rec["question_id"])].extend(rec["code_list"])
            kind = kind or "sstar JSONL (question_id, code_list)"
        elif "task_id" in rec and ("solution" in rec or "completion" in rec):
            qid = task_id_to_question_id(rec["task_id"])
            if "solution" in rec:
                code = rec["solution"]
            else:  # a completion continues the prompt: the program is prompt + completion
                problem = problems.get(qid)
                code = ((problem.starter_code if problem else "") + rec["completion"]) if rec["completion"] else None
            out[qid].append(code)
            kind = kind or "evalplus samples (task_id, solution/completion)"
        else:
            raise GenerationsError(f"{path}, line {number}: expected {{\"question_id\", \"code_list\"}} or evalplus's "
                                   f"{{\"task_id\", \"solution\" or \"completion\"}} (keys here: "
                                   f"{', '.join(sorted(rec)[:6])})")
    return dict(out), kind


def _from_array(path: Path, data, problems: dict[str, Problem]) -> tuple[dict[str, list[Optional[str]]], str]:
    if not isinstance(data, list) or not data:
        raise GenerationsError(f"{path}: an empty array")
    if all(isinstance(x, list) for x in data):
        # LiveCodeBench's bare form: code lists in the order of the benchmark sorted by question id.
        ids = sorted(problems, key=str)
        if len(ids) != len(data):
            raise GenerationsError(f"{path}: {len(data)} code lists for {len(ids)} problems; a bare list of code "
                                   "lists must have one per problem, in question-id order (as LiveCodeBench asks)")
        return {qid: list(codes) for qid, codes in zip(ids, data)}, "LiveCodeBench code lists (question-id order)"
    out: dict[str, list[Optional[str]]] = {}
    for i, rec in enumerate(data):
        if not isinstance(rec, dict) or "question_id" not in rec or not isinstance(rec.get("code_list"), list):
            hint = (" (this is LiveCodeBench's metrics file: give the *_eval_all.json beside it)"
                    if path.name.endswith("_eval.json") else "")
            raise GenerationsError(f"{path}: item {i} is not {{\"question_id\", \"code_list\"}}{hint}")
        out.setdefault(str(rec["question_id"]), []).extend(rec["code_list"])
    graded = any("graded_list" in rec for rec in data)
    return out, "LiveCodeBench evaluation (eval_all)" if graded else "LiveCodeBench generations (question_id, code_list)"


def score_generations(path: Path, problems: dict[str, Problem], sandbox: Sandbox, ks: Iterable[int] = (1, 5, 10),
                      partial: bool = False, dataset: str = "") -> dict:
    codes, kind = read_generations(path, problems)
    unknown = sorted(q for q in codes if q not in problems)
    missing = sorted(q for q in problems if q not in codes)
    if missing and not partial:
        raise GenerationsError(f"{len(missing)} of {len(problems)} problems of the dataset have no generation in "
                               f"{path.name} (first: {missing[0]}); LiveCodeBench requires one per problem: check "
                               "--release and the date filters, or pass --partial to score only those given")
    grader = Grader(sandbox, problems)
    grader.prefetch((qid, code) for qid, code_list in codes.items() for code in code_list)
    rows = []
    for qid, code_list in codes.items():
        if qid not in problems:
            continue
        verdicts = [grader.passes(qid, code) for code in code_list]
        problem = problems[qid]
        row = {"question_id": qid, "difficulty": problem.difficulty.value if problem.difficulty else None,
               "platform": problem.platform.value, "n": len(code_list), "correct": sum(verdicts)}
        for k in ks:
            if k <= len(code_list):
                row[f"pass@{k}"] = pass_at_k(len(code_list), sum(verdicts), k)
        rows.append(row)
    methods = {f"pass@{k}": breakdown([r for r in rows if f"pass@{k}" in r], f"pass@{k}")
               for k in ks if any(f"pass@{k}" in r for r in rows)}
    return {"generations": str(path), "format": kind, "dataset": dataset, "problems": len(rows),
            "missing": missing, "unknown_ids": unknown, "methods": methods, "rows": rows,
            "meta": {"sstar_version": __version__, "model": path.stem, "dataset": Path(dataset).name, "problems": len(rows)}}
