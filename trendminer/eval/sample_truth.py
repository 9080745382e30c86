"""The sample's planted truth: each ticket's kind, as the generator decided it.

``data/samples/generate_sample.py`` draws every ticket's problem type (and so its kind)
before it writes any text; replaying its first, cheap steps with the same seeds gives the
kind of every ticket number without writing a file.
"""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@lru_cache(maxsize=1)
def sample_kinds(folder: str | None = None) -> dict[str, str]:
    """``ticket number -> failure | howto | request`` for ``data/samples/servicenow_incidents.csv``.

    Parameters
    ----------
    folder : str, optional
        The folder holding ``generate_sample.py`` (default: the repository's ``data/samples``).

    Returns
    -------
    dict
        Empty when the generator is not there (an installed package without the repository).
    """
    import numpy as np

    where = Path(folder) if folder else SAMPLES
    script = where / "generate_sample.py"
    if not script.is_file():
        return {}
    sys.path.insert(0, str(where))
    try:
        spec = importlib.util.spec_from_file_location("_trendminer_generate_sample", script)
        gen = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(gen)
        rng = np.random.default_rng(gen.SEED)
        gen.build_callers(rng)
        tickets = gen.plan(rng)
        extra = gen.knowledge.extra_tickets(np.random.default_rng(gen.KNOWLEDGE_SEED), gen.office_time)
    finally:
        sys.path.remove(str(where))
    return {t["number"]: t["kind"] for t in tickets + extra}


__all__ = ["sample_kinds"]
