"""What a program may see of the host: an allow-list, not a deny-list.

Under bubblewrap the sandbox's root is an empty tmpfs into which only these
are bound, read-only: the interpreter, its standard library (without its
site-packages), the shared libraries the interpreter and its extension
modules link against, ``/etc/ld.so.cache``, ``/dev/{null,zero,urandom}``, a
``/proc`` of the sandbox's own PID namespace, and the worker's ``/tmp`` (the
test's input and scratch directory). The worker's own code, the seccomp
bindings and the cgroup hierarchies sit under ``/.sstar``, which only root
(the worker, never a program) can enter. Nothing of the checkout, the data,
``/home``, ``/opt``, ``/srv``, ``/mnt``, ``/var`` or the caller's working
directory is there, whatever they are.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .view_cache import cached, strings

PRIVATE_DIR = "/.sstar"  # root-only: worker code, seccomp bindings, cgroup mounts
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")
EXTRA_FILES = ("/etc/ld.so.cache",)

_PROBE = (
    "import json, sys, sysconfig\n"
    "p = sysconfig.get_paths()\n"
    "print(json.dumps({'executable': sys.executable, 'stdlib': p['stdlib'], 'platstdlib': p['platstdlib'],"
    " 'purelib': p['purelib'], 'platlib': p['platlib'], 'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'),"
    " 'version': '%d.%d' % sys.version_info[:2], 'prefix': sys.prefix}))\n"
)


@dataclass(frozen=True)
class Interpreter:
    executable: str
    stdlib: str
    platstdlib: str
    site_dirs: tuple[str, ...]
    ext_suffix: str
    version: str


@functools.lru_cache(maxsize=8)
def describe_interpreter(python: str) -> Interpreter:
    """Where ``python`` keeps its standard library and site-packages (asks it once; remembered on disk)."""

    def ask() -> tuple[dict, list[str]]:
        out = subprocess.run([python, "-I", "-S", "-c", _PROBE], capture_output=True, text=True, timeout=60,
                             check=True)
        info = json.loads(out.stdout)
        found = {"executable": os.path.realpath(python), "stdlib": os.path.realpath(info["stdlib"]),
                 "platstdlib": os.path.realpath(info["platstdlib"]),
                 "site_dirs": list(dict.fromkeys(os.path.realpath(p) for p in (info["purelib"], info["platlib"]))),
                 "ext_suffix": info["ext_suffix"] or ".so", "version": info["version"]}
        prefix = os.path.realpath(info["prefix"])
        # A venv's answers come from its pyvenv.cfg; a replaced interpreter changes the binary's stamp.
        return found, [python, found["executable"], os.path.join(prefix, "pyvenv.cfg"), found["stdlib"],
                       found["platstdlib"], *found["site_dirs"]]

    found = cached("interpreter", [python], ask, lambda v: isinstance(v, dict) and all(
        isinstance(v.get(k), str) for k in ("executable", "stdlib", "platstdlib", "ext_suffix", "version"))
        and strings(v.get("site_dirs")))
    return Interpreter(found["executable"], found["stdlib"], found["platstdlib"], tuple(found["site_dirs"]),
                       found["ext_suffix"], found["version"])


def shared_libraries(binaries: list[str]) -> list[str]:
    """Every shared library the binaries load, by the paths the dynamic loader uses."""
    libs: dict[str, None] = {}
    for chunk in range(0, len(binaries), 64):
        out = subprocess.run(["ldd", *binaries[chunk:chunk + 64]], capture_output=True, text=True).stdout
        for path in re.findall(r"(?:=> |^\s+)(/\S+) \(0x", out, flags=re.M):
            if os.path.exists(path):
                libs[path] = None
    return list(libs)


def _walk(roots: Iterable[str], skip: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(the extension modules under ``roots``, every directory walked); ``skip``: directories left out."""
    modules, walked = [], []
    for root in dict.fromkeys(roots):
        for dirpath, dirnames, filenames in os.walk(root):
            walked.append(dirpath)
            dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
            modules += [os.path.join(dirpath, f) for f in filenames if ".so" in f]
    return sorted(modules), walked


@functools.lru_cache(maxsize=8)
def visible_paths(python: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(paths bound read-only at the same place, site directories masked by empty ones); remembered on disk
    (see :mod:`.view_cache`): a new process starts its sandbox without running ``ldd`` again."""
    interp = describe_interpreter(python)

    def compute() -> tuple[list, list[str]]:
        modules, walked = _walk((interp.stdlib, interp.platstdlib), interp.site_dirs)
        modules = [m for m in modules if m.endswith(".so")]
        libs = shared_libraries([interp.executable, *modules])
        binds = [interp.executable, interp.stdlib, interp.platstdlib, *libs]
        binds += [p for p in EXTRA_FILES if os.path.exists(p)]
        masked = [d for d in interp.site_dirs if os.path.isdir(d)
                  and any(d.startswith(s.rstrip("/") + "/") for s in (interp.stdlib, interp.platstdlib))]
        return [list(dict.fromkeys(binds)), masked], [interp.executable, *walked, *modules, *libs, *EXTRA_FILES]

    binds, masked = cached("view", [python, interp.executable], compute,
                           lambda v: isinstance(v, list) and len(v) == 2 and strings(v[0]) and strings(v[1]))
    return tuple(binds), tuple(masked)


_PACKAGE_PROBE = (
    "import importlib.util, json, sys\n"
    "spec = importlib.util.find_spec(sys.argv[1])\n"
    "print(json.dumps(None if spec is None else [spec.origin, list(spec.submodule_search_locations or [])]))\n"
)


@functools.lru_cache(maxsize=64)
def package_paths(python: str, package: str) -> tuple[str, ...]:
    """What importing ``package`` needs, as ``python`` finds it: its directory (or module file), a vendored
    ``<name>.libs`` beside it, and the shared libraries its extension modules link against."""
    interp = describe_interpreter(python)

    def compute() -> tuple[list | None, list[str]]:
        out = subprocess.run([python, "-I", "-c", _PACKAGE_PROBE, package], capture_output=True, text=True,
                             timeout=60)
        found = json.loads(out.stdout or "null") if out.returncode == 0 else None
        if not found:
            raise ValueError(f"the sandbox interpreter {python} has no package {package!r}")
        origin, locations = found
        roots = [os.path.realpath(p) for p in locations] or [os.path.realpath(origin)]
        paths = list(roots)
        for root in roots:
            vendored = f"{root}.libs" if os.path.isdir(root) else ""
            if vendored and os.path.isdir(vendored):
                paths.append(vendored)
        extensions, walked = _walk(r for r in roots if os.path.isdir(r))
        libs = shared_libraries(extensions) if extensions else []
        # Installing or removing a package changes a site directory: where it is found may change too.
        return list(dict.fromkeys(paths + libs)), [interp.executable, *interp.site_dirs, *roots, *paths, *walked,
                                                    *extensions, *libs, *EXTRA_FILES]

    return tuple(cached("package", [python, interp.executable, package], compute, strings))


def find_seccomp_bindings(python: str) -> str | None:
    """libseccomp's compiled Python module for ``python``'s ABI, if one is installed anywhere we know."""
    interp = describe_interpreter(python)
    name = "seccomp" + interp.ext_suffix
    places = [*interp.site_dirs, "/usr/lib/python3/dist-packages", f"/usr/local/lib/python{interp.version}/dist-packages",
              f"/usr/lib/python{interp.version}/dist-packages"]
    for place in places:
        candidate = Path(place) / name
        if candidate.is_file():
            return str(candidate)
    return None


def bwrap_view(python: str, worker_dir: str, seccomp: str | None, packages: tuple[str, ...] = ()) -> list[str]:
    """The bubblewrap arguments that build the allow-listed root (plus the packages asked for)."""
    binds, masked = visible_paths(python)
    extra = [p for package in packages for p in package_paths(python, package)]
    argv = ["--tmpfs", "/", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", "/dev", "--tmpfs", "/dev/shm"]
    for device in DEVICES:
        argv += ["--dev-bind", device, device]
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        argv += ["--symlink", target, f"/dev/{name}"]
    # Parents made traversable first (bubblewrap would copy /root's 0700 and lock the program's uid out).
    parents = sorted({str(p) for path in binds for p in Path(path).parents if str(p) != "/"},
                     key=lambda p: p.count("/"))
    for parent in parents:
        argv += ["--perms", "0755", "--dir", parent]
    for path in binds:
        argv += ["--ro-bind", path, path]
    for directory in masked:
        argv += ["--tmpfs", directory]
    for path in extra:  # after the masks: a package inside a masked site-packages comes back alone
        argv += ["--ro-bind", path, path]
    argv += ["--perms", "0700", "--dir", PRIVATE_DIR, "--ro-bind", worker_dir, f"{PRIVATE_DIR}/worker"]
    if seccomp:
        argv += ["--ro-bind", seccomp, f"{PRIVATE_DIR}/{os.path.basename(seccomp)}"]
    return argv
