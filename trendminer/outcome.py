"""What a night did: the CLI's summary line and exit code come from a :class:`RunReport`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .ingest import Accounting


@dataclass
class RunReport:
    """What a run did, for the CLI's summary line and exit code."""

    as_of: pd.Timestamp
    accounting: Accounting
    stored: dict[str, int]
    analysed: int
    embedded: int
    n_topics: int
    remainder: int
    spikes: list[str]        # one "<what> (<ongoing|ended>)" per outage or spike finding
    top_systems: list[str]
    report_dir: Path | None
    warnings: list[str] = field(default_factory=list)
    quality: dict = field(default_factory=dict)
    trends: pd.DataFrame | None = None
    knowledge: pd.DataFrame | None = None   # schema.KNOWLEDGE: gaps, stale articles, candidates
    findings: pd.DataFrame | None = None    # schema.FINDINGS: the night's events
    irritation_model: str = ""   # what scored the text irritation (trendminer.survey_head)

    @property
    def return_code(self) -> int:
        """The exit code policy: 0 all good; 3 reports written but degraded (rows rejected, or
        no tickets tonight: the reports are of the earlier nights' tickets).

        (1 and 2 are errors raised before a report exists; see :mod:`trendminer.cli`.)
        """
        return 3 if self.accounting.rejected or not self.accounting.rows else 0

    def summary(self) -> str:
        """One line for the scheduler's log."""
        spikes = ", ".join(self.spikes[:3]) or "none"
        return (f"trendminer {self.as_of.date()}: {self.accounting.summary()}; {self.analysed} tickets "
                f"analysed, {self.embedded} embedded, {self.n_topics} topics, {self.remainder} in remainder; "
                f"outages and spikes: {spikes}; top systems: {', '.join(self.top_systems[:3])}; "
                + (f"irritation scored by {self.irritation_model}; " if self.irritation_model else "")
                + f"reports: {self.report_dir}")
