"""Errors that cross module boundaries, so callers can tell a failed run from a finished one."""

from __future__ import annotations


class GenerationFailed(RuntimeError):
    """Every generation call of a problem failed (server down, rejected request, ...): nothing was solved.

    The message is the first call's error text. ``sstar bench`` records such a problem as failed (retried on
    resume), never as finished without a program.
    """
