"""Helpers shared by the commands: the options solve, select and bench share (and, from ``console``, the consoles
and the bad-input exit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from ..pipeline.config import SStarConfig
from .console import EXIT_BAD_INPUT, fail, print_error, stderr_console  # noqa: F401 - used by the commands


def read_program(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a directory, not a program")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")


# -- options shared by solve, select and bench (contract: the same flags everywhere) ----------------------
JudgeModelOption = Annotated[Optional[str], typer.Option(
    "--judge-model", help="The model that writes test inputs, predicts outputs and judges pairs "
    "(default: the --model). Same names as --model.")]
JudgeBaseUrlOption = Annotated[Optional[str], typer.Option(
    "--judge-base-url", help="OpenAI-compatible server of the judge model (its first model if no --judge-model).")]
SetOption = Annotated[Optional[List[str]], typer.Option(
    "--set", help="KEY=VALUE for any SStarConfig field (repeatable; VALUE as JSON, else text). Keys: "
    + ", ".join(SStarConfig.model_fields) + " (README: 'Every setting').")]
ConfigFileOption = Annotated[Optional[Path], typer.Option(
    "--config", help="A JSON or TOML file of SStarConfig fields (flags and --set override it).")]
TemperatureOption = Annotated[Optional[float], typer.Option("--temperature", min=0, help="Sampling temperature.")]
TopPOption = Annotated[Optional[float], typer.Option("--top-p", min=0, max=1, help="Nucleus sampling.")]
StopOption = Annotated[Optional[List[str]], typer.Option("--stop", help="A stop string (repeatable).")]


def _config_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    try:
        if path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as exc:
        fail(f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'JSON'}: {exc}")
    if not isinstance(data, dict):
        fail(f"{path}: must hold an object of SStarConfig fields")
    return data


def build_config(config_file: Optional[Path] = None, sets: Optional[List[str]] = None,
                 stop: Optional[List[str]] = None, **flags: Any):
    """``--config FILE``, then ``--set KEY=VALUE``, then the command's own flags; a bad key or value exits 2."""
    from pydantic import ValidationError

    fields = SStarConfig.model_fields
    data = _config_file(config_file) if config_file is not None else {}
    for item in sets or ():
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            fail(f"--set {item!r}: use KEY=VALUE")
        try:
            data[key] = json.loads(value)
        except ValueError:
            data[key] = value
    unknown = sorted(set(data) - set(fields))
    if unknown:
        fail(f"unknown config key {unknown[0]!r}; known keys: {', '.join(fields)}")
    data.update({k: v for k, v in flags.items() if v is not None})
    if stop:
        data["stop"] = list(stop)
    try:
        return SStarConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        fail(f"bad config value for {where}: {err['msg']} (got {err.get('input')!r})")


def model_options(model: Optional[str], base_url: Optional[str], role: str = "model") -> tuple[Optional[str], dict]:
    """A model name and its options from ``--model``/``--base-url`` (or the judge's pair of flags)."""
    from ..models import ModelError

    if base_url and not model:
        from ..pipeline.api import served_model

        try:
            model = f"openai:{served_model(base_url)}"
        except ModelError as exc:
            fail(f"{role}: {exc}")
    return model, ({"base_url": base_url} if base_url else {})
