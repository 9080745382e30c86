"""``trendminer eval attribution``: precision and recall of system attribution on hand labels.

The labels are the slice ``data/samples/attribution_labels.csv`` of the bundled sample.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .data import SAMPLES

ATTRIBUTION_LABELS = SAMPLES / "attribution_labels.csv"
SAMPLE_EXPORT = SAMPLES / "servicenow_incidents.csv"
SAMPLE_CATALOGUE = SAMPLES / "systems.csv"



@dataclass(frozen=True)
class AttributionScores:
    """Precision and recall of system attribution against hand labels.

    ``precision`` = correct attributions / tickets attributed to a catalogued system;
    ``recall`` = correct attributions / tickets whose true system is catalogued.
    """

    precision: float
    recall: float
    labelled: int
    attributed: int
    truly_catalogued: int
    correct: int
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"precision {self.precision:.3f}  ({self.correct} correct / {self.attributed} attributed)",
               f"recall    {self.recall:.3f}  ({self.correct} correct / {self.truly_catalogued} "
               f"tickets about a catalogued system)",
               f"labelled tickets: {self.labelled}"]
        for source, s in sorted(self.by_source.items()):
            out.append(f"  via {source:<9} {s['attributed']:>4} attributed, {s['correct']:>4} correct")
        return out


def read_attribution_labels(path: str | Path = ATTRIBUTION_LABELS) -> pd.DataFrame:
    """Read the hand labels: columns ``ticket_id`` and ``true_system``.

    Raises
    ------
    InputError
        On a missing file or missing columns.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"Attribution labels {path} not found.") from None
    missing = {"ticket_id", "true_system"} - set(frame.columns)
    if missing:
        raise InputError(f"Attribution labels {path}: missing columns {sorted(missing)}.")
    return frame


def attribution_scores(predicted: pd.DataFrame, labels: pd.DataFrame, catalogued: Sequence[str],
                       unattributed: str = "(unattributed)") -> AttributionScores:
    """Compare an :data:`~trendminer.schema.Attribution` frame with hand labels.

    A ticket counts as attributed when its predicted system is a catalogued name; a raw CI
    value that matches no catalogue entry, or the unattributed bucket, is not an attribution.

    Parameters
    ----------
    predicted : Attribution
        ``ticket_id``, ``system``, ``source``.
    labels : pandas.DataFrame
        ``ticket_id``, ``true_system`` (a catalogue name or ``unattributed``).
    catalogued : sequence of str
        The catalogue's system names.

    Returns
    -------
    AttributionScores

    Examples
    --------
    >>> pred = pd.DataFrame({"ticket_id": ["1", "2", "3"], "system": ["A", "B", "(unattributed)"],
    ...                      "source": ["field", "fuzzy", "none"]})
    >>> gold = pd.DataFrame({"ticket_id": ["1", "2", "3"], "true_system": ["A", "A", "B"]})
    >>> s = attribution_scores(pred, gold, ["A", "B"])
    >>> s.precision, s.recall
    (0.5, 0.3333)
    """
    names = set(catalogued)
    merged = labels.merge(predicted[["ticket_id", "system", "source"]], on="ticket_id", how="inner")
    if len(merged) < len(labels):
        missing = sorted(set(labels["ticket_id"]) - set(merged["ticket_id"]))
        raise InputError(f"{len(missing)} labelled tickets are not in the export, e.g. {missing[:3]}.")
    attributed = merged["system"].isin(names)
    truly = merged["true_system"].isin(names) & (merged["true_system"] != unattributed)
    correct = attributed & (merged["system"] == merged["true_system"])
    by_source: dict[str, dict[str, int]] = {}
    for source, group in merged[attributed].groupby("source"):
        by_source[str(source)] = {"attributed": len(group),
                                  "correct": int((group["system"] == group["true_system"]).sum())}
    wrong = merged[(attributed | truly) & ~correct]
    errors = list(zip(wrong["ticket_id"], wrong["true_system"], wrong["system"]))
    n_att, n_true, n_ok = int(attributed.sum()), int(truly.sum()), int(correct.sum())
    return AttributionScores(precision=round(n_ok / n_att, 4) if n_att else 0.0,
                             recall=round(n_ok / n_true, 4) if n_true else 0.0,
                             labelled=len(merged), attributed=n_att, truly_catalogued=n_true,
                             correct=n_ok, by_source=by_source, errors=errors)


def attribution_eval(settings, labels_path: str | Path = ATTRIBUTION_LABELS,  # noqa: ANN001 - Settings
                     export_path: str | Path = SAMPLE_EXPORT,
                     catalogue_path: str | Path = SAMPLE_CATALOGUE) -> AttributionScores:
    """Run :func:`trendminer.systems.attribute` on the labelled tickets and score it.

    Parameters
    ----------
    settings : Settings
        The column map and the ``systems`` options; ``systems.catalogue`` is ignored in
        favour of ``catalogue_path``.
    labels_path, export_path, catalogue_path : str or Path
        Default: the labelled slice, the bundled sample export and its catalogue.

    Returns
    -------
    AttributionScores

    Raises
    ------
    InputError
        If a file is missing or a labelled ticket is not in the export.
    """
    from ..catalogue import load_catalogue
    from ..pipeline import load_tickets
    from ..systems import attribute

    labels = read_attribution_labels(labels_path)
    tickets = load_tickets([export_path], settings).tickets
    tickets = tickets[tickets["ticket_id"].isin(set(labels["ticket_id"]))].reset_index(drop=True)
    catalogue = load_catalogue(catalogue_path)
    predicted = attribute(tickets, catalogue=catalogue, settings=settings)
    return attribution_scores(predicted, labels, catalogue.names, settings["systems"]["unattributed"])
