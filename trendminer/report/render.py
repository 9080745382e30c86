"""Render view models to self-contained HTML and write the exports, atomically.

The Jinja environment autoescapes everything and fails on undefined names. Files are
written to a temporary folder beside the target and renamed into place, so a reader never
sees half a report set.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import jinja2

from ..errors import OUTPUT_UNWRITABLE, PUBLISH_FAILED, TrendminerError
from .deskexport import write_desk_exports
from .export import write_exports
from .views import Builder

log = logging.getLogger(__name__)


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


PAGES = {"index.html": "index", "digest.html": "digest", "topics.html": "topics", "systems.html": "systems",
         "pain-points.html": "pain_points", "knowledge.html": "knowledge", "desk.html": "desk"}


def render_pages(builder: Builder) -> dict[str, str]:
    """Render the six pages; returns ``{file name: html}``."""
    env = environment()
    return {name: env.get_template(name).render(view=getattr(builder, method)())
            for name, method in PAGES.items()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_LITTER = re.compile(r"^\.\d{4}-\d{2}-\d{2}\.(?:tmp-(?P<pid>\d+)-.*|old|[a-z0-9_]{8})$")

#: the file inside a temporary report folder (and a night's folder moved aside) that says
#: trendminer made it: only folders holding it are ever removed
MARKER = ".trendminer-temporary"


def _mark(folder: Path) -> None:
    (folder / MARKER).write_text("made by trendminer while writing reports; removed when done\n", encoding="utf-8")


def _restore(old: Path, target: Path) -> None:
    """Move the night's previous reports back in place, without the mark of the move."""
    os.rename(old, target)
    (target / MARKER).unlink(missing_ok=True)


def remove_litter(out_dir: Path) -> list[Path]:
    """Remove the hidden temporary report folders that killed runs left in ``out_dir``.

    Only folders that trendminer marked as its own (a :data:`MARKER` file inside) are removed:
    a ``.<date>.tmp-<pid>-*`` folder when its process no longer runs (or is this one: it writes
    one report set at a time and has not started this one yet), and a ``.<date>.old`` folder
    (the night's previous reports, moved aside by a run killed before its commit), which is
    moved back instead when ``<date>`` is missing. A folder of the user that happens to have
    such a name (``.2026-10-30.mybackup``) is never touched. Returns the folders removed.
    """
    removed, unmarked = [], []
    try:
        entries = list(Path(out_dir).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _LITTER.match(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink():
            continue
        if match["pid"] and int(match["pid"]) != os.getpid() and _pid_alive(int(match["pid"])):
            continue
        marked = (entry / MARKER).is_file()
        home = entry.with_name(entry.name[1:-len(".old")])
        if entry.name.endswith(".old") and not home.exists() and (marked or (entry / "manifest.json").is_file()):
            try:   # a run was killed while the night's previous reports were moved aside
                os.rename(entry, home)
                (home / MARKER).unlink(missing_ok=True)
                log.warning("restored the reports %s that a killed run had moved aside", home)
                continue
            except OSError:
                pass
        if not marked:
            unmarked.append(entry.name)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    if removed:
        log.warning("removed %d temporary report folder(s) left by killed runs in %s: %s", len(removed),
                    out_dir, ", ".join(p.name for p in removed))
    if unmarked:
        log.info("left alone in %s (named like trendminer's temporary folders, but not marked as made by it): %s",
                 out_dir, ", ".join(sorted(unmarked)))
    return removed


def write_reports(builder: Builder, out_dir: Path, before_publish: Callable[[], None] = lambda: None,
                  committed_note: str = "") -> Path:
    """Write briefs and exports to ``out_dir/<as-of>/``, replacing an earlier set atomically.

    Everything is rendered into a temporary folder first and the previous folder of the
    night is moved aside; only then does ``before_publish`` (the state commit) run, and the
    new folder is renamed into place. A failure before the commit restores the previous
    folder and changes nothing; a failure after it says what was committed.
    ``committed_note`` describes what the commit wrote, for that message.
    Returns the folder written.
    """
    target = Path(out_dir) / str(builder.as_of.date())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_litter(target.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
        _mark(tmp)
    except OSError as exc:
        raise TrendminerError(OUTPUT_UNWRITABLE.format(folder=target.parent, reason=_reason(exc))) from None
    old = target.with_name(f".{target.name}.old")
    moved_aside = False
    try:
        for name, html in render_pages(builder).items():
            (tmp / name).write_text(html, encoding="utf-8")
        write_exports(builder.d, tmp)
        write_desk_exports(builder.d, tmp)
        (tmp / "manifest.json").write_text(json.dumps(builder.d.manifest, indent=2, sort_keys=True,
                                                      default=str), encoding="utf-8")
        os.chmod(tmp, 0o755)
        if target.exists() or target.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
            os.rename(target, old)
            moved_aside = True
            _mark(old)
    except BaseException as exc:
        if moved_aside:
            _restore(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise TrendminerError(OUTPUT_UNWRITABLE.format(folder=target.parent, reason=_reason(exc))) from None
        raise
    try:
        before_publish()
    except BaseException:
        if moved_aside:
            _restore(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        os.rename(tmp, target)
    except OSError as exc:
        if moved_aside:
            try:
                _restore(old, target)
            except OSError:
                pass
        raise TrendminerError(PUBLISH_FAILED.format(folder=target, tmp=tmp, reason=_reason(exc),
                                                    committed=committed_note or "this night's results",
                                                    as_of=target.name)) from None
    (target / MARKER).unlink(missing_ok=True)   # the published folder holds the reports only
    shutil.rmtree(old, ignore_errors=True)
    return target


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
