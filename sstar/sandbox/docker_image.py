"""The sandbox image, built with no registry: ``docker import`` of a root filesystem taken from this host.

The filesystem holds Debian's Python (interpreter, standard library, the shared libraries it and its
extension modules link against), a minimal ``/etc``, and the worker in ``/opt/sstar``. The tag is a
hash of all of that, so a build is skipped when the image is already there (``force`` rebuilds).
``sandbox/Dockerfile`` (built from the checkout's root) builds an equivalent image for users with a registry.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .isolation import worker_source

log = logging.getLogger(__name__)

REPOSITORY = "sstar-sandbox"
PYTHON = "/usr/bin/python3.11"
WORKER_DIR = "/opt/sstar"
# libseccomp's Python bindings (Debian's python3-seccomp; libseccomp linked in statically).
SECCOMP_BINDINGS = "/usr/lib/python3/dist-packages/seccomp.cpython-311-x86_64-linux-gnu.so"
SECCOMP_IN_IMAGE = f"{WORKER_DIR}/seccomp.cpython-311-x86_64-linux-gnu.so"
SKIP_DIRS = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "__pycache__", "config-3.11-x86_64-linux-gnu"}
PASSWD = "root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:65000:65000:sandbox:/tmp:/usr/sbin/nologin\n"
GROUP = "root:x:0:\nsandbox:x:65000:\n"


class ImageError(RuntimeError):
    pass


def _libraries(binaries: list[str]) -> set[str]:
    """Every shared library the binaries need, by the paths ldd resolves (and their symlink targets)."""
    libs: set[str] = set()
    for binary in binaries:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        for path in re.findall(r"(/\S+\.so[\w.]*)", out):
            if os.path.exists(path):
                libs.add(path)
                libs.add(os.path.realpath(path))
    return libs


def _stdlib_files(stdlib: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(stdlib):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and d != "dist-packages" and d != "site-packages"]
        out += [Path(root) / f for f in files]
    return sorted(out)


def rootfs_files(python: str = PYTHON) -> tuple[list[Path], Path]:
    if not os.path.exists(python):
        raise ImageError(f"building the image offline needs Debian's {python} (apt-get install python3); "
                         "with a registry, build sandbox/Dockerfile instead (docker build -f sandbox/Dockerfile .)")
    if not os.path.exists(SECCOMP_BINDINGS):
        raise ImageError(f"building the image needs libseccomp's Python bindings at {SECCOMP_BINDINGS} "
                         "(apt-get install python3-seccomp)")
    stdlib = Path("/usr/lib") / Path(python).name
    if not stdlib.is_dir():
        raise ImageError(f"no standard library at {stdlib}")
    files = _stdlib_files(stdlib)
    dynload = [str(p) for p in files if p.suffix == ".so"]
    libs = _libraries([os.path.realpath(python)] + dynload + [SECCOMP_BINDINGS])
    etc_python = Path("/etc") / Path(python).name
    extra = [Path(p) for p in sorted(libs)] + ([p for p in etc_python.rglob("*") if p.is_file()] if etc_python.is_dir() else [])
    return [Path(python)] + files + extra, stdlib


def image_tag(files: list[Path]) -> str:
    digest = hashlib.sha256()
    worker_dir = worker_source().parent
    for path in sorted(worker_dir.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(b"seccomp:" + Path(SECCOMP_BINDINGS).read_bytes())
    for path in files:
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode = tarfile.DIRTYPE, mode
    tar.addfile(info)


def write_rootfs(path: Path, files: list[Path], python: str) -> None:
    # Dereferenced: a library reached through a symlink is stored as the file itself, at every path ldd uses.
    with tarfile.open(path, "w", dereference=True) as tar:
        for directory in ("tmp", "proc", "dev", "sys", "etc", "opt", "opt/sstar", "usr", "usr/bin", "root"):
            # /opt/sstar (the worker and the bindings) is root's only: a program has no business there.
            _add_dir(tar, directory, {"tmp": 0o1777, "opt/sstar": 0o700, "root": 0o700}.get(directory, 0o755))
        _add_bytes(tar, "etc/passwd", PASSWD.encode())
        _add_bytes(tar, "etc/group", GROUP.encode())
        added = set()
        for src in files:
            if str(src) in added:
                continue
            added.add(str(src))
            tar.add(str(src), arcname=str(src).lstrip("/"), recursive=False)
        if Path(python).name != "python3":
            info = tarfile.TarInfo("usr/bin/python3")
            info.type, info.linkname = tarfile.SYMTYPE, Path(python).name
            tar.addfile(info)
        for module in sorted(worker_source().parent.glob("*.py")):
            _add_bytes(tar, f"{WORKER_DIR.lstrip('/')}/{module.name}", module.read_bytes())
        _add_bytes(tar, SECCOMP_IN_IMAGE.lstrip("/"), Path(SECCOMP_BINDINGS).read_bytes(), 0o644)


def build_image(client, force: bool = False, python: str = PYTHON) -> str:
    """The image reference ``sstar-sandbox:TAG``, built if missing (or if ``force``)."""
    files, _ = rootfs_files(python)
    reference = f"{REPOSITORY}:{image_tag(files)}"
    if not force:
        try:
            client.images.get(reference)
            return reference
        except Exception:  # noqa: BLE001 - docker.errors.ImageNotFound; anything else surfaces below
            pass
    with tempfile.TemporaryDirectory() as tmp:
        tarball = Path(tmp) / "rootfs.tar"
        write_rootfs(tarball, files, python)
        log.warning("importing the sandbox image %s (%d MB)", reference, tarball.stat().st_size >> 20)
        repository, tag = reference.split(":")
        client.api.import_image(src=str(tarball), repository=repository, tag=tag)
    return reference
