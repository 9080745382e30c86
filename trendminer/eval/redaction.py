"""A labelled, seeded test set of personal data planted in realistic ticket text, and the
recall / precision of :func:`trendminer.clean.find_personal_data` on it.

Recall counts planted strings that are fully covered by a detected span; precision counts
detected spans that overlap a planted string. Look-alikes that must survive (ticket
numbers, versions, dates, error codes, amounts, KB articles) are planted too, so false
positives show. Planted kinds: e-mail, phone, IP, the caller's name (full, first, last,
lower-case, "Last, First"), other people who call the desk too (a colleague's full name, in
either order), employee ids matching ``clean.id_patterns``, and (kind OTHER) the full names
of people who never call the desk, next to product names that must survive ("Okta Verify").
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..clean import ID_PATTERNS, People, find_personal_data

FIRST = ["Maria", "Jan", "Anna", "Ahmed", "Sofia", "Piotr", "Mei", "Lukas", "Fatma", "John",
         "Claire", "Oluwaseun", "Giulia", "Henrik", "Aisha", "Mateo", "Yuki", "Elif", "Tom", "Ingrid"]
LAST = ["Schmidt", "Novak", "Berg", "Khan", "Rossi", "Wagner", "Braun", "Yılmaz", "Carter",
        "Dubois", "Adeyemi", "Bianchi", "Lindqvist", "Haddad", "García", "Tanaka", "Öztürk",
        "Becker", "Nowak", "O'Neill"]
#: people who never call the desk (not in the caller field of any ticket): only the
#: gazetteer can find them. Some given names are deliberately missing from it (Siobhan, Kwame,
#: Thandiwe, Bao) so the recall is honest about unusual names.
STRANGERS = ["Maria Schneider", "Thomas Müller", "Priya Natarajan", "Jan van Dijk", "Claire Fontaine",
             "Hiroshi Sato", "Agnieszka Kowalczyk", "Omar Haddad", "Lucia Romero", "Siobhan Murphy",
             "Kwame Mensah", "Lars Eriksson", "Sophie Laurent", "Thandiwe Dlamini", "Bao Nguyen",
             "Daniel O'Brien", "Katarzyna Wójcik", "Miguel Santos", "Elena Popescu", "Stefan Richter"]
#: product names that look like names and must survive
PRODUCTS = ["Okta Verify", "SAP Concur", "Microsoft Teams", "Power BI", "Adobe Acrobat", "Cisco Webex",
            "Oracle Fusion", "Citrix Workspace"]
DOMAINS = ["corp-example.com", "example.org", "mail.example.de", "contoso.example"]
PHONES = ["+49 89 {a} {b}", "+1 (555) {a3}-{c}", "0151 {a}{c3}", "+44 20 {a} {c}",
          "089/{a}{c}", "(030) {a3} {c}", "+33 1 {a2} {b2} {c2} {d2}", "555-{a3}-{c}",
          "+49 (0)69 {a} {c}", "0043 1 {a}{c}"]
DISTRACTORS = ["INC{n7}", "KB{n7}", "version {v}", "2026-10-{dd} 14:{mm}", "0x8007{h4}",
               "port 8443", "16 GB RAM", "build 19045.{n4}", "1,250.00 EUR", "room 3.14",
               "error 500", "Windows 11 23H2", "SAP FB60", "on 05.10.2026", "CHG{n6}"]
TEMPLATES = [
    "Hi team, {name} here. Outlook keeps crashing when I open the shared calendar. "
    "You can reach me at {email} or {phone}. Reference {x}.",
    "VPN drops every 10 minutes since the update ({x}). My laptop has IP {ip}. "
    "Please call {phone}. Thanks, {first}",
    "received from: {email}\n\nThe printer on floor 3 prints blank pages. Seen with {x}.\n"
    "Best regards,\n{name}",
    "Employee {empid} cannot log in to Workday. Error {x}. Contact: {last_first}, {phone}.",
    "SAP GUI freezes when posting invoices, third time this week! {first} {last} ({empid}), "
    "ext {phone}",
    "Please reset the password for {lower}. Her manager approved by mail ({email}). {x}",
    "Teams calls drop after 30 seconds. Client {ip}, gateway {ip2}. Reported by Mr. {last}, "
    "see {x}.",
    "Laptop very slow, 10 minutes to boot. Still not fixed after {x}. {name}, {phone}, {email}",
    "New hire {name} (employee id {empid}) needs access to the finance share. Start {x}.",
    "Cannot connect to \\\\fileserver from {ip}. Tried {x}. Call me back: {phone} - {first}",
    "Ticket for {folded} - password expired after {x}. Phone: {phone}.",
    "{first}'s laptop cannot reach {ip}:8080 since {x}. Tel. {phone}; mail {email}",
    "My colleague {colleague} has the same problem with Outlook since {x}. {first}",
    "Access to the HR portal approved by {colleague_lf} (line manager), see {x}.",
    "Please hand the new laptop to {colleague} in room 2.17. {name}, {phone}",
    "{product} asks for a code every login since {x}. Please contact {stranger} in finance.",
    "Invoice approval in {product} is stuck with {stranger}; she is on leave until {x}. {first}",
    "My manager {stranger} cannot open {product} either. Reference {x}.",
    "Access for {stranger_lf} to {product} was approved ({x}).",
]


@dataclass
class Case:
    """One generated ticket with its planted personal data and its look-alikes."""

    text: str
    caller: str
    planted: list[tuple[int, int, str]] = field(default_factory=list)
    decoys: list[tuple[int, int]] = field(default_factory=list)


def _fold(text: str) -> str:
    """ASCII-fold a name as people type it without accents: Öztürk -> Ozturk."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return text.encode("ascii", "ignore").decode()


def _fill(rng: np.random.Generator, fmt: str) -> str:
    digits = {f"{k}{n}": "".join(map(str, rng.integers(0, 10, n))) for k in "abcd" for n in (2, 3)}
    digits.update({k: "".join(map(str, rng.integers(0, 10, 4))) for k in "abcd"})
    return fmt.format(**digits)


def _distractor(rng: np.random.Generator) -> str:
    fmt = DISTRACTORS[rng.integers(len(DISTRACTORS))]
    return fmt.format(n7=rng.integers(10**6, 10**7), n6=rng.integers(10**5, 10**6),
                      n4=rng.integers(1000, 9999), v=f"{rng.integers(1, 20)}.{rng.integers(0, 9)}.{rng.integers(0, 99)}",
                      dd=f"{rng.integers(1, 29):02d}", mm=f"{rng.integers(0, 59):02d}",
                      h4=f"{rng.integers(0, 0xFFFF):04X}")


def generate_cases(n_tickets: int = 150, random_state: int = 0) -> list[Case]:
    """Generate ``n_tickets`` labelled tickets (about 2.5 planted strings each).

    Examples
    --------
    >>> cases = generate_cases(20, random_state=1)
    >>> all(c.text[s:e] for c in cases for s, e, _ in c.planted)
    True
    """
    rng = np.random.default_rng(random_state)
    callers = [(FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]) for _ in range(n_tickets)]
    cases = []
    for first, last in callers:
        other = next(c for c in (callers[i] for i in rng.permutation(len(callers))) if c != (first, last)) \
            if len(set(callers)) > 1 else ("Grace", "Hopper")
        stranger = STRANGERS[rng.integers(len(STRANGERS))]
        local = _fold(f"{first}.{last}".lower().replace("'", ""))
        values = {
            "name": (f"{first} {last}", "NAME"), "first": (first, "NAME"), "last": (last, "NAME"),
            "lower": (f"{first.lower()} {last.lower()}", "NAME"),
            "last_first": (f"{last}, {first}", "NAME"),
            "folded": (_fold(f"{first} {last}"), "NAME"),
            "email": (f"{local}@{DOMAINS[rng.integers(len(DOMAINS))]}", "EMAIL"),
            "phone": (_fill(rng, PHONES[rng.integers(len(PHONES))]), "PHONE"),
            "ip": (f"10.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 254)}", "IP"),
            "ip2": (f"192.168.{rng.integers(0, 255)}.{rng.integers(1, 254)}", "IP"),
            "empid": (rng.choice(["E", "EMP-", "E-"]) + f"{rng.integers(0, 10**6):06d}", "ID"),
            "colleague": (f"{other[0]} {other[1]}", "COLLEAGUE"),
            "colleague_lf": (f"{other[1]}, {other[0]}", "COLLEAGUE"),
            "x": (_distractor(rng), ""),
            "product": (PRODUCTS[rng.integers(len(PRODUCTS))], ""),
            "stranger": (stranger, "OTHER"),
            "stranger_lf": (", ".join(stranger.split(" ", 1)[::-1]), "OTHER"),   # van Dijk, Jan
        }
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        text, planted, decoys, pos = "", [], [], 0
        for part in template.replace("{", "\0{").split("\0"):
            if part.startswith("{"):
                key, rest = part[1:].split("}", 1)
                value, label = values[key]
                start = len(text)
                text += value
                (planted.append((start, len(text), label)) if label
                 else decoys.append((start, len(text))))
                text += rest
            else:
                text += part
            pos += 1
        cases.append(Case(text, f"{first} {last}", planted, decoys))
    return cases


@dataclass
class RedactionScore:
    """Recall and precision overall and per kind."""

    planted: Counter
    found: Counter
    detected: int
    true_detected: int
    decoys: int
    decoys_hit: int
    misses: list[str]

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(sum(self.planted.values()), 1)

    @property
    def precision(self) -> float:
        return self.true_detected / max(self.detected, 1)

    def lines(self) -> list[str]:
        out = [f"planted personal-data strings: {sum(self.planted.values())} in "
               f"{self.decoys} tickets with look-alikes",
               f"recall    {self.recall:.3f}  ({sum(self.found.values())}/{sum(self.planted.values())})",
               f"precision {self.precision:.3f}  ({self.true_detected}/{self.detected} detected spans "
               f"are planted data; {self.decoys_hit} look-alikes hit)"]
        for kind in sorted(self.planted):
            out.append(f"  {kind:<9} recall {self.found[kind] / self.planted[kind]:.3f} "
                       f"({self.found[kind]}/{self.planted[kind]})")
        return out


def evaluate(cases: list[Case], id_patterns: tuple[str, ...] = ID_PATTERNS, others: bool = True) -> RedactionScore:
    """Run the redaction's detector on the cases and score it (``others``: clean.redact_other_names)."""
    planted, found = Counter(), Counter()
    detected = true_detected = decoys_hit = 0
    misses = []
    people = People(case.caller for case in cases)   # as clean_tickets: everyone who calls
    for case in cases:
        names = (case.caller, *(n for n in people.mentioned(case.text) if n != case.caller))
        spans = find_personal_data(case.text, names, id_patterns=id_patterns, others=others)
        covered = np.zeros(len(case.text) + 1, dtype=bool)
        for s, e, _ in spans:
            covered[s:e] = True
        for s, e, label in case.planted:
            planted[label] += 1
            if covered[s:e].all():
                found[label] += 1
            else:
                misses.append(f"{label}: {case.text[s:e]!r} in {case.text[:60]!r}...")
        for s, e, _ in spans:
            detected += 1
            true_detected += any(s < pe and ps < e for ps, pe, _ in case.planted)
        decoys_hit += sum(covered[s:e].any() for s, e in case.decoys)
    return RedactionScore(planted, found, detected, true_detected, len(cases), decoys_hit, misses)
