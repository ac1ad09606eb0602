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
import threading
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional

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


class _Starter:
    """Runs ``start`` (the sandbox's) in the background from the first program given: grading goes ahead on
    the workers as each comes up, the dataset goes on being read. What it raises is for ``check``, after
    the dataset is read (a bad record is the error to report first, as when the dataset was read first);
    once it has raised, nothing more is graded."""

    def __init__(self, start: Optional[Callable[[], None]]) -> None:
        self.start, self.error = start, None
        self.thread: Optional[threading.Thread] = None

    def __call__(self) -> bool:
        """False: the sandbox did not start, grade nothing."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="sstar-sandbox-start", daemon=True)
            self.thread.start()
        return self.error is None

    def _run(self) -> None:
        try:
            if self.start is not None:
                self.start()
        except Exception as exc:  # noqa: BLE001 - whatever it is, check() raises it
            self.error = exc

    def check(self) -> None:
        self()  # started even when no program was given: a sandbox that cannot start is still the error
        self.wait()
        if self.error is not None:
            raise self.error

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()


def task_id_to_question_id(task_id: str) -> str:
    return str(task_id).replace("/", "_")


class _Completion(str):
    """An evalplus completion: the body after the prompt, so the program is its problem's starter code and
    then this (known once the problem is read)."""


class Generations:
    """A generations file as read, before the dataset is: programs by question id, evalplus completions
    still to join to their problem's prompt, and LiveCodeBench's bare form (code lists in question-id order)
    still to map onto the dataset's ids."""

    def __init__(self, path: Path, kind: str, by_id: dict[str, list], bare: Optional[list] = None) -> None:
        self.path, self.kind, self.by_id, self.bare = path, kind, by_id, bare

    def programs(self, problem: Problem) -> list[Optional[str]]:
        """The programs given for this problem, as soon as it is read (none yet for the bare form)."""
        return [_program(code, problem) for code in self.by_id.get(problem.question_id, ())]

    def resolve(self, problems: dict[str, Problem]) -> dict[str, list[Optional[str]]]:
        """Every question id's programs, once the whole dataset is read."""
        if self.bare is not None:
            ids = sorted(problems, key=str)
            if len(ids) != len(self.bare):
                raise GenerationsError(f"{self.path}: {len(self.bare)} code lists for {len(ids)} problems; a bare list "
                                       "of code lists must have one per problem, in question-id order (as "
                                       "LiveCodeBench asks)")
            return {qid: list(codes) for qid, codes in zip(ids, self.bare)}
        return {qid: [_program(code, problems.get(qid)) for code in codes] for qid, codes in self.by_id.items()}


def _program(code, problem: Optional[Problem]) -> Optional[str]:
    if isinstance(code, _Completion):  # a completion continues the prompt: the program is prompt + completion
        return ((problem.starter_code if problem else "") + code) if code else None
    return code


def read_generations(path: Path, problems: dict[str, Problem]) -> tuple[dict[str, list[Optional[str]]], str]:
    """(programs per question id, the format recognised)."""
    generations = parse_generations(path)
    return generations.resolve(problems), generations.kind


def parse_generations(path: Path) -> Generations:
    """The file's programs and format, every check made that needs no problem (see ``Generations``)."""
    text = _text(path)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise GenerationsError(f"{path}: not a JSON array ({exc})") from None
        return _from_array(path, data)
    out: dict[str, list] = defaultdict(list)
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
            out[qid].append(rec["solution"] if "solution" in rec else _Completion(rec["completion"] or ""))
            kind = kind or "evalplus samples (task_id, solution/completion)"
        else:
            raise GenerationsError(f"{path}, line {number}: expected {{\"question_id\", \"code_list\"}} or evalplus's "
                                   f"{{\"task_id\", \"solution\" or \"completion\"}} (keys here: "
                                   f"{', '.join(sorted(rec)[:6])})")
    return Generations(path, kind, dict(out))


def _from_array(path: Path, data) -> Generations:
    if not isinstance(data, list) or not data:
        raise GenerationsError(f"{path}: an empty array")
    if all(isinstance(x, list) for x in data):
        # LiveCodeBench's bare form: code lists in the order of the benchmark sorted by question id.
        return Generations(path, "LiveCodeBench code lists (question-id order)", {}, data)
    out: dict[str, list] = {}
    for i, rec in enumerate(data):
        if not isinstance(rec, dict) or "question_id" not in rec or not isinstance(rec.get("code_list"), list):
            hint = (" (this is LiveCodeBench's metrics file: give the *_eval_all.json beside it)"
                    if path.name.endswith("_eval.json") else "")
            raise GenerationsError(f"{path}: item {i} is not {{\"question_id\", \"code_list\"}}{hint}")
        out.setdefault(str(rec["question_id"]), []).extend(rec["code_list"])
    graded = any("graded_list" in rec for rec in data)
    return Generations(path, "LiveCodeBench evaluation (eval_all)" if graded else
                       "LiveCodeBench generations (question_id, code_list)", out)


def score_generations(path: Path, problems: Mapping[str, Problem] | Iterable[Problem], sandbox: Sandbox,
                      ks: Iterable[int] = (1, 5, 10), partial: bool = False, dataset: str = "",
                      start: Optional[Callable[[], None]] = None) -> dict:
    """Grade the programs of a generations file on the dataset's hidden tests; pass@k by problem and overall.

    ``problems``: a dict by question id, or problems as they are read (``iter_dataset``): each one's programs
    are graded from the moment it is read, while the rest of the dataset is. ``start`` (the sandbox's
    start) is called once before the first program is graded. The errors are those of reading the whole
    dataset first, then starting the sandbox, then reading the generations, in that order, and raised
    before any summary exists: a bad record, a sandbox that cannot start, an unreadable file, problems
    without a generation (unless ``partial``)."""
    try:
        generations, unreadable = parse_generations(path), None
    except GenerationsError as exc:  # raised after the dataset's own errors, as when it was read first
        generations, unreadable = None, exc
    grader, started, replaced = Grader(sandbox, {}), _Starter(start), set()
    records = problems.values() if isinstance(problems, Mapping) else problems
    try:
        with grader.streaming() as grade:
            for problem in records:
                qid = problem.question_id
                if qid in grader.problems:
                    replaced.add(qid)  # a later record of an id wins, as in a dict of the dataset
                grader.problems[qid] = problem
                programs = generations.programs(problem) if generations else []
                if programs and started():
                    for code in programs:
                        grade(qid, code)
            started.check()
            if unreadable is not None:
                raise unreadable
            problems = grader.problems
            codes, kind = generations.resolve(problems), generations.kind
            unknown = sorted(q for q in codes if q not in problems)
            missing = sorted(q for q in problems if q not in codes)
            if missing and not partial:
                raise GenerationsError(f"{len(missing)} of {len(problems)} problems of the dataset have no "
                                       f"generation in {path.name} (first: {missing[0]}); LiveCodeBench requires one "
                                       "per problem: check --release and the date filters, or pass --partial to score "
                                       "only those given")
            if generations.bare is not None:  # known only now: the bare form's programs
                for qid, code_list in codes.items():
                    for code in code_list:
                        grade(qid, code)
    finally:
        started.wait()  # never left starting the sandbox while the caller, on an error, closes it
    for qid in replaced:  # graded (perhaps) on the record that was replaced: graded again below
        grader.forget(qid)
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
