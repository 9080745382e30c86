from __future__ import annotations

import pytest

from trendminer.config import load_settings
from trendminer.errors import ConfigError


def test_config_defaults_load_and_are_frozen():
    settings = load_settings()
    assert settings["embed"]["backend"] == "sentence-transformers"
    with pytest.raises(TypeError):
        settings["embed"]["backend"] = "tfidf"  # type: ignore[index]


@pytest.mark.parametrize("override, key, expected", [
    ("embed.backend=tfidf", ("embed", "backend"), "tfidf"),
    ("topics.min_topic_size=9", ("topics", "min_topic_size"), 9),
    ("score.cost.hourly_rate=70", ("score", "cost", "hourly_rate"), 70.0),
])
def test_config_override_parses_toml_values(override, key, expected):
    value = load_settings(overrides=[override]).data
    for k in key:
        value = value[k]
    assert value == expected


@pytest.mark.parametrize("override, message", [
    ("embed.backnd=tfidf", "Unknown config key 'embed.backnd'"),
    ("topics.min_topic_size=big", "must be a int"),
    ("embed.backend", "use KEY=VALUE"),
])
def test_config_rejects_unknown_keys_and_bad_types(override, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(overrides=[override])


def test_config_file_paths_resolve_against_the_file(tmp_path):
    cfg = tmp_path / "conf" / "tm.toml"
    cfg.parent.mkdir()
    cfg.write_text('[systems]\ncatalogue = "cat.csv"\n')
    assert load_settings(cfg)["systems"]["catalogue"] == str(cfg.parent / "cat.csv")


def test_config_missing_or_invalid_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[embed\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)


def test_config_digest_changes_with_values():
    assert load_settings().digest != load_settings(overrides=["topics.random_state=1"]).digest
