"""Config values checked for meaning, not only type: every key that would break a run later.

:func:`check_meaning` runs at the end of :func:`trendminer.config.load_settings`, so ``run``,
``validate`` and every other command refuse the same bad values with the same message:
the key, the value and what is allowed.
"""
from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from .compute import SCHEDULER
from .errors import BAD_CONFIG_VALUE, ConfigError


def _positive(value: Any) -> bool:
    return value > 0


def _non_negative(value: Any) -> bool:
    return value >= 0


def _one_char(value: str) -> bool:
    return len(value) == 1 and value not in "\r\n\""


def _encoding(value: str) -> bool:
    try:
        codecs.lookup(value)
    except LookupError:
        return False
    return True


def _timezone(value: str) -> bool:
    import zoneinfo

    if value.upper() == "UTC":
        return True
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    """The language codes the language detector knows (py3langid's ~97)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return frozenset(LanguageIdentifier.from_model_file(MODEL_FILE).nb_classes)


def _language(value: str) -> bool:
    return value in known_languages()


def _share(value: float) -> bool:
    return 0 <= value <= 1


#: (section path, key) -> (test, what is allowed)
RULES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    ("ingest.read", "delimiter"): (_one_char, "exactly one character, e.g. \",\" or \";\" or \"\\t\""),
    ("ingest.read", "encoding"): (_encoding, "an encoding Python knows, e.g. \"utf-8\", \"cp1252\", \"latin-1\""),
    ("ingest.read", "timezone"): (_timezone, "an IANA time zone name, e.g. \"UTC\" or \"Europe/Berlin\""),
    ("ingest.read", "date_order"): (lambda v: v in ("auto", "dmy", "mdy"), "\"auto\", \"dmy\" or \"mdy\""),
    ("ingest.read", "max_text_chars"): (_positive, "a whole number above 0"),
    ("ingest.read", "max_stream_mb"): (_positive, "a whole number of MB above 0"),
    ("ingest.read", "max_zip_ratio"): (_positive, "a ratio above 0"),
    ("ingest", "main_language"): (_language, "a two-letter language code the detector knows, e.g. \"en\", \"de\""),
    ("embed", "backend"): (lambda v: v in ("sentence-transformers", "multilingual-e5", "tfidf"),
                           "\"sentence-transformers\", \"multilingual-e5\" or \"tfidf\""),
    ("embed", "max_chars"): (_positive, "a whole number above 0"),
    ("embed", "batch_size"): (_positive, "a whole number above 0"),
    ("embed", "batch_tokens"): (_positive, "a whole number above 0"),
    ("topics", "min_topic_size"): (lambda v: v >= 2, "a whole number of 2 or more"),
    ("topics", "lookback_days"): (_positive, "a whole number of days above 0"),
    ("topics", "n_representatives"): (_non_negative, "0 or more"),
    ("topics", "n_keyphrases"): (_positive, "a whole number above 0"),
    ("topics", "keyphrase_sample"): (_positive, "a whole number above 0"),
    ("topics", "assign_threshold"): (lambda v: -1 <= v <= 1, "a cosine similarity between -1 and 1"),
    ("systems", "fuzzy_threshold"): (lambda v: 0 <= v <= 100, "0 to 100"),
    ("signals", "kind_min_probability"): (_share, "a probability between 0 and 1"),
    ("signals", "repeat_days"): (_non_negative, "0 or more days"),
    ("signals", "resolve_full_ratio"): (lambda v: v > 1, "a ratio above 1"),
    ("signals", "csat_neutral"): (_share, "between 0 and 1"),
    ("survey_head", "min_rated"): (_non_negative, "0 or more rated tickets"),
    ("survey_head", "folds"): (lambda v: v >= 2, "2 or more folds"),
    ("survey_head", "Cs"): (lambda v: len(v) > 0 and all(c > 0 for c in v), "a list of numbers above 0"),
    ("score", "window_days"): (_positive, "a whole number of days above 0"),
    ("score", "min_tickets"): (_non_negative, "0 or more tickets"),
    ("score", "irritation_prior"): (_non_negative, "0 or more"),
    ("score.cost", "handle_hours"): (_non_negative, "0 or more hours"),
    ("score.cost", "hourly_rate"): (_non_negative, "0 or more"),
    ("trends", "recent_days"): (_positive, "a whole number of days above 0"),
    ("trends", "baseline_days"): (_positive, "a whole number of days above 0"),
    ("trends", "min_count"): (_non_negative, "0 or more tickets"),
    ("trends", "spike_p"): (_share, "a p-value between 0 and 1"),
    ("trends", "rise_p"): (_share, "a p-value between 0 and 1"),
    ("trends", "spike_ratio"): (_positive, "a ratio above 0"),
    ("knowledge", "deflection"): (_share, "a share between 0 and 1, e.g. 0.3 for 30 % of the tickets prevented"),
    ("report", "evidence_tickets"): (_non_negative, "0 or more"),
    ("report", "top_topics"): (_non_negative, "0 or more"),
    ("report", "quotes"): (_non_negative, "0 or more"),
    ("compute", "scheduler"): (lambda v: bool(SCHEDULER.match(v)),
                               "\"\" (this process), \"local:N\" (N worker processes) or \"tcp://host:port\""),
}

#: tables whose every value is a non-negative weight or target
NON_NEGATIVE_TABLES = ("signals.weights", "score.weights", "signals.resolve_target_hours", "knowledge.subject_margin")


def _section(data: Mapping[str, Any], dotted: str) -> Mapping[str, Any]:
    for part in dotted.split("."):
        data = data[part]
    return data


def _fail(key: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(BAD_CONFIG_VALUE.format(key=key, value=value, allowed=allowed))


def check_meaning(data: Mapping[str, Any]) -> None:
    """Refuse config values a run cannot use.

    Raises
    ------
    ConfigError
        Naming the key, its value and what is allowed.

    Examples
    --------
    >>> from trendminer.config import default_dict
    >>> check_meaning(default_dict())
    """
    for (dotted, key), (ok, allowed) in RULES.items():
        value = _section(data, dotted)[key]
        if not ok(value):
            raise _fail(f"{dotted}.{key}", value, allowed)
    for dotted in NON_NEGATIVE_TABLES:
        table = _section(data, dotted)
        for key, value in table.items():
            if not value >= 0 or value != value or value == float("inf"):
                raise _fail(f"{dotted}.{key}", value, "a finite number of 0 or more")
    for i, pattern in enumerate(data["clean"]["id_patterns"]):
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise _fail(f"clean.id_patterns[{i}]", pattern,
                        f"a Python regular expression (this one does not compile: {exc}); write it as a "
                        "TOML literal string in single quotes, e.g. '\\bE\\d{6}\\b'") from None
    languages = data["ingest"]["languages"]
    unknown = sorted(set(languages) - known_languages())
    if unknown:
        raise _fail("ingest.languages", unknown, "language codes the detector knows, e.g. [\"en\", \"de\"]")
