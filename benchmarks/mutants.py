"""Single-site AST mutants of a correct program: the classic bugs a model makes.

Off-by-one constants, flipped comparisons, changed boundaries (``range`` ends,
``<`` vs ``<=``), swapped arithmetic, ``min``/``max``. A mutant is useful for a
selection pool when it still passes the public tests but fails hidden ones.
"""

from __future__ import annotations

import ast
from typing import Iterator

_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}


class _Mutator(ast.NodeTransformer):
    """Applies mutation number ``target`` (counting sites in walk order)."""

    def __init__(self, target: int, delta: int) -> None:
        self.target, self.delta, self.seen = target, delta, 0

    def _hit(self) -> bool:
        self.seen += 1
        return self.seen - 1 == self.target

    def visit_Compare(self, node):
        self.generic_visit(node)
        if type(node.ops[0]) in _CMP and self._hit():
            node.ops = [_CMP[type(node.ops[0])]()] + node.ops[1:]
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if type(node.op) in _BIN and self._hit():
            node.op = _BIN[type(node.op)]()
        return node

    def visit_Constant(self, node):
        if isinstance(node.value, int) and not isinstance(node.value, bool) and self._hit():
            return ast.copy_location(ast.Constant(node.value + self.delta), node)
        return node

    def visit_Name(self, node):
        if node.id in ("min", "max") and isinstance(node.ctx, ast.Load) and self._hit():
            return ast.copy_location(ast.Name("max" if node.id == "min" else "min", node.ctx), node)
        return node


def mutants(code: str, limit: int = 40) -> Iterator[str]:
    """Distinct compilable single-site mutants, up to ``limit``."""
    try:
        ast.parse(code)
    except SyntaxError:
        return
    seen = {ast.unparse(ast.parse(code))}
    produced = 0
    for delta in (1, -1):
        target = 0
        while produced < limit:
            mutator = _Mutator(target, delta)
            tree = mutator.visit(ast.parse(code))
            if mutator.seen <= target:
                break
            target += 1
            text = ast.unparse(ast.fix_missing_locations(tree))
            if text in seen:
                continue
            seen.add(text)
            produced += 1
            yield text + "\n"
