"""What every program finds already imported: LiveCodeBench's prelude, made resolvable at no per-test cost."""

from __future__ import annotations

# Modules a forked program gets for free (already imported, so the fork is
# cheap) -- the same set LiveCodeBench's grader prepends to every program.
PRELUDE = """\
from string import *
from re import *
from datetime import *
from collections import *
from heapq import *
from bisect import *
from copy import *
from math import *
from random import *
from statistics import *
from itertools import *
from functools import *
from operator import *
from io import *
from sys import *
from json import *
from builtins import *
from typing import *
import string, re, datetime, collections, heapq, bisect, copy, math, random
import statistics, itertools, functools, operator, io, sys, json, typing
"""
# LeetCode's definitions, which its judge provides: starter code has them commented out and programs use
# the names without defining them (a program that defines its own shadows these).
LEETCODE_CLASSES = """\
class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right
"""
EXTRA_PRELOAD = ("decimal", "fractions", "array", "dataclasses", "enum", "threading",
                 "traceback", "atexit", "fcntl", "shutil", "types")


def install_prelude() -> None:
    """Make the prelude's names resolvable in every program, at no per-test cost.

    They go into the builtins (where a name is not a builtin already, which is
    the effect of the prelude's final ``from builtins import *``). Copying them
    into each program's globals instead would touch ~600 objects after every
    fork -- about 1 ms of copy-on-write faults per test on a small VM.
    """
    import builtins

    names: dict = {}
    exec(PRELUDE, names)
    exec(LEETCODE_CLASSES, names)
    for key, value in names.items():
        if not key.startswith("__"):
            builtins.__dict__.setdefault(key, value)
