"""The morning facts a desk lead checks first: what is still open, how old, how urgent."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..signals import still_open
from ..window import Window

#: age buckets of open tickets, in days since opened (upper bounds, exclusive; the last is open-ended)
AGE_BUCKETS = ((1, "under 1 day"), (4, "1–3 days"), (8, "4–7 days"), (31, "8–30 days"), (None, "over 30 days"))


@dataclass
class MorningFacts:
    """Open tickets at the end of the as-of day, among the analysed tickets (the lookback)."""

    open_tickets: int
    ages: list[tuple[str, int]]
    p1_p2: int
    oldest: pd.DataFrame          # ticket_id, system, priority, opened_at, age_days (at most 5)
    urgent: pd.DataFrame          # the open P1/P2 tickets, oldest first (at most 10)
    of_findings: list[tuple[str, int]] = field(default_factory=list)   # (finding id, open tickets)
    lookback_from: str = ""


def morning_facts(tickets: pd.DataFrame, attribution: pd.DataFrame, findings: pd.DataFrame,
                  window: Window) -> MorningFacts:
    """Open tickets, their ages and priorities, and the open tickets of tonight's findings.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> w = Window.from_settings(pd.Timestamp("2026-10-31"), load_settings())
    >>> t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "opened_at": pd.to_datetime(["2026-10-31", "2026-10-01", "2026-10-30"]),
    ...                   "resolved_at": pd.to_datetime([None, None, "2026-10-30"]), "state": ["New", "On Hold", "Closed"],
    ...                   "priority": pd.array([1, 3, 2], dtype="Int64")})
    >>> a = pd.DataFrame({"ticket_id": ["1", "2", "3"], "system": ["VPN", "Mail", "VPN"]})
    >>> m = morning_facts(t, a, pd.DataFrame(columns=["finding_id", "open_tickets"]), w)
    >>> m.open_tickets, m.p1_p2, m.ages[0], m.oldest["ticket_id"].tolist()
    (2, 1, ('under 1 day', 0), ['2', '1'])
    """
    is_open = still_open(tickets).to_numpy()
    rows = tickets.loc[is_open, ["ticket_id", "opened_at", "priority"]].merge(
        attribution[["ticket_id", "system"]].drop_duplicates("ticket_id"), on="ticket_id", how="left")
    age = (window.end - rows["opened_at"]) / pd.Timedelta(days=1)
    rows = rows.assign(age_days=age.round(1))
    ages, low = [], 0.0
    for high, label in AGE_BUCKETS:
        inside = (age >= low) & ((age < high) if high is not None else True)
        ages.append((label, int(inside.sum())))
        low = float(high or 0)
    rows = rows.sort_values(["opened_at", "ticket_id"])
    prio = rows["priority"].astype("Float64")
    urgent = rows[(prio >= 1) & (prio <= 2)].fillna({"priority": 0})
    of = [(f, int(n)) for f, n in zip(findings["finding_id"], findings["open_tickets"]) if int(n) > 0]
    return MorningFacts(int(is_open.sum()), ages, len(urgent), rows.head(5).reset_index(drop=True),
                        urgent.head(10).reset_index(drop=True), of, str(window.lookback_start.date()))
