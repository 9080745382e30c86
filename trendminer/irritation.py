"""Text irritation: the calibrated probability that a reader would call a text irritated.

The model is a logistic regression over three feature blocks, trained by
``scripts/train_irritation.py`` on GoEmotions (Reddit comments labelled by people; the
labels annoyance, anger, disappointment and disapproval are the irritated side, see the
reviewed ``models/irritation/label_map.csv``):

- the all-MiniLM-L6-v2 sentence embedding the run has already computed for topics,
- word 1-2-gram tf-idf over a shipped vocabulary,
- the irritation cue lexicon (``lexicons/irritation.jsonl``: frustration, repetition,
  urgency, escalation) and shouting, as learned features, not hand weights.

Its raw probability is mapped through an isotonic calibration fitted on held-aside data
(GoEmotions dev), so 0.7 means that about 7 in 10 texts scored 0.7 were called irritated
by the raters. It ships as plain numbers in ``models/irritation/model.json`` (no pickle).

Multi-turn text: :func:`customer_segments` splits a description into the messages it
holds and drops the agent's; :func:`text_irritation` scores every customer segment and
keeps the worst (the maximum).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import expit

from .errors import ModelError
from .shipped_model import read_json_model, sublinear_tfidf

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "irritation"
MODEL_FILE = "model.json"
#: the words + cues model (no embedding block) for runs whose vectors are not the packaged model's
WORDS_MODEL_FILE = "words_model.json"
LABEL_MAP = MODEL_DIR / "label_map.csv"
TRAIN_COMMAND = "python scripts/train_irritation.py"
FORMAT = "trendminer.irritation.linear.v1"
TOKEN_PATTERN = r"(?u)\b\w+\b|[!?]+"
#: cue features, in column order: lexicon labels (log1p of counts) and the shouting score
CUES: tuple[str, ...] = ("frustration", "repetition", "urgency", "escalation", "shouting")

IRRITATION_MODEL_MISSING = (
    "The irritation model was not found at {path}.\n"
    "Fix: train it (needs ../shared/data/goemotions, takes about ten minutes) with\n\n"
    "    " + TRAIN_COMMAND + "\n\n"
    "run from the trendminer repository root."
)


@dataclass(frozen=True)
class IrritationModel:
    """``p = calibrate(sigmoid(tfidf @ w_words + e * x @ w_embed + c * cues @ w_cues + b))``.

    Parameters
    ----------
    coef : numpy.ndarray
        ``(len(vocabulary) + dim + len(CUES),)`` weights: words, embedding, cues.
    intercept : float
    vocabulary : tuple of str
        Word 1-2-grams (lower-cased, :data:`TOKEN_PATTERN`), in column order.
    idf : numpy.ndarray
        ``(len(vocabulary),)`` inverse document frequencies.
    calibration_x, calibration_y : numpy.ndarray
        Isotonic calibration as a piecewise-linear map from raw to calibrated probability
        (``x`` increasing, ``y`` non-decreasing); empty = no calibration.
    embed_weight, cue_weight : float
        Scales of the embedding and cue blocks.
    embedder : str
        Name of the embedder whose vectors the model expects ("" if unknown).
    """

    coef: np.ndarray
    intercept: float
    vocabulary: tuple[str, ...] = ()
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    calibration_x: np.ndarray = field(default_factory=lambda: np.zeros(0))
    calibration_y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    embed_weight: float = 1.0
    cue_weight: float = 1.0
    embedder: str = ""

    @property
    def dim(self) -> int:
        """Length of the embedding vectors the model expects."""
        return int(self.coef.shape[0]) - len(self.vocabulary) - len(CUES)

    def text_features(self, texts: Sequence[str]):  # noqa: ANN201 - scipy.sparse.csr_matrix
        """``(n, len(vocabulary))`` sublinear tf-idf rows, L2-normalised (sparse)."""
        return sublinear_tfidf(texts, self.vocabulary, self.idf, TOKEN_PATTERN)

    def word_logits(self, texts: Sequence[str]) -> np.ndarray:
        """``(n,)`` the words block's share of the logit (zeros without a vocabulary); each
        text's value depends on that text alone, so it can be cached per text."""
        n_words = len(self.vocabulary)
        if not n_words or not len(texts):
            return np.zeros(len(texts), dtype=np.float64)
        return np.asarray(self.text_features(texts) @ self.coef[:n_words]).ravel()

    def raw_probability(self, vectors: np.ndarray, texts: Sequence[str] | None, cues: np.ndarray,
                        words: np.ndarray | None = None) -> np.ndarray:
        """Uncalibrated probabilities, ``(n,)``; ``words`` = :meth:`word_logits` of the texts,
        when cached, stands in for ``texts`` (same result).

        Raises
        ------
        ValueError
            If the shapes of ``vectors``, ``texts`` and ``cues`` do not fit the model. A
            model without an embedding block (``dim`` 0) ignores ``vectors``.
        """
        texts = texts if words is None else [""] * len(words)
        x = np.asarray(vectors, dtype=np.float64) if self.dim else np.zeros((len(texts), 0))
        c = np.asarray(cues, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"irritation model expects (n, {self.dim}) vectors, got shape {x.shape}")
        if len(texts) != len(x) or c.shape != (len(x), len(CUES)):
            raise ValueError(f"irritation model needs one text and one row of {len(CUES)} cues per vector")
        n_words = len(self.vocabulary)
        logit = (self.embed_weight * x @ self.coef[n_words:n_words + self.dim]
                 + self.cue_weight * c @ self.coef[n_words + self.dim:] + self.intercept)
        if n_words and len(x):
            logit = logit + (self.word_logits(texts) if words is None else np.asarray(words, dtype=np.float64))
        return expit(logit)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Raw probabilities through the calibration map (identity when there is none).

        Examples
        --------
        >>> m = IrritationModel(np.zeros(6), 0.0, calibration_x=np.array([0.0, 0.5, 1.0]),
        ...                     calibration_y=np.array([0.0, 0.2, 1.0]))
        >>> m.calibrate(np.array([0.25, 0.75])).round(3).tolist()
        [0.1, 0.6]
        """
        raw = np.asarray(raw, dtype=np.float64)
        if not len(self.calibration_x):
            return raw
        return np.interp(raw, self.calibration_x, self.calibration_y)

    def probability(self, vectors: np.ndarray, texts: Sequence[str] | None, cues: np.ndarray,
                    words: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probability that a reader calls each text irritated, ``(n,)``."""
        return self.calibrate(self.raw_probability(vectors, texts, cues, words))

    def to_dict(self, decimals: int = 6) -> dict:
        """JSON-ready form (floats rounded to ``decimals``)."""
        def r(values: np.ndarray) -> list[float]:
            return [round(float(v), decimals) for v in values]

        return {"format": FORMAT, "embedder": self.embedder, "cues": list(CUES),
                "embed_weight": self.embed_weight, "cue_weight": self.cue_weight,
                "intercept": round(float(self.intercept), decimals),
                "calibration": {"method": "isotonic", "x": r(self.calibration_x), "y": r(self.calibration_y)},
                "vocabulary": list(self.vocabulary), "idf": r(self.idf), "coef": r(self.coef)}

    @classmethod
    def from_dict(cls, data: dict) -> IrritationModel:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        ValueError
            If the format, the cue list or the array shapes do not fit.
        """
        if data.get("format") != FORMAT or tuple(data.get("cues", ())) != CUES:
            raise ValueError(f"not a {FORMAT} model with cues {list(CUES)}")
        coef = np.asarray(data["coef"], dtype=np.float64)
        vocabulary = tuple(data.get("vocabulary", ()))
        idf = np.asarray(data.get("idf", ()), dtype=np.float64)
        cal = data.get("calibration", {})
        cx, cy = (np.asarray(cal.get(k, ()), dtype=np.float64) for k in ("x", "y"))
        if (coef.ndim != 1 or idf.shape != (len(vocabulary),) or coef.shape[0] < len(vocabulary) + len(CUES)
                or cx.shape != cy.shape or np.any(np.diff(cx) < 0) or np.any(np.diff(cy) < 0)):
            raise ValueError("coef must be (n_words + dim + n_cues,), idf (n_words,), and the "
                             "calibration x and y of one length, both non-decreasing")
        return cls(coef, float(data["intercept"]), vocabulary, idf, cx, cy,
                   float(data.get("embed_weight", 1.0)), float(data.get("cue_weight", 1.0)),
                   str(data.get("embedder", "")))


def default_model_path() -> Path:
    """``models/irritation/model.json`` at the repository root."""
    return MODEL_DIR / MODEL_FILE


def load_model(path: str | Path | None = None, words_only: bool = False) -> IrritationModel:
    """Read a model file written by ``scripts/train_irritation.py`` (the shipped ones are cached).

    Parameters
    ----------
    path : str or Path, optional
        Default: the shipped ``model.json``, or ``words_model.json`` with ``words_only``.
    words_only : bool
        The words + cues model, for vectors from another embedder.

    Raises
    ------
    ModelError
        If the file is missing or damaged; the message names the training command.
    """
    default = MODEL_DIR / WORDS_MODEL_FILE if words_only else default_model_path()
    return _load(str(Path(path).resolve()) if path else str(default))


def model_for(embedder: str, dim: int) -> IrritationModel:
    """The shipped model that fits vectors of this embedder and length: the full model for the
    packaged all-MiniLM-L6-v2, else the words + cues model."""
    return load_model(model_path_for(embedder, dim))


def model_path_for(embedder: str, dim: int) -> Path:
    """The file of :func:`model_for`'s model."""
    model = load_model()
    fits = (not model.embedder or embedder.startswith(model.embedder)) and dim == model.dim
    return default_model_path() if fits else MODEL_DIR / WORDS_MODEL_FILE


@lru_cache(maxsize=4)
def _load(path: str) -> IrritationModel:
    return read_json_model(Path(path), IrritationModel.from_dict, "irritation", IRRITATION_MODEL_MISSING,
                           TRAIN_COMMAND)


def cue_matrix(counts: Sequence[Counter], shouting: Sequence[float]) -> np.ndarray:
    """``(n, len(CUES))`` cue features: ``log1p`` of each lexicon label's count, then shouting.

    Examples
    --------
    >>> cue_matrix([Counter({"frustration": 1})], [0.4]).round(3).tolist()
    [[0.693, 0.0, 0.0, 0.0, 0.4]]
    """
    rows = [[np.log1p(c.get(label, 0)) for label in CUES[:-1]] + [float(s)] for c, s in zip(counts, shouting)]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CUES))


def shouting(text: str) -> float:
    """0..1: share of capitals among letters (when mostly capitals) and runs of '!'.

    Examples
    --------
    >>> shouting("OUTLOOK IS DOWN AGAIN!!!")
    1.0
    >>> shouting("Outlook is down")
    0.0
    """
    letters = [c for c in text if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 8 else 0.0
    score = 0.6 if caps > 0.6 else 0.0
    score += 0.4 if "!!" in text else 0.0
    return min(score, 1.0)


def text_cues(texts: Sequence[str]) -> np.ndarray:
    """Cue features of raw texts (parses them with the shared spaCy pipeline)."""
    from . import nlp

    counts = [nlp.cue_counts(doc) for doc in nlp.docs([nlp.ticket_text(t, "") for t in texts])]
    return cue_matrix(counts, [shouting(t) for t in texts])


# --- multi-turn text ----------------------------------------------------------------------

_BOUNDARY = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|forwarded message|reply above this line)\s*-{2,}|"
    r"on .{3,80} wrote:|am .{3,80} schrieb .{0,40}:|_{5,}|-{5,})\s*$", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(r"^\s*(?:from|von)\s*:\s*(?P<who>.*)$", re.IGNORECASE | re.MULTILINE)
_SPEAKER = re.compile(
    r"^\s*\[?(?P<who>agent|analyst|technician|support|service ?desk|help ?desk|it support|"
    r"customer|user|caller|requester|client|me)\]?\s*[:>-]\s?", re.IGNORECASE | re.MULTILINE)
_AGENT_WORDS = re.compile(r"\b(agent|analyst|technician|support|service ?desk|help ?desk|servicedesk|"
                          r"helpdesk|it team|noreply|no-reply)\b", re.IGNORECASE)


def customer_segments(text: str) -> list[str]:
    """The parts of a (possibly multi-message) description that the customer wrote.

    Messages are split at quote markers ("----- Original Message -----", "On ... wrote:",
    a ``From:`` header line) and at speaker labels of chat transcripts ("Agent:",
    "Customer:"). A message whose sender or speaker names the desk (agent, support, service
    desk ...) is the agent's and is dropped; quoted lines ("> ...") belong to the message
    they quote. Each kept message is cleaned like a description
    (:func:`trendminer.clean.clean_text`: headers, greetings and signatures go). With no
    customer text left the whole cleaned text is returned, so nothing goes unscored.

    Examples
    --------
    >>> customer_segments("Customer: still broken, third time!\\nAgent: we are on it.\\nCustomer: ok")
    ['still broken, third time!', 'ok']
    >>> customer_segments("Fixed now?\\n\\n-----Original Message-----\\nFrom: Service Desk\\nWe restarted it.")
    ['Fixed now?']
    """
    from .clean import clean_text

    parts: list[tuple[str, str]] = []   # (speaker hint, text)
    pieces = _BOUNDARY.split(text)
    for piece in pieces:
        quoted = "\n".join(line.lstrip()[1:] if line.lstrip().startswith(">") else line
                           for line in piece.splitlines())
        sender = _FROM.search(quoted)
        hint = sender.group("who") if sender else ""
        turns = list(_SPEAKER.finditer(quoted))
        if not turns:
            parts.append((hint, quoted))
            continue
        if quoted[:turns[0].start()].strip():
            parts.append((hint, quoted[:turns[0].start()]))
        for turn, nxt in zip(turns, [*turns[1:], None]):
            parts.append((turn.group("who"), quoted[turn.end():nxt.start() if nxt else len(quoted)]))
    kept = [clean_text(body) for who, body in parts if not _AGENT_WORDS.search(who)]
    kept = [k for k in kept if k]
    return kept or [clean_text(text)]


def text_irritation(vectors: np.ndarray, texts: Sequence[str], model: IrritationModel | None = None,
                    cues: np.ndarray | None = None,
                    embed: Callable[[list[str]], np.ndarray] | None = None) -> np.ndarray:
    """Calibrated irritation probability per text; multi-message texts by their worst customer part.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` vectors of the texts (the run's embeddings).
    texts : sequence of str
    model : IrritationModel, optional
        Default: the shipped model.
    cues : numpy.ndarray, optional
        ``(n, len(CUES))`` from :func:`cue_matrix` when the caller has counted them already
        (signals has); else they are counted here.
    embed : callable, optional
        ``embed(texts) -> vectors``. A text that holds more than one message, or agent text,
        is scored as the maximum over its customer segments: each segment's words and cues,
        with the segment's own vector when ``embed`` is given, else the whole text's vector.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` probabilities in 0..1.
    """
    model = model if model is not None else load_model()
    texts = list(texts)
    if not texts:
        return np.zeros(0, dtype=np.float64)
    cues = text_cues(texts) if cues is None else np.asarray(cues, dtype=np.float64)
    out = model.probability(vectors, texts, cues)
    split = split_messages(texts)
    if split:
        owners = [i for i, segs in split.items() for _ in segs]
        segments = [s for segs in split.values() for s in segs]
        seg_vectors = embed(segments) if embed is not None else np.asarray(vectors)[owners]
        seg_p = model.probability(seg_vectors, segments, text_cues(segments))
        raise_to_segments(out, owners, seg_p)
    return out


def raise_to_segments(out: np.ndarray, owners: Sequence[int], seg_p: Sequence[float]) -> None:
    """Set ``out[i]`` to the most irritated of ticket ``i``'s segments (chat messages), in place.

    Examples
    --------
    >>> out = np.array([0.1, 0.2]); raise_to_segments(out, [1, 1], [0.5, 0.9]); out.tolist()
    [0.1, 0.9]
    """
    best: dict[int, float] = {}
    for owner, p in zip(owners, seg_p):
        best[owner] = max(best.get(owner, 0.0), float(p))
    for owner, p in best.items():
        out[owner] = p


def split_messages(texts: Sequence[str]) -> dict[int, list[str]]:
    """``{i: customer segments}`` of the texts that hold more than one message or agent text."""
    return {i: segs for i, t in enumerate(texts) if _may_be_multi(t) and (segs := customer_segments(t)) != [t.strip()]}


def _may_be_multi(text: str) -> bool:
    """Cheap pre-check: only texts with a boundary, a sender line or a speaker label are split."""
    return bool(_BOUNDARY.search(text) or _FROM.search(text) or _SPEAKER.search(text) or "\n>" in text)


#: characters of a ticket's description the words and cues read (the vector covers the head)
TICKET_CHARS = 2000


def ticket_texts(titles: Sequence[str], descriptions: Sequence[str]) -> list[str]:
    """What the model reads of each ticket besides its vector: the title, a new line, and the
    first :data:`TICKET_CHARS` characters of the cleaned description (lines kept, so
    :func:`customer_segments` can split messages).

    Examples
    --------
    >>> ticket_texts(["VPN down"], ["Customer: again!\\nAgent: on it"])
    ['VPN down\\nCustomer: again!\\nAgent: on it']
    """
    return [f"{t}\n{d[:TICKET_CHARS]}" if d else str(t) for t, d in zip(titles, descriptions)]


def wilson_interval(k: np.ndarray, n: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the share ``k / n`` (95% by default); ``(0, 1)`` where ``n`` is 0.

    Examples
    --------
    >>> lo, hi = wilson_interval(np.array([0, 5, 32]), np.array([10, 10, 100]))
    >>> [round(float(v), 4) for v in (*lo, *hi)]
    [0.0, 0.2366, 0.2367, 0.2775, 0.7634, 0.4166]
    """
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    safe = np.where(n > 0, n, 1.0)
    p = k / safe
    centre = (p + z * z / (2 * safe)) / (1 + z * z / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / (1 + z * z / safe)
    return np.where(n > 0, np.clip(centre - half, 0, 1), 0.0), np.where(n > 0, np.clip(centre + half, 0, 1), 1.0)


__all__ = ["CUES", "IrritationModel", "customer_segments", "cue_matrix", "default_model_path",
           "load_model", "model_for", "model_path_for", "split_messages", "text_cues", "ticket_texts", "text_irritation", "wilson_interval"]
