"""trendminer: help-desk ticket exports in, problem topics, system rankings and HTML briefs out."""
from __future__ import annotations

__version__ = "0.1.0"
