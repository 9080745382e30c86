"""Tickets about more than one system: the primary system and the others the text names.

"Outlook crashes when I open the SharePoint link" is primarily about Outlook (the CI field, or
the system the text names most, first named on a tie: :func:`trendminer.systems.attribute`),
and it names SharePoint too. :func:`other_systems` lists, per ticket, every other catalogued
system its title and description name, with the basis stated; :func:`also_named` counts them
per system for the ranking, next to (not inside) the primary counts, so no ticket is counted
twice in a system's failures.
"""
from __future__ import annotations

import pandas as pd

from . import nlp
from .catalogue import Catalogue
from .schema import ATTRIBUTION, TICKETS, Attribution, Tickets, validate
from .systems import TermIndex, catalogue_hits

OTHER_SYSTEMS = ("ticket_id", "system", "primary", "basis")
BASIS = "named in the text besides the primary system"


def other_systems(tickets: Tickets, attribution: Attribution, catalogue: Catalogue) -> pd.DataFrame:
    """One row per ticket and other catalogued system its text names.

    Parameters
    ----------
    tickets : Tickets
    attribution : Attribution
        The primary system of each ticket.
    catalogue : Catalogue
        Names and aliases searched for (nothing without a catalogue).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OTHER_SYSTEMS`: ``system`` named besides ``primary``; ``basis`` says so.

    Examples
    --------
    >>> from trendminer.catalogue import Catalogue
    >>> from trendminer.schema import TICKETS
    >>> cat = Catalogue(pd.DataFrame({"name": ["Outlook", "SharePoint"], "aliases": [[], ["SPO"]]}))
    >>> t = pd.DataFrame({c: ["", ""] for c in TICKETS})
    >>> t["ticket_id"], t["title"] = ["1", "2"], ["Outlook crashes when I open the SharePoint link", "SPO slow"]
    >>> a = pd.DataFrame({"ticket_id": ["1", "2"], "system": ["Outlook", "SharePoint"], "source": "catalogue",
    ...                   "confidence": 0.9})
    >>> other_systems(t, a, cat)[["ticket_id", "system", "primary"]].values.tolist()
    [['1', 'SharePoint', 'Outlook']]
    """
    validate(tickets, TICKETS, "other systems")
    validate(attribution, ATTRIBUTION, "other systems")
    if not catalogue.terms() or tickets.empty:
        return pd.DataFrame(columns=list(OTHER_SYSTEMS))
    index = TermIndex(catalogue)
    primary = dict(zip(attribution["ticket_id"], attribution["system"]))
    texts = [nlp.ticket_text(t, d) for t, d in zip(tickets["title"], tickets["description"])]
    rows = []
    for ticket, doc in zip(tickets["ticket_id"], nlp.docs(texts)):
        hits = catalogue_hits(doc, index)
        main = primary.get(ticket, "")
        for name in dict.fromkeys(hits[k] for k in sorted(hits)):
            if name != main:
                rows.append((ticket, name, main, BASIS))
    return pd.DataFrame(rows, columns=list(OTHER_SYSTEMS))


def also_named(others: pd.DataFrame, tickets: Tickets, signals: pd.DataFrame, in_window: pd.Series) -> pd.DataFrame:
    """Per system: tickets in the window (and failures among them) that name it besides their primary.

    Examples
    --------
    >>> o = pd.DataFrame({"ticket_id": ["1", "2"], "system": ["SharePoint"] * 2, "primary": ["Outlook"] * 2,
    ...                   "basis": [BASIS] * 2})
    >>> t = pd.DataFrame({"ticket_id": ["1", "2"]})
    >>> s = pd.DataFrame({"ticket_id": ["1", "2"], "kind": ["failure", "howto"]})
    >>> also_named(o, t, s, pd.Series([True, True])).values.tolist()
    [['SharePoint', 2, 1]]
    """
    window_ids = set(tickets.loc[in_window.to_numpy(), "ticket_id"])
    kinds = dict(zip(signals["ticket_id"], signals["kind"]))
    rows = others[others["ticket_id"].isin(window_ids)].drop_duplicates(["ticket_id", "system"])
    failure = rows["ticket_id"].map(kinds).eq("failure")
    out = rows.assign(failure=failure).groupby("system", sort=True).agg(
        also_named=("ticket_id", "size"), also_named_failures=("failure", "sum")).reset_index()
    return out.astype({"also_named": int, "also_named_failures": int})


__all__ = ["BASIS", "OTHER_SYSTEMS", "also_named", "other_systems"]
