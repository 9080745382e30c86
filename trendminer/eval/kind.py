"""``trendminer eval kind``: how often the ticket kind is right, on labelled tickets.

Three kinds of labelled data:

- **the sample** (``data/samples/servicenow_incidents.csv``): the generator's own kind of
  every ticket (:mod:`trendminer.eval.sample_truth`), scored through the nightly path (the
  text rules, the category, the shipped classifier where neither decides);
- **the Endava tickets** (``../shared/data/endava-tickets/all_tickets.csv``; real help-desk
  tickets with the desk's ``ticket_type``: 0 = incident, 1 = request; not shipped): a seeded,
  stratified held-out split. The desk is simulated labelling the other part: a per-desk head
  (:mod:`trendminer.desk_kind`) is fitted on it and scored on the held-out part, next to the
  generic rules and shipped classifier on the same part. Scored as failure vs request: an
  incident predicted as a how-to question counts as "not a request";
- **any labelled CSV** (``PATH --text-col --label-col``): labels are read like an export's type
  field (:func:`trendminer.ingest.kinds.label_of`, plus ``ingest.kind_values``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ..clean import embed_text
from ..config import Settings
from ..desk_kind import fit_desk_head
from ..errors import InputError
from ..kind import KINDS, kind_probabilities, load_model
from ..kind_rules import text_rule
from ..signals import kind_from
from .data import SAMPLES, cached_encode, shared_data_dir
from .sentiment import classification_scores

ENDAVA = Path("endava-tickets") / "all_tickets.csv"
ENDAVA_LABELS = {"0": "incident", "1": "request"}


@dataclass
class KindScores:
    """Accuracy, macro-F1 and per-class figures of one method on one data set."""

    data: str
    method: str
    tickets: int
    accuracy: float
    macro_f1: float
    per_class: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Human-readable lines."""
        head = (f"{self.data} | {self.method}: {self.tickets} tickets, accuracy {self.accuracy:.3f}, "
                f"macro-F1 {self.macro_f1:.3f}")
        per = [f"    {k:8s} F1 {v['f1']:.3f}  precision {v['precision']:.3f}  recall {v['recall']:.3f}  "
               f"support {v['support']}" for k, v in self.per_class.items()]
        extra = [f"    {k}: {v}" for k, v in self.extra.items()]
        return [head, *per, *extra]

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"data": self.data, "method": self.method, "tickets": self.tickets, "accuracy": self.accuracy,
                "macro_f1": self.macro_f1, "per_class": self.per_class, **self.extra}


def _scores(data: str, method: str, truth: np.ndarray, pred: np.ndarray, labels: tuple[str, ...],
            extra: dict | None = None) -> KindScores:
    s = classification_scores(list(truth), list(pred), labels)
    return KindScores(data, method, len(truth), s.accuracy, s.macro_f1, s.per_class, extra or {})


def generic_kinds(titles: list[str], bodies: list[str], categories: list[str], encode, embedder_name: str,  # noqa: ANN001
                  settings: Settings, cache: str | Path | None) -> np.ndarray:
    """The nightly path without export labels: rules, category, then the shipped classifier
    (at ``signals.kind_min_probability``) for the tickets neither decides, else failure."""
    raw = [f"{t}\n{d}" for t, d in zip(titles, bodies)]
    decided = [kind_from(text_rule(r), c) for r, c in zip(raw, categories)]
    kinds = np.array([k for k, _ in decided], dtype=object)
    default = np.array([s == "default" for _, s in decided])
    model = load_model()
    if default.any() and (not model.embedder or embedder_name.startswith(model.embedder)):
        max_chars = int(settings["embed"]["max_chars"])
        texts = [embed_text(t, d, max_chars) for t, d, k in zip(titles, bodies, default) if k]
        proba = kind_probabilities(cached_encode(texts, encode, embedder_name, cache), model)
        sure = proba.max(axis=1) >= float(settings["signals"]["kind_min_probability"])
        kinds[np.where(default)[0][sure]] = np.asarray(KINDS, dtype=object)[proba.argmax(axis=1)[sure]]
    return kinds


def resolve_labels(labels: np.ndarray, rules: list[str]) -> np.ndarray:
    """Export-style labels as kinds: ``incident`` is how-to where the text rule says so, else failure.

    Examples
    --------
    >>> resolve_labels(np.array(["incident", "incident", "request"]), ["howto", "", "failure"]).tolist()
    ['howto', 'failure', 'request']
    """
    return np.array([("howto" if r == "howto" else "failure") if lab == "incident" else lab
                     for lab, r in zip(labels, rules)], dtype=object)


def sample_scores(settings: Settings, encode, embedder_name: str, cache: str | Path | None) -> KindScores | None:  # noqa: ANN001
    """The nightly kinds of the sample against the generator's truth (None without the generator)."""
    from ..pipeline import load_tickets
    from .sample_truth import sample_kinds

    truth = sample_kinds()
    path = SAMPLES / "servicenow_incidents.csv"
    if not truth or not path.is_file():
        return None
    tickets = load_tickets([path], settings).tickets
    y = tickets["ticket_id"].map(truth).to_numpy(dtype=object)
    pred = generic_kinds(tickets["title"].tolist(), tickets["description"].tolist(), tickets["category"].tolist(),
                         encode, embedder_name, settings, cache)
    return _scores("sample (generator truth)", "rules + category + shipped classifier", y, pred, KINDS)


def read_endava(path: str | Path) -> pd.DataFrame:
    """``title``, ``body`` and ``label`` (incident / request) of the Endava tickets.

    Raises
    ------
    InputError
        If a column is missing or a ``ticket_type`` is not 0 or 1 (naming the row).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("title", "body", "ticket_type") if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: no column(s) {missing}; expected the Endava export (title, body, ticket_type).")
    bad = ~frame["ticket_type"].isin(list(ENDAVA_LABELS))
    if bad.any():
        row = int(np.where(bad)[0][0]) + 2
        raise InputError(f"{path}, row {row}, column ticket_type: {frame['ticket_type'][bad].iloc[0]!r} "
                         "is not 0 (incident) or 1 (request).")
    return pd.DataFrame({"title": frame["title"], "body": frame["body"],
                         "label": frame["ticket_type"].map(ENDAVA_LABELS)})


def endava_scores(data_dir: str | Path | None, settings: Settings, encode, embedder_name: str,  # noqa: ANN001
                  cache: str | Path | None, held_out: float = 0.2,
                  labelled: tuple[float, ...] = (1.0,)) -> list[KindScores] | None:
    """Generic vs per-desk head on a held-out split of the Endava tickets (None when absent).

    ``labelled``: fractions of the non-held-out part the simulated desk labels (1.0 = all of it).
    """
    found = shared_data_dir(data_dir, holds="endava-tickets")
    if found is None:
        return None
    frame = read_endava(found / ENDAVA)
    seed = int(settings["topics"]["random_state"])
    train, test = train_test_split(np.arange(len(frame)), test_size=held_out, random_state=seed,
                                   stratify=frame["label"])
    titles, bodies = frame["title"].tolist(), frame["body"].tolist()
    rules = [text_rule(f"{t}\n{b}") for t, b in zip(titles, bodies)]
    truth = np.where(frame["label"].to_numpy() == "request", "request", "failure")
    labels2 = ("failure", "request")

    def binary(kinds: np.ndarray) -> np.ndarray:
        return np.where(kinds == "request", "request", "failure")

    name = f"Endava held-out {held_out:.0%} ({len(test)} tickets)"
    generic = generic_kinds([titles[i] for i in test], [bodies[i] for i in test], [""] * len(test),
                            encode, embedder_name, settings, cache)
    out = [_scores(name, "generic: rules + shipped classifier", truth[test], binary(generic), labels2)]
    max_chars = int(settings["embed"]["max_chars"])
    vectors = cached_encode([embed_text(t, b, max_chars) for t, b in zip(titles, bodies)], encode, embedder_name, cache)
    labels = frame["label"].to_numpy(dtype=object)
    rng = np.random.default_rng(seed)
    for fraction in labelled:
        fit = train if fraction >= 1 else np.sort(rng.choice(train, size=max(int(fraction * len(train)), 10),
                                                             replace=False))
        head = fit_desk_head(vectors[fit], [rules[i] for i in fit], labels[fit], random_state=seed,
                             embedder=embedder_name)
        pred = resolve_labels(head.predict(vectors[test], [rules[i] for i in test]), [rules[i] for i in test])
        out.append(_scores(name, f"desk head fitted on {len(fit)} labelled tickets", truth[test], binary(pred),
                           labels2, {"cross-validated on its labelled tickets": head.cv}))
    return out


def labelled_scores(path: str | Path, text_col: str, label_col: str, settings: Settings, encode,  # noqa: ANN001
                    embedder_name: str, cache: str | Path | None) -> KindScores:
    """The generic kinds of a labelled CSV against its labels (read like an export's type field)."""
    from ..ingest.kinds import label_of, value_map

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in (text_col, label_col):
        if col not in frame.columns:
            raise InputError(f"{path}: no column {col!r} (columns: {', '.join(frame.columns)}).")
    custom = value_map(settings["ingest"]["kind_values"])
    labels = frame[label_col].map(lambda v: label_of(v, custom)).to_numpy(dtype=object)
    unknown = np.where(labels == "")[0]
    if len(unknown):
        row = int(unknown[0]) + 2
        raise InputError(f"{path}, row {row}, column {label_col}: {frame[label_col].iloc[unknown[0]]!r} names no kind; "
                         "use failure / howto / request / incident, or map it with --set "
                         "'ingest.kind_values=[\"value=kind\"]'.")
    texts = frame[text_col].tolist()
    pred = generic_kinds(texts, [""] * len(texts), [""] * len(texts), encode, embedder_name, settings, cache)
    truth = resolve_labels(labels, [text_rule(t) for t in texts])
    return _scores(str(path), "rules + shipped classifier", truth, pred, KINDS)


__all__ = ["KindScores", "endava_scores", "generic_kinds", "kind_command", "labelled_scores", "read_endava", "resolve_labels",
           "sample_scores"]


def kind_command(settings: Settings, path: str | None, text_col: str, label_col: str, data_dir: str | None,
                 held_out: float, labelled: tuple[float, ...], cache_dir: str | None,
                 as_json: bool) -> tuple[list[str], list[str]]:
    """What ``trendminer eval kind`` prints (lines for stdout, notes for stderr)."""
    import json
    import tempfile

    from ..embed import make_embedder

    if not 0 < held_out < 1 or not labelled or any(not 0 < f <= 1 for f in labelled):
        raise InputError("--held-out must be between 0 and 1 and --labelled shares in (0, 1], e.g. 0.2,1")
    embedder = make_embedder(settings, progress=False)
    cache = cache_dir or str(Path(tempfile.gettempdir()) / "trendminer-kind")
    results: list[KindScores] = []
    notes: list[str] = []
    if path:
        results.append(labelled_scores(path, text_col, label_col, settings, embedder.encode, embedder.name, cache))
    else:
        sample = sample_scores(settings, embedder.encode, embedder.name, cache)
        if sample is None:
            notes.append("skipped: the sample's generator (data/samples/generate_sample.py) is not here")
        else:
            results.append(sample)
        endava = endava_scores(data_dir, settings, embedder.encode, embedder.name, cache, held_out, labelled)
        if endava is None:
            notes.append("skipped: endava-tickets/ not found (pass --data to the folder that holds it, "
                         "e.g. ../shared/data); it is not shipped with trendminer")
        else:
            results.extend(endava)
    lines = [json.dumps(r.to_dict()) for r in results] if as_json else [x for r in results for x in r.lines()]
    return lines, notes
