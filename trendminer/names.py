"""Full names of people who are not callers, found offline by a given-name gazetteer.

A name is a capitalised given name from ``lexicons/first_names.txt`` followed by a
capitalised surname ("Maria Schneider", "Jan van Dijk"), or the reverse with a comma
("Schneider, Maria"). Product names ("Okta Verify", "SAP Concur", "Microsoft Teams") do not
start with a given name, and a surname that is a common product or IT word ("Jan Teams")
is not taken. One regular expression, so it runs at batch speed.
"""
from __future__ import annotations

import functools
import re
from importlib import resources

#: capitalised words after a given name that are not surnames
NOT_SURNAMES = frozenset("""
Admin Administrator Account Accounts Approval Access Bank Calendar Client Cloud Concur Desk Drive
Excel Finance Group Help Helpdesk HR IT Laptop Login Mail Manager Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April June July August September October November
December Office Outlook Password Portal Printer Reader Server Service Support System Team Teams
Ticket Update VPN Verify Windows Word Workday Zoom The And Or From To Is Has Was Will Can Please
Thanks Hi Hello
""".split())

_PARTICLES = r"(?:(?:van der|van den|van|von|de la|de|da|del|di|du|le|la|al|el|bin|ten|ter)\s+)?"
_SURNAME = r"[^\W\d_][\w'’-]*"


@functools.lru_cache(maxsize=1)
def given_names() -> tuple[str, ...]:
    """The gazetteer of given names (longest first, for the regular expression)."""
    text = resources.files("trendminer").joinpath("lexicons/first_names.txt").read_text("utf-8")
    words = {w for line in text.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@functools.lru_cache(maxsize=1)
def person_pattern() -> re.Pattern[str]:
    """``First Last`` or ``Last, First`` with a gazetteer given name (case-sensitive)."""
    first = "|".join(re.escape(n) for n in given_names())
    return re.compile(rf"(?<![\w@.])(?:(?P<first>{first})\s+(?P<last>{_PARTICLES}{_SURNAME})"
                      rf"|(?P<last2>{_PARTICLES}{_SURNAME}),\s+(?P<first2>{first}))(?![\w@])")


def find_people(text: str) -> list[tuple[int, int]]:
    """Spans of full person names in ``text``.

    Examples
    --------
    >>> t = "please contact Maria Schneider, not Okta Verify or SAP Concur; cc Dijk, Jan"
    >>> [t[s:e] for s, e in find_people(t)]
    ['Maria Schneider', 'Dijk, Jan']
    """
    spans = []
    for m in person_pattern().finditer(text):
        last = (m["last"] or m["last2"]).split()[-1]
        if not last[0].isupper() or last in NOT_SURNAMES or last.isupper() and len(last) <= 3:
            continue
        spans.append((m.start(), m.end()))
    return spans
