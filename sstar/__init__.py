"""sstar: S* test-time scaling for code generation.

Importing sstar has no side effects: no process starts, nothing is read from
disk, until you ask for it.
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "Problem": "sstar.problem",
    "TestCase": "sstar.problem",
    "TestType": "sstar.problem",
    "ProblemFormatError": "sstar.problem",
    "load_problem": "sstar.problem",
    "load_problems": "sstar.problem",
    "Verdict": "sstar.judge.verdict",
    "TestResult": "sstar.judge.verdict",
    "JudgeReport": "sstar.judge.verdict",
    "run_tests": "sstar.judge.runner",
    "Limits": "sstar.sandbox.protocol",
    "Sandbox": "sstar.sandbox.protocol",
    "ExecRequest": "sstar.sandbox.protocol",
    "ExecResult": "sstar.sandbox.protocol",
    "LocalSandbox": "sstar.sandbox.local",
    "LocalSandboxConfig": "sstar.sandbox.local",
    "make_sandbox": "sstar.sandbox",
    "load_model": "sstar.models",
    "Model": "sstar.models",
    "Completion": "sstar.models",
    "Stage": "sstar.models",
    "ScriptedModel": "sstar.models",
    "ModelError": "sstar.models",
    "solve": "sstar.pipeline",
    "select": "sstar.pipeline",
    "test": "sstar.pipeline",
    "asolve": "sstar.pipeline",
    "aselect": "sstar.pipeline",
    "atest": "sstar.pipeline",
    "CandidateError": "sstar.pipeline",
    "InsideEventLoopError": "sstar.pipeline",
    "register_backend": "sstar.backends",
    "BackendError": "sstar.backends",
    "SStar": "sstar.pipeline",
    "SStarConfig": "sstar.pipeline",
    "SelectionMethod": "sstar.pipeline",
    "SolveResult": "sstar.pipeline",
    "DecidedBy": "sstar.pipeline.records",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sstar' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
