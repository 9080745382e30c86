"""trendminer: help-desk ticket exports in, problem topics, system rankings and HTML briefs out.

The public API is what ``__all__`` lists; everything else may move. Heavy modules are
imported on first use, so ``trendminer --help`` stays fast.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "pipeline", "replay": "pipeline", "RunReport": "pipeline",
    "load_settings": "config", "Settings": "config",
    "TrendminerError": "errors", "InputError": "errors", "ConfigError": "errors",
    "StateError": "errors", "ModelError": "errors",
    "TopicClusterer": "cluster", "evaluate_topics": "eval.topics",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'trendminer' has no attribute {name!r}")
