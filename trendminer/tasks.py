"""What users try to do, counted like topics: one task per action and object, merged across
wordings, and the screens and transaction codes the tickets name (issue 22).

A task is found where a ticket says what it tries to do ("how do I set up out of office",
"which cost center do I use", "cost center - which one?"); its object is brought to one name
across wordings (:data:`OBJECTS`: "automatic reply" = "out of office", "POs" = "purchase
order"), and it is then counted over every ticket that names the object, however it is
phrased, so a task counts like the topic that asks it. Objects that are only a system's name
or a particle ("up", "out") are dropped: no fragments. The object and verb words are data, in
``lexicons/tasks.toml``.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources


def _lexicon() -> dict:
    return tomllib.loads(resources.files("trendminer").joinpath("lexicons/tasks.toml").read_text("utf-8"))


_WORDS = _lexicon()
#: canonical object -> the wordings that name it (regular expressions, lower case); ``lexicons/tasks.toml``
OBJECTS: dict[str, tuple[str, ...]] = {name: tuple(p) for name, p in _WORDS["objects"].items()}
#: verbs brought to one name: the action a task names; ``lexicons/tasks.toml``
VERBS: dict[str, str] = dict(_WORDS["verbs"])

_LEAD = re.compile(r"\b(?:how (?:do|can|could|should|would) (?:i|we|you|one)|how to|where (?:do|can|should|would) (?:i|we)|"
                   r"(?:i|we) (?:can ?not|can't|cannot|could not|couldn't)|unable to|trying to|is it possible to|"
                   r"(?:i|we) (?:want|need|would like) to)\s+(?P<verb>[a-z]+)(?:\s+(?:up|on|off|in|out))?\s+(?P<rest>[^.?!\n]{0,60})")
_WHICH = re.compile(r"\b(?:which|what) (?P<rest>[a-z][a-z -]{2,40}?)\s+(?:do|should|can|must|to) (?:i|we)?\s*"
                    r"(?:use|choose|pick|take|select|enter)\b|\b(?P<rest2>[a-z][a-z -]{2,40}?)\s*-\s*which one\b"
                    r"|\bwhich (?P<rest3>[a-z][a-z -]{2,30}?) (?:for|to use)\b")
_CODE = re.compile(r"\b[A-Z]{2,4}\d{2,3}[A-Z]?\b")
_SCREEN = re.compile(r"\b(?:the\s+)?(?P<name>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)\s+(?P<kind>screen|page|tab|menu|settings?|button|dialog)\b")
_NOT_SCREEN = {"the", "this", "that", "a", "an", "my", "our", "login", "home", "blank", "white", "error", "start", "main",
               "same", "new", "old", "web", "which", "what", "where"}


#: words that make "... screen" a thing done to the screen ("share screen", "black screen"), not a screen's name
_ACTING = {"cannot", "can't", "cant", "share", "sharing", "shared", "black", "frozen", "freezes", "split", "full",
           "lock", "locked", "touch", "second", "external", "blue", "flickering"}
_SCREEN_STOP = {"of", "in", "on", "to", "for", "from", "with", "at", "is", "are", "and", "or", "it", "i", "we", "you"}


@dataclass(frozen=True)
class Task:
    """One task: an action on an object, the tickets that name the object, and its phrasing."""

    verb: str
    obj: str
    tickets: int

    @property
    def name(self) -> str:
        return f"{self.verb} {self.obj}"


def _objects_in(text: str) -> set[str]:
    return {name for name, pats in OBJECTS.items() if any(re.search(p, text) for p in pats)}


def _free_object(rest: str, system_words: set[str]) -> str:
    """A noun phrase of up to three words from the start of ``rest`` that is no system's name,
    else ``""`` (the fragments "up", "out" and a bare system name are not objects)."""
    stop = {"in", "on", "for", "from", "to", "with", "at", "into", "via", "when", "while", "after", "before", "if",
            "and", "or", "but", "so", "because", "without", "by", "it", "them", "is", "are", "be", "me", "us", "again",
            "please", "now", "there", "here", "anymore", "since", "up", "out", "off", "that", "which", "what", "one",
            "something", "anything", "everything", "this", "these", "those", "of", "do", "does", "did", "my", "our",
            "your", "all", "abroad", "today", "properly", "correctly", "automatically", "as", "like", "than"}
    skip = {"a", "an", "the", "my", "our", "this", "these", "those", "his", "her", "their", "some", "all", "any", "new",
            "open", "own"}
    words = []
    for w in re.findall(r"[a-z][a-z0-9-]*", rest):
        if not words and w in skip:
            continue
        if w in stop:
            break
        words.append(w)
        if len(words) == 3:
            break
    words = [w for w in words if w not in system_words]
    if not words or len(" ".join(words)) < 4:
        return ""
    return " ".join(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w
                    for w in words)


def find_tasks(texts: list[str], system_words: set[str], n: int = 6, min_tickets: int = 2) -> list[Task]:
    """The tasks ``texts`` ask about, most tickets first.

    Examples
    --------
    >>> texts = ["How do I set up out of office in Outlook?", "automatic reply Outlook how to",
    ...          "where is the out of office setting", "which cost center do I use", "cost center - which one?",
    ...          "which cost center for trade fair expenses", "how do I set up Outlook"]
    >>> [(t.name, t.tickets) for t in find_tasks(texts, {"outlook"})]
    [('choose cost center', 3), ('set up out-of-office reply', 3)]
    >>> [(t.name, t.tickets) for t in find_tasks(["how to submit expenses in concur", "how do I submit an expense "
    ...     "report", "expense report submission?", "expense tool: new receipt"], {"concur"})]
    [('submit expense report', 3)]
    >>> [(t.name, t.tickets) for t in find_tasks(["how do I set up duplex as default", "how to print double sided",
    ...                                           "how to install gp client", "how to install global protect"], set())]
    [('install VPN client', 2), ('set up double-sided printing', 2)]
    >>> [(t.name, t.tickets) for t in find_tasks(["how do I share a folder", "how do i share a folder externally",
    ...                                           "how do i share a spo folder externally"], set())]
    [('share folder', 3)]
    """
    lowered = [" ".join(t.lower().split()) for t in texts]
    verbs: dict[str, Counter] = {}
    mentions: Counter = Counter()
    asked: dict[str, set[int]] = {}   # free object -> the tickets that ask a task on it
    for i, text in enumerate(lowered):
        named = _objects_in(text)
        mentions.update(named)
        for m in _WHICH.finditer(text):
            rest = m["rest"] or m["rest2"] or m["rest3"] or ""
            for obj in (_objects_in(rest) or {_free_object(rest, system_words)}) - {""}:
                verbs.setdefault(obj, Counter())["choose"] += 1
        for m in _LEAD.finditer(text):
            verb = VERBS.get(m["verb"])
            if verb is None:
                continue
            rest = m["rest"]
            found = _objects_in(rest) or {_free_object(rest, system_words)} - {""}
            for obj in found:
                verbs.setdefault(obj, Counter())[verb] += 1
                if obj not in OBJECTS:
                    mentions[obj] += 0
                    asked.setdefault(obj, set()).add(i)
    known = list(OBJECTS) + sorted(verbs, key=lambda o: -sum(verbs[o].values()))
    moved: dict[str, str] = {}   # object -> the object it joined
    for obj in list(verbs):   # a shorter wording ("submit expenses") joins the object it begins
        head = [o for o in OBJECTS if o.startswith(obj + " ") and o in verbs] if obj not in OBJECTS else []
        if head:
            moved[obj] = head[0]
            verbs[head[0]].update(verbs.pop(obj))
            pats = [re.compile(p) for p in OBJECTS[head[0]]]
            mentions[head[0]] += sum(1 for i in asked.get(obj, ()) if not any(p.search(lowered[i]) for p in pats))
    for obj in sorted((o for o in verbs if o not in OBJECTS), key=len, reverse=True):
        shorter = [o for o in verbs if o not in OBJECTS and obj.startswith(o + " ")]
        if shorter:   # "share folder externally" is "share folder" (whose tickets it names already)
            moved[obj] = max(shorter, key=len)
            verbs[moved[obj]].update(verbs.pop(obj))
    for obj in list(verbs):   # a misspelt object ("pasword") joins the one it spells
        if obj in OBJECTS:
            continue
        close = [_follow(moved, o) for o in difflib.get_close_matches(obj, known, n=3, cutoff=0.85)]
        close = [o for o in close if o != obj]
        if close:
            verbs.setdefault(close[0], Counter()).update(verbs.pop(obj))
            spelt = re.compile(r"\b" + re.escape(obj) + r"s?\b")
            pats = [re.compile(p) for p in OBJECTS.get(close[0], ())]
            mentions[close[0]] += sum(1 for t in lowered if spelt.search(t) and not any(p.search(t) for p in pats))
    for obj in verbs:
        if obj not in OBJECTS:   # a free object counts the tickets that name it as words
            pattern = re.compile(r"\b" + r"\s+".join(re.escape(w[:-1] if w.endswith("s") else w) + r"s?"
                                                    for w in obj.split()) + r"\b")
            mentions[obj] = sum(1 for t in lowered if pattern.search(t))
    tasks = [Task(_verb(verbs[obj].most_common(1)[0][0], obj), obj, mentions[obj]) for obj in verbs
             if mentions[obj] >= min_tickets]
    return sorted(tasks, key=lambda t: (-t.tickets, t.name))[:n]


def _follow(moved: dict[str, str], obj: str) -> str:
    """Where ``obj`` ended up after the objects it joined joined others in turn."""
    while obj in moved:
        obj = moved[obj]
    return obj


def _verb(verb: str, obj: str) -> str:
    """``verb``, or "set up" when the object already says it ("print" + "double-sided printing")."""
    return "set up" if any(w.startswith(verb) for w in obj.lower().split()) else verb


def screens(texts: list[str], system_words: set[str], n: int = 6) -> list[tuple[str, int]]:
    """Transaction codes (ME21N) and named screens ("out of office settings") the texts name, with
    how many texts name each (at least two).

    Examples
    --------
    >>> screens(["Error in ME21N", "ME21N: cannot save", "where is the delegate settings page",
    ...          "the delegate settings page is empty", "I cannot share screen", "cannot share screen"], set())
    [('ME21N', 2), ('delegate settings page', 2)]
    """
    counts: Counter = Counter()
    for text in texts:
        found = {code for code in _CODE.findall(text) if code.lower() not in system_words}
        for m in _SCREEN.finditer(" ".join(text.lower().split())):
            name = " ".join(w for w in m["name"].split() if w not in _NOT_SCREEN and w not in system_words)
            first = m["name"].split()[0]
            acting = m["kind"] == "screen" and any(w in VERBS or w in _ACTING for w in m["name"].split())
            if name and m["name"].split()[-1] not in _NOT_SCREEN and first not in _SCREEN_STOP and not acting:
                found.add(f"{name} {m['kind']}")
        counts.update(sorted(found))
    return [(s, c) for s, c in counts.most_common() if c >= 2][:n]


def question(task: Task) -> str:
    """A whole sentence for the design meeting, built from a task.

    Examples
    --------
    >>> question(Task("choose", "cost center", 30))
    '30 tickets ask which cost center to choose: what does the screen know that could choose it for them, or show which one applies?'
    >>> question(Task("set up", "out-of-office reply", 12))
    '12 tickets ask how to set up the out-of-office reply: where do users look for it, and what would make it obvious on the screen?'
    """
    if task.verb == "choose":
        return (f"{task.tickets} tickets ask which {task.obj} to choose: what does the screen know that could choose "
                "it for them, or show which one applies?")
    return (f"{task.tickets} tickets ask how to {task.verb} the {task.obj}: where do users look for it, and what would "
            "make it obvious on the screen?")
