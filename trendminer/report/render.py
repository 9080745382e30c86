"""Render view models to self-contained HTML and write the exports, atomically.

The Jinja environment autoescapes everything and fails on undefined names. Files are
written to a temporary folder beside the target and renamed into place, so a reader never
sees half a report set.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import jinja2

from ..errors import OUTPUT_UNWRITABLE, TrendminerError
from .export import write_exports
from .views import Builder


def environment() -> jinja2.Environment:
    """The one Jinja environment: package templates, autoescape on, StrictUndefined."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("trendminer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


PAGES = {"index.html": "index", "digest.html": "digest", "systems.html": "systems",
         "pain-points.html": "pain_points", "knowledge.html": "knowledge"}


def render_pages(builder: Builder) -> dict[str, str]:
    """Render the five pages; returns ``{file name: html}``."""
    env = environment()
    return {name: env.get_template(name).render(view=getattr(builder, method)())
            for name, method in PAGES.items()}


def write_reports(builder: Builder, out_dir: Path, before_publish: Callable[[], None] = lambda: None) -> Path:
    """Write briefs and exports to ``out_dir/<as-of>/``, replacing an earlier set atomically.

    Everything is rendered into a temporary folder first; ``before_publish`` (the state
    commit) runs after rendering succeeded and before the folder is renamed into place.
    Returns the folder written.
    """
    target = Path(out_dir) / str(builder.as_of.date())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise TrendminerError(OUTPUT_UNWRITABLE.format(folder=target.parent, reason=exc.strerror)) from None
    try:
        for name, html in render_pages(builder).items():
            (tmp / name).write_text(html, encoding="utf-8")
        write_exports(builder.d, tmp)
        (tmp / "manifest.json").write_text(json.dumps(builder.d.manifest, indent=2, sort_keys=True,
                                                      default=str), encoding="utf-8")
        os.chmod(tmp, 0o755)
        before_publish()
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise TrendminerError(OUTPUT_UNWRITABLE.format(folder=target.parent, reason=exc.strerror)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
