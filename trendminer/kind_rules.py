"""What a ticket's words say it is: a failure, a how-to question or a request.

A careful reader does not stop at the first alarming word. "Could I get a new mouse? The
scroll wheel is broken" asks for equipment; "I cannot find the out-of-office option, where
did it go?" asks how something works; "VPN keeps disconnecting" reports a failure. The rules
weigh three kinds of evidence in this order:

1. an explicit **request** for something the desk grants or provides (access, a permission
   or role, a licence, a password reset, an unlock, an install, an order, new equipment, a
   new account) -> ``request``, unless the title itself reports a hard failure ("Outlook
   crashes") and the request is only part of the story;
2. a **question** about how something works ("how do I", "where is", "is there a way",
   "need to know where to find", "what am I missing") -> ``howto``, unless a hard failure
   word (error, crash, fails, down ...) is present: "how do I fix error 500" is a failure.
   Soft failure words (lost, missing, cannot find) do not outweigh a question;
3. **failure** words, hard or soft -> ``failure``;
4. weaker hints: "question", "guide", "unclear" -> ``howto``; "access", "role" -> ``request``.

No evidence gives "" (the category, the classifier or the default decide then).
"""
from __future__ import annotations

import re

_F = re.IGNORECASE

#: explicit asks for something the desk grants or provides
REQUEST_STRONG = re.compile(
    r"\b((please|pls|plz|kindly|can you|could you|would you|i'?d like you to)\s+(\w+\s+){0,2}?"
    r"(grant|give|add|order|install|enable|create|set ?up|provide|allow|increase|extend|unlock|reset|"
    r"activate|assign|issue|send|ship|replace|approve|share|map|configure|register|onboard|remove me)\b|"
    r"(need|needs|want|would like|requesting|request|require|requires|get|getting)\s+(\w+\s+){0,2}?"
    r"(access|acess|rights|permissions?|licen[cs]es?|role|account|authori[sz]ation|new|installed|install(ation)?|"
    r"mouse|headset|keyboard|monitor|laptop|phone|docking station|adapter|token|badge|mailbox)\b|"
    r"(could|can|may) i (please )?(get|have)\b|"
    r"(access|permission|authori[sz]ation|licen[cs]e|role|account) (request|needed|required|for new)|"
    r"(no|missing|without) (authori[sz]ation|permissions?|access rights|licen[cs]e)|"
    r"new (account|user|licen[cs]e|mailbox)|(for|of) (a|an|our|the|my|his|her) new (colleague|hire|employee|starter|joiner)|"
    r"new (hire|employee|starter|joiner)|new colleague \S+ (starts|needs)|"
    r"set (me|him|her|them|us) up|link my|"
    r"(password|pin|mfa|token) reset|reset (my |the |his |her )?(password|pin|mfa)|"
    r"unlock (my |the |his |her )?(account|user)|account (is )?(locked|unlock)|locked out|"
    r"onboard\w*|offboard\w*|permission set|edit rights|send-as|"
    r"berechtigung|zugriff|freischalt\w*|bitte (um|installieren|bestellen))", _F)

#: asks to replace broken equipment: a request even when the title says "broken"
REPLACEMENT = re.compile(r"\b((get|need|order|send|have)( me)? (a |an )?(new|replacement|another) (one|\w+)|"
                         r"new one|replace (it|mine|my))\b", _F)

#: a question about how something works, also phrased as a statement
HOWTO_STRONG = re.compile(
    r"(\b(how (do|can|to|should|would|does|is|are|may)|where (do|can|is|are|to|did|does|should)|"
    r"which( \w+){1,2} (do|should|can)|which one|walk me through|what should i|what is the (way|process|procedure|best way)|what (should|do) i do|"
    r"what to do|is it possible|is there (a|any) (way|option|setting|guide|documentation)|"
    r"can (i|we|you) (change|set|add|find|see|use|export|import|share|submit|attach|make)|"
    r"(need|want|would like|like) to (know|understand|learn)|(need|want|looking for) (help|advice|guidance) (on|with)|"
    r"not sure how|no idea how|do not know how|don'?t know how|can(not|'?t| not) (find|locate) (the|a|an|where|how|it|my|any)|"
    r"what am i missing|where did it go|how come|"
    r"wie (kann|geht|mache|funktioniert)|wo (finde|kann|ist))\b)", _F)

#: words a reader takes as "something is broken", outweighing a question
FAILURE_HARD = re.compile(
    r"\b(error\w*|fail\w*|crash\w*|(is|are|went|goes) down|down again|outage|broken|freez\w*|froze|hang\w*|"
    r"timeout|timed out|dump\w*|not work\w*|not wo\w*ing|doesn'?t work|does not work|won'?t (start|open|load|connect|print|work)|"
    r"disconnect\w*|unstable|not (loading|responding|starting|opening|syncing|printing|connecting)|"
    r"login loop|keeps? (crashing|closing|freezing|disconnecting|dropping|logging me out)|"
    r"stopped working|drops?|dropping|disappear\w*|vanish\w*|not recogni[sz]ed|keeps? asking|again and again|"
    r"(very|extremely|so|too) slow|langsam|kaputt|"
    r"not (printed|sent|saved|delivered)|(is|stays|comes out) empty|mails? bounce\w*|go(es)? black|turns? black|"
    r"no longer works?|blue screen|black screen|stays? black|no (sound|signal|picture|audio)|"
    r"drains?|overheat\w*|jam\w*|corrupt\w*|flicker\w*|flickres|red cross(es)?|preview (is )?empty|"
    r"bricht (\w+ )?ab|hängt|"
    r"geht nicht|funktioniert nicht|stürzt|fehler\w*|absturz|abgestürzt)\b", _F)

#: weaker failure evidence that a question outweighs
FAILURE_SOFT = re.compile(
    r"\b(does not|doesn'?t|cannot|can'?t|cant|unable|slow\w*|stuck|lost|lose|missing|gone|"
    r"not (showing|visible|shown|arriving|received)|issue|problem)\b", _F)

HOWTO_WEAK = re.compile(r"\b(instructions?|guide|tutorial|explain|question|unclear|confus\w*|documentation)\b", _F)
REQUEST_WEAK = re.compile(r"\b(access|permission|grant|role|licen[cs]e|request(ing)?)\b", _F)


def text_rule(text: str) -> str:
    """What the text alone says a ticket is: ``failure``, ``howto``, ``request``, or "" (no rule).

    The first line is the title: a hard failure there outweighs a request in the body.

    Examples
    --------
    >>> text_rule("How do I fix error 500?"), text_rule("the thing on my desk")
    ('failure', '')
    >>> text_rule("need a new mouse\\nCould I get a new one? The scroll wheel is broken.")
    'request'
    >>> text_rule("out of office\\nI cannot find the option, where did it go?")
    'howto'
    >>> text_rule("I need to know where to find the travel policy")
    'howto'
    >>> text_rule("VPN keeps disconnecting")
    'failure'
    """
    title = text.split("\n", 1)[0]
    if REPLACEMENT.search(text):
        return "request"
    hard = FAILURE_HARD.search(text)
    request = REQUEST_STRONG.search(text)
    question = None if hard else HOWTO_STRONG.search(text)
    if request and not FAILURE_HARD.search(title) and (question is None or request.start() < question.start()):
        return "request"
    if question:
        return "howto"
    if hard or FAILURE_SOFT.search(text):
        return "failure"
    if HOWTO_WEAK.search(text):
        return "howto"
    return "request" if REQUEST_WEAK.search(text) else ""


__all__ = ["text_rule"]
