"""Run ``trendminer run`` in this process and SIGKILL it at one chosen point (test helper).

Usage: python tests/fault_run.py POINT -- <trendminer run arguments>
POINT is one of: ingest, embed, topics, commit, report, none; or ``slow`` (not killed, but
holding the state lock 15 s longer, to test concurrent runs).
"""
from __future__ import annotations

import os
import signal
import sys


def _die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    point, args = sys.argv[1], sys.argv[3:]
    import trendminer.pipeline as pipeline
    import trendminer.report.render as render
    from trendminer.store import State

    if point == "ingest":
        pipeline.read_exports = _die
    elif point == "embed":
        pipeline.embed_cached = _die
    elif point == "topics":
        pipeline.topics = _die
    elif point == "commit":
        State.commit = _die
    elif point == "slow":
        import time

        original_topics = pipeline.topics

        def slow_topics(*args, **kwargs):
            time.sleep(15)
            return original_topics(*args, **kwargs)
        pipeline.topics = slow_topics
    elif point == "report":
        original = render.write_exports

        def half_written(data, folder):
            original(data, folder)
            _die()
        render.write_exports = half_written
    from trendminer.cli import cli

    cli(["run", *args], prog_name="trendminer")


if __name__ == "__main__":
    main()
