"""Pain-point briefs for design teams: what users try to do, where they get stuck, in their words.

Per system in scope: its how-to and usage topics first, the tasks and screens its how-to tickets
name (transaction codes such as ME21N, and "verb + object" phrases such as "attach receipt"),
quotes typical of each topic (the topic's most representative tickets, else its most common
phrasing), questions for the design meeting built from those tasks, and the tickets in other
languages. All of it from the system's tickets in the analysis window.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import pandas as pd

from .cards import own_topics, share_text
from .knowledge import system_lines
from .models import PainPoint, PainPoints
from ..tasks import find_tasks, question, screens

if TYPE_CHECKING:
    from .views import Builder

#: share of irritated tickets at or above which a system is in scope even with few how-to questions
IRRITATED = 0.15

_LEAD = (r"(?:how (?:do|can|could|should|would) (?:i|we|you|one)|how to|where (?:do|can|should|would) (?:i|we)|"
         r"(?:i|we) (?:can ?not|can't|cannot|could not|couldn't) |unable to|trying to|is it possible to|"
         r"(?:i|we) (?:want|need|would like) to)")
_SKIP = r"(?:(?:a|an|the|my|our|this|these|those|his|her|their|some|all|any|new|open|own)\s+)*"
_STOP = {"in", "on", "for", "from", "to", "with", "during", "at", "of", "into", "via", "when", "while", "after",
         "before", "if", "and", "or", "but", "so", "because", "without", "by", "it", "them", "this", "that",
         "is", "are", "be", "me", "us", "i", "we", "you", "again", "please", "now", "there", "here", "anymore"}
_TASK = re.compile(rf"\b{_LEAD}\s+(?:\w+ly\s+)?(?P<verb>[a-z]{{3,}})\s+{_SKIP}(?P<obj>[a-z][a-z0-9-]*(?:\s+[a-z][a-z0-9-]*){{0,2}})",
                   re.IGNORECASE)
_WHICH = re.compile(r"\bwhich (?P<obj>[a-z]+(?: [a-z]+)?) (?:do|should|can|must) (?:i|we) (?:use|choose|pick|take|select|enter)\b",
                    re.IGNORECASE)
_CODE = re.compile(r"\b[A-Z]{2,4}\d{2,3}[A-Z]?\b")
_VERB_STOP = {"get", "use", "have", "make", "know", "see", "find out", "been", "do", "be", "not"}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def tasks(texts: list[str], system_words: set[str], n: int = 6) -> list[tuple[str, int]]:
    """Tasks and screens named in ``texts``, with how many texts name each (at least two).

    Examples
    --------
    >>> tasks(["Where do I attach receipts?", "how to attach the receipt in Concur", "Error in ME21N",
    ...        "ME21N: cannot save", "how do I eat lunch", "which cost center do I use", "Which cost center must I enter?"], {"concur"})
    [('attach receipt', 2), ('ME21N', 2), ('choose cost center', 2)]
    """
    counts: Counter = Counter()
    for text in texts:
        found = set(code for code in _CODE.findall(text) if code.lower() not in system_words)
        for m in _TASK.finditer(text):
            verb = m["verb"].lower()
            words = []
            for w in m["obj"].lower().split():
                if w in _STOP or w in system_words:
                    break
                words.append(_singular(w))
            if verb not in _VERB_STOP and words:
                found.add(f"{verb} {' '.join(words)}")
        for m in _WHICH.finditer(text):
            found.add("choose " + " ".join(_singular(w) for w in m["obj"].lower().split()))
        counts.update(sorted(found))   # a set: sorted, so ties keep one order whatever the hash seed
    return [(task, c) for task, c in counts.most_common() if c >= 2][:n]


def _typical(b: Builder, topic_id: int, mine: pd.DataFrame) -> pd.DataFrame:
    """The system's tickets of a topic that are typical of it: its representatives, else the most
    common phrasing of its titles."""
    rows = mine[mine["topic_id"] == topic_id]
    reps = rows[rows["ticket_id"].isin(set(b.info_by_id.loc[topic_id, "representatives"]))]
    if len(reps):
        return reps
    phrasing = rows["title"].str.lower().str.replace(r"[^a-z0-9 ]+", "", regex=True).str.strip()
    return rows[phrasing == phrasing.mode().iloc[0]] if len(rows) else rows


def brief(b: Builder, row: pd.Series, n_quotes: int) -> PainPoint:
    name = row["system"]
    mine = b.tickets_of(name)
    topic_ids = own_topics(b, name, mine, n=8)
    howto_share = {k: float(mine.loc[mine["topic_id"] == k, "kind"].eq("howto").mean()) for k in topic_ids}
    topic_ids = sorted(topic_ids, key=lambda k: -howto_share[k])[:6]   # how-to and usage topics first
    themes = [b.topic_row(b.info_by_id.loc[k], mine) for k in topic_ids]
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    howto = mine[mine["kind"].eq("howto")]
    asked = (howto["title"] + ". " + howto["description"]).tolist()
    named = find_tasks(asked, words)
    found = [(t.name, t.tickets) for t in named]
    shown = screens((mine["title"] + ". " + mine["description"]).tolist(), words)
    quotes = pd.concat([_typical(b, k, mine).head(1) for k in topic_ids] or [mine.head(0)])
    quotes = quotes[~quotes["title"].str.lower().str.strip().duplicated()].head(n_quotes)
    questions = [question(t) for t in named[:3]]
    for screen, count in shown[:2]:
        questions.append(f"{count} tickets name {screen}: at which step of it do users get stuck, and what does "
                         "it not tell them?")
    if row["failures"]:
        questions.append(f"{row['failures']} failures in the window: which steps fail, and can users recover "
                         "without calling the desk?")
    if row["irritation"] >= IRRITATED:
        questions.append("Users are visibly irritated: which of the quoted moments can the design remove?")
    main = b.settings["ingest"]["main_language"]
    other = mine[~mine["language"].isin([main, "und", ""]) & (mine["topic_id"] < 0)] if "language" in mine.columns else mine.head(0)
    return PainPoint(name, b.anchor(name), int(row["tickets"]), f"{row['howto'] / row['tickets']:.0%}",
                     f"{row['failures'] / row['tickets']:.0%}", f"{row['requests'] / row['tickets']:.0%}",
                     share_text(row), themes, [b.ticket(r) for _, r in quotes.iterrows()], questions,
                     found, len(other), [b.ticket(r) for _, r in other.head(5).iterrows()],
                     system_lines(b.d.knowledge, name), shown)


def pain_points(b: Builder) -> PainPoints:
    """Briefs for systems with many how-to questions or irritated users, most how-to first."""
    n_quotes = int(b.settings["report"]["quotes"])
    min_n = int(b.settings["score"]["min_tickets"])
    scores = b.d.scores
    scope = scores[(scores["tickets"] >= min_n) & ((scores["howto"] >= min_n) | (scores["irritation"] >= IRRITATED))]
    briefs = sorted((brief(b, row, n_quotes) for _, row in scope.iterrows()),
                    key=lambda p: (-int(scores.set_index("system").loc[p.name, "howto"]), p.name))
    said = (f"Systems with at least {min_n} tickets in the window and at least {min_n} how-to questions or "
            f"{IRRITATED:.0%} or more of their tickets irritated; most how-to questions first.")
    return PainPoints(b.page("Pain-point briefs"), briefs, said)
