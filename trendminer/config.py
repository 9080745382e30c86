"""Configuration: shipped ``defaults.toml``, then the user's file, then ``--set`` overrides.

The merged result is one frozen :class:`Settings`. Unknown keys and wrongly typed values
are refused with the key's name, so a typo never silently falls back to a default.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .config_check import check_meaning
from .errors import CONFIG_NOT_UTF8, ConfigError

#: keys whose values are file paths, resolved against the config file's folder
PATH_KEYS = (("systems", "catalogue"), ("embed", "model_path"), ("topics", "curation"), ("knowledge", "articles"),
             ("changes", "file"))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Settings:
    """Resolved configuration, read-only.

    Use ``settings["embed"]["backend"]``.
    """

    data: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __reduce__(self) -> tuple:
        """Pickle as a plain dict (read-only mappings do not pickle): workers get a copy."""
        return (Settings.from_dict, (self.to_dict(),))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        return cls(_freeze(data))

    def to_dict(self) -> dict[str, Any]:
        """Return a mutable deep copy (for manifests and JSON)."""
        return _thaw(self.data)

    @property
    def digest(self) -> str:
        """A short hash of the resolved configuration, recorded with every run."""
        analysis = {k: v for k, v in self.to_dict().items() if k != "compute"}   # where it runs changes no result
        blob = json.dumps(analysis, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def default_dict() -> dict[str, Any]:
    """Return the shipped defaults as a plain dict."""
    text = resources.files("trendminer").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], update: Mapping[str, Any], where: str) -> None:
    for key, value in update.items():
        dotted = f"{where}.{key}" if where else key
        if key not in base:
            known = ", ".join(sorted(base)) or "(none)"
            raise ConfigError(f"Unknown config key {dotted!r}. Known keys here: {known}.")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"Config key {dotted!r} must be a table like [{dotted}].")
            _merge(current, value, dotted)
            continue
        if isinstance(current, bool) != isinstance(value, bool) or (
            isinstance(current, (int, float)) and not isinstance(value, (int, float))
        ) or (isinstance(current, str) and not isinstance(value, str)):
            raise ConfigError(
                f"Config key {dotted!r} must be a {type(current).__name__}, got {value!r}."
            )
        base[key] = float(value) if isinstance(current, float) else value


def _parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: use KEY=VALUE, e.g. --set embed.backend=tfidf")
    key, raw = item.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip().split("."), value


def load_settings(path: str | Path | None = None, overrides: Iterable[str] = ()) -> Settings:
    """Merge defaults, an optional TOML file and ``KEY=VALUE`` overrides.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file with any subset of the keys in ``defaults.toml``.
    overrides : iterable of str
        ``section.key=value`` strings; values are parsed as TOML, else taken as text.

    Returns
    -------
    Settings

    Raises
    ------
    ConfigError
        If the file is missing or unparsable, or a key or type is unknown.

    Examples
    --------
    >>> load_settings(overrides=["embed.backend=tfidf"])["embed"]["backend"]
    'tfidf'
    """
    data = default_dict()
    if path is not None:
        path = Path(path)
        try:
            user = tomllib.loads(_config_text(path))
        except FileNotFoundError:
            raise ConfigError(f"Config file {path} not found.") from None
        except IsADirectoryError:
            raise ConfigError(f"Config file {path} is a folder; pass --config the TOML file.") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(CONFIG_NOT_UTF8.format(path=path, reason=exc.reason)) from None
        except OSError as exc:
            raise ConfigError(f"Config file {path} cannot be read: {exc.strerror}.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
        _merge(data, user, "")
        for section, key in PATH_KEYS:
            value = data[section][key]
            if value and not Path(value).is_absolute():
                data[section][key] = str((path.parent / value).resolve())
    for item in overrides:
        keys, value = _parse_override(item)
        nested: dict[str, Any] = value
        for key in reversed(keys[1:]):
            nested = {key: nested}
        _merge(data, {keys[0]: nested}, "")
    check_meaning(data)
    return Settings(_freeze(data))


def _config_text(path: Path) -> str:
    """The config file's text: UTF-8 (with or without BOM), or UTF-16 with a BOM (Notepad)."""
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")
