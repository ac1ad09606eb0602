"""Model backends behind one protocol: openai, transformers (with the embedded SmolLM2), scripted."""

from .base import ModelBase, ModelError, split_thinking
from .protocol import Completion, FinishReason, Message, Model, SamplingParams, Stage, Usage
from .registry import load_model
from .scripted import ScriptedModel

__all__ = ["Completion", "FinishReason", "Message", "Model", "ModelBase", "ModelError", "SamplingParams",
           "ScriptedModel", "Stage", "Usage", "load_model", "split_thinking"]
