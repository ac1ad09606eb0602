"""LeetCode's ``ListNode`` / ``TreeNode`` arguments and return values, as LeetCode's own judge handles them.

A test gives such an argument in LeetCode's list encoding (a linked list's values in order, a tree's
values in level order with ``null`` for a missing child) and expects a returned one in that encoding
too. The starter code's signature says which arguments are structures (``head: Optional[ListNode]``,
``lists: List[Optional[ListNode]]``, ``root: TreeNode``). ``with_structures`` appends to the program a
wrapper around the called function that, on the outermost call only (recursive calls of the method see
real nodes), builds those arguments from their lists (``null`` -> None) and turns a returned node, or a
list of them, back into the encoding (a tree's trailing ``null``s dropped, as LeetCode prints them).
A returned structure with a cycle or more than ``MAX_NODES`` nodes is a runtime error that says so
(LeetCode: "Found cycle in the ListNode"), never a hang; a subtree shared by two parents is printed
twice, as LeetCode prints it.

The nodes are built from the program's own ``ListNode``/``TreeNode`` class where it defines one, else
from LeetCode's definitions, which the sandbox's prelude provides (starter code usually has them
commented out, and programs use the names without defining them).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from ..sandbox.guest._sstar_entry import appended, with_entry

MAX_NODES = 2_000_000
"""The most nodes a returned structure may have (LeetCode's largest inputs are about 10^5)."""

ERROR_NAME = "StructureError"
"""The exception a malformed argument or an unserializable returned structure raises in the program."""

_CHECK_FILE = "<sstar: ListNode/TreeNode arguments>"
_CACHE = "_sstar_structure_wrappers"  # on sys: {source: code object}, compiled once per sandbox process

WRAPPER_SOURCE = with_entry('''
def __sstar_structures(name, params, returns, limit):
    # From sstar's judge (sstar/judge/structures.py): arguments typed ListNode/TreeNode arrive in
    # LeetCode's list encoding; returned nodes leave in it.
    import builtins, functools
    from collections import deque

    namespace = globals()

    class StructureError(Exception):
        pass

    # A traceback's last line (what the verdict shows) reads "StructureError: ...", not a dotted local path.
    StructureError.__module__, StructureError.__qualname__ = "builtins", "StructureError"

    def node_class(kind):
        cls_name = "ListNode" if kind == "list" else "TreeNode"
        cls = namespace.get(cls_name) or getattr(builtins, cls_name, None)
        if cls is None:
            raise StructureError("no %s class to build the argument from" % cls_name)
        return cls

    def build(kind, value, where):
        if value is None:
            return None
        if not isinstance(value, list):
            raise StructureError("%s is not a list in LeetCode's encoding of a %s: %.60r"
                                 % (where, "ListNode" if kind == "list" else "TreeNode", value))
        cls = node_class(kind)
        if kind == "list":
            head = None
            for v in reversed(value):
                node = cls(v)
                node.next = head
                head = node
            return head
        if not value or value[0] is None:
            return None
        def make(v):
            node = cls(v)  # LeetCode's old TreeNode(x) and today's TreeNode(val=0, left=None, right=None) alike
            node.left = node.right = None
            return node

        root = make(value[0])
        parents, i = deque([root]), 1
        while i < len(value):
            if not parents:
                raise StructureError("%s: a child listed after the last node that can hold it" % where)
            parent = parents.popleft()
            for side in ("left", "right"):
                if i < len(value) and value[i] is not None:
                    child = make(value[i])
                    setattr(parent, side, child)
                    parents.append(child)
                i += 1
        return root

    def argument(kind, value, where):
        if kind.endswith("[]"):
            if not isinstance(value, list):
                raise StructureError("%s is not a list of structures: %.60r" % (where, value))
            return [build(kind[:-2], v, "%s[%d]" % (where, i)) for i, v in enumerate(value)]
        return build(kind, value, where)

    def is_tree(node):
        return hasattr(node, "val") and hasattr(node, "left") and hasattr(node, "right")

    def is_list(node):
        return hasattr(node, "val") and hasattr(node, "next") and not is_tree(node)

    def serialize(node, kind):
        if node is None:
            return []
        seen, out = {}, []  # id -> node: the node kept alive, so that its id cannot be reused by another
        if kind == "list":
            while node is not None:
                if id(node) in seen:
                    raise StructureError("the returned linked list has a cycle (node %d links back to an "
                                         "earlier node)" % len(out))
                if len(out) >= limit:
                    raise StructureError("the returned linked list has more than %d nodes" % limit)
                seen[id(node)] = node
                out.append(node.val)
                node = node.next
            return out
        check_acyclic(node)
        queue, count = deque([node]), 0
        while queue:
            node = queue.popleft()
            if node is None:
                out.append(None)
                continue
            count += 1
            if count > limit:  # a subtree shared many times over unfolds into more nodes than it holds
                raise StructureError("the returned tree has more than %d nodes" % limit)
            out.append(node.val)
            queue.append(node.left)
            queue.append(node.right)
        while out and out[-1] is None:
            out.pop()
        return out

    def check_acyclic(root):
        # A subtree shared by two parents is printed twice, as LeetCode's serializer prints it (memoized
        # solutions build such trees); a node that is its own descendant is an error. Depth first, with
        # the nodes on the current path marked 1 and the finished ones 2 (kept alive in `keep`, so ids
        # are not reused).
        state, keep, stack = {}, [], [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if node is None:
                continue
            key = id(node)
            if leaving:
                state[key] = 2
                continue
            if state.get(key) == 1:
                raise StructureError("the returned tree has a cycle (a node is its own descendant)")
            if state.get(key) == 2:
                continue
            state[key] = 1
            keep.append(node)
            if len(keep) > limit:
                raise StructureError("the returned tree has more than %d nodes" % limit)
            stack += [(node, True), (node.right, False), (node.left, False)]

    def result(value, declared):
        # A node is serialized whatever the annotation says; None is an empty structure where one is declared.
        if value is None:
            return [] if declared else None
        if is_tree(value):
            return serialize(value, "tree")
        if is_list(value):
            return serialize(value, "list")
        if isinstance(value, list) and declared.endswith("[]"):
            return [result(v, declared[:-2]) for v in value]
        return value

    depth = [0]

    def structured(function, bound):
        shift = 0 if bound else 1  # an unbound method gets self first

        @functools.wraps(function)
        def call(*args, **kwargs):
            if depth[0] == 0:
                args = list(args)
                for i, kind in enumerate(params):
                    if kind and i + shift < len(args):
                        args[i + shift] = argument(kind, args[i + shift], "argument %d" % (i + 1))
            depth[0] += 1
            try:
                value = function(*args, **kwargs)
            finally:
                depth[0] -= 1
            return result(value, returns) if depth[0] == 0 else value
        return call

    __sstar_wrap_entry(name, structured)

''')


@dataclass(frozen=True)
class NodeKinds:
    """Which arguments (by position) and which return value are structures: ``list``, ``tree``, or
    ``list[]`` / ``tree[]`` for a list of them; "" for a plain value."""

    params: tuple[str, ...]
    returns: str

    def __bool__(self) -> bool:
        return any(self.params) or bool(self.returns)


def kind_of(annotation: str) -> str:
    """``list``, ``tree``, ``list[]``, ``tree[]`` or "" for an annotation's text."""
    text = annotation.replace("typing.", "").replace(" ", "")
    base = "list" if "ListNode" in text else "tree" if "TreeNode" in text else ""
    if base and text.lower().startswith(("list[", "optional[list[")):
        base += "[]"
    return base


def _parse(starter_code: str):
    code = starter_code.rstrip()
    for attempt in (code, code + "\n        pass", code + "\n    pass"):
        try:
            return ast.parse(attempt)
        except SyntaxError:
            continue
    return None


@functools.lru_cache(maxsize=256)
def node_kinds(starter_code: str, func_name: str) -> NodeKinds:
    """The structures in the signature of ``func_name`` in the starter code (falsy: none)."""
    tree = _parse(starter_code) if "ListNode" in starter_code or "TreeNode" in starter_code else None
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.FunctionDef) and node.name == func_name:
            args = [a for a in node.args.args if a.arg not in ("self", "cls")]
            params = tuple(kind_of(ast.unparse(a.annotation)) if a.annotation else "" for a in args)
            return NodeKinds(params, kind_of(ast.unparse(node.returns)) if node.returns else "")
    return NodeKinds((), "")


@functools.lru_cache(maxsize=64)
def with_structures(code: str, func_name: str, kinds: NodeKinds, max_nodes: int = MAX_NODES) -> str:
    """``code`` with the wrapper that builds and serializes the structures ``kinds`` names (unchanged when
    it names none). Appended, so the program's line numbers stay what they are."""
    if not kinds:
        return code
    return appended(code, WRAPPER_SOURCE, _CHECK_FILE, _CACHE,
                    f"__sstar_structures({func_name!r}, {list(kinds.params)!r}, {kinds.returns!r}, {max_nodes})")


def wrap_for(code: str, problem) -> str:
    """``code`` with the wrapper for the structures in ``problem``'s signature: what grading and the runs on
    synthesized inputs both send (a ``Problem``; unchanged when the signature names none)."""
    return with_structures(code, problem.func_name, node_kinds(problem.starter_code, problem.func_name))
