"""Reading the small models shipped as JSON in ``models/`` (sentiment, ticket kind)."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .errors import ModelError

M = TypeVar("M")


def read_json_model(file: Path, from_dict: Callable[[dict], M], what: str, missing: str,
                    train_command: str) -> M:
    """Load ``file`` through ``from_dict``; a missing or damaged file is a :class:`ModelError`
    whose message names ``train_command``."""
    if not file.is_file():
        raise ModelError(missing.format(path=file))
    try:
        return from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The {what} model {file} is damaged ({exc}).\n"
                         f"Fix: retrain it with\n\n    {train_command}\n") from None
