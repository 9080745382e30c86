"""Trends per system and per topic: the recent window against a baseline.

The one-week statistics behind the findings (:mod:`trendminer.findings`), which alone set the
status of a topic or system. Each row states observed vs expected and the one-sided Poisson
p-value behind its flag:
``new`` (nothing in the baseline), ``spiking`` (p < trends.spike_p, at least trends.spike_ratio
times the expected count and trends.spike_min_count tickets),
``rising`` (p < trends.rise_p and 1.5x), ``fading`` (significantly below, at most half),
else ``steady``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import poisson

from .config import Settings
from .schema import TRENDS, Assignments, Attribution, Tickets, TopicInfo, Trends, validate
from .window import Window


def flag_counts(recent: np.ndarray, baseline: np.ndarray, scale: float, settings: Settings) -> pd.DataFrame:
    """Expected counts, ratios, p-values and flags for arrays of recent/baseline counts.

    Examples
    --------
    >>> from trendminer.config import load_settings
    >>> flag_counts(np.array([40, 5, 0]), np.array([40, 20, 0]), 0.25, load_settings())["flag"].tolist()
    ['spiking', 'steady', 'steady']
    """
    opts = settings["trends"]
    min_count = int(opts["min_count"])
    expected = baseline * scale
    ratio = (recent + 0.5) / (expected + 0.5)
    p_rise = poisson.sf(recent - 1, np.maximum(expected, 0.5))
    p_fall = poisson.cdf(recent, np.maximum(expected, 0.5))
    flag = np.full(len(recent), "steady", dtype=object)
    enough = recent >= min_count
    flag[(p_rise < float(opts["rise_p"])) & (ratio >= 1.5) & enough] = "rising"
    flag[(p_rise < float(opts["spike_p"])) & (ratio >= float(opts["spike_ratio"]))
         & (recent >= int(opts["spike_min_count"]))] = "spiking"
    flag[(baseline == 0) & enough] = "new"
    flag[(expected >= min_count) & (p_fall < float(opts["rise_p"])) & (ratio <= 0.5)] = "fading"
    p_value = np.where(flag == "fading", p_fall, p_rise)
    return pd.DataFrame({"expected": expected, "ratio": ratio, "p_value": p_value, "flag": flag})


def _daily(data: pd.DataFrame, names: list[str], start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Tickets per entity (rows) and day (columns) from ``start`` to the day before ``end``."""
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    inside = data[(data["when"] >= start) & (data["when"] < end)]
    table = pd.crosstab(inside["entity"], inside["when"].dt.normalize())
    return table.reindex(index=names, columns=days, fill_value=0)


def _today(daily: pd.DataFrame, window: Window, part: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The as-of day against the same weekday in the baseline weeks, and since when a flag holds.

    A one-day outage is flagged the night it starts even when the week's total is not yet
    significant: the day's count is tested against the mean of the same weekday in the
    baseline (a weekday-aware Poisson test with the same spike thresholds).
    """
    opts = settings["trends"]
    recent_days, base_days = window.recent_days, window.baseline_days
    day = window.as_of
    same_weekday = [d for d in daily.columns[:base_days] if d.weekday() == day.weekday()]
    today = daily[day].to_numpy() if day in daily.columns else np.zeros(len(daily), dtype=int)
    expected = daily[same_weekday].mean(axis=1).to_numpy() if same_weekday else np.zeros(len(daily))
    p_today = poisson.sf(today - 1, np.maximum(expected, 0.5))
    spike_today = ((p_today < float(opts["spike_p"])) & (today >= int(opts["spike_min_count"]))
                   & ((today + 0.5) / (expected + 0.5) >= float(opts["spike_ratio"])))
    flags = part["flag"].to_numpy().copy()
    flags[spike_today & (flags != "new")] = "spiking"
    # since: the first recent day with twice (and at least 3 more than) its weekday's usual count
    recent = daily.iloc[:, -recent_days:]
    weekday_mean = {wd: daily.iloc[:, :base_days].loc[:, [d.weekday() == wd for d in daily.columns[:base_days]]].mean(axis=1)
                    for wd in range(7)}
    since = []
    for i, (flag, entity) in enumerate(zip(flags, daily.index)):
        if flag in ("steady", "fading"):
            since.append("")
            continue
        usual = {d: weekday_mean[d.weekday()].iloc[i] for d in recent.columns}
        high = [d for d in recent.columns if recent.at[entity, d] >= max(2 * usual[d], usual[d] + 3)]
        since.append(str(high[0].date()) if high else str(recent.columns[0].date()))
    return pd.DataFrame({"flag": flags, "today": today, "today_expected": expected, "since": since},
                        index=part.index)


def trends(tickets: Tickets, *, attribution: Attribution, assignments: Assignments, info: TopicInfo,
           window: Window, settings: Settings) -> Trends:
    """Recent-vs-baseline counts and flags for every system and topic.

    Parameters
    ----------
    tickets, attribution, assignments, info
        Aligned frames of this run.
    window : Window
        The ``recent`` period against the ``baseline`` before it.
    settings : Settings
        Uses ``trends.*`` (thresholds; the periods come from ``window``).

    Returns
    -------
    Trends
        Sorted by entity type, then flag severity, then recent count.
    """
    end, recent_start, base_start = window.end, window.recent_start, window.baseline_start
    opened = tickets.set_index("ticket_id")["opened_at"]
    frames = []
    labels = dict(zip(info["topic_id"].astype(str), info["label"]))
    for kind, frame, key in (("system", attribution, "system"), ("topic", assignments, "topic_id")):
        when = opened.reindex(frame["ticket_id"]).to_numpy()
        entity = frame[key].astype(str).to_numpy()
        if kind == "topic":
            keep = frame["topic_id"].to_numpy() >= 0
            when, entity = when[keep], entity[keep]
        data = pd.DataFrame({"entity": entity, "when": when})
        recent = data[(data["when"] >= recent_start) & (data["when"] < end)].groupby("entity").size()
        base = data[(data["when"] >= base_start) & (data["when"] < recent_start)].groupby("entity").size()
        names = sorted(set(recent.index) | set(base.index))
        counts = pd.DataFrame({"entity": names,
                               "recent": recent.reindex(names, fill_value=0).to_numpy(),
                               "baseline": base.reindex(names, fill_value=0).to_numpy()})
        flags = flag_counts(counts["recent"].to_numpy(), counts["baseline"].to_numpy(), window.recent_scale,
                            settings)
        part = pd.concat([counts, flags], axis=1)
        extra = _today(_daily(data, names, base_start, end), window, part, settings)
        part["flag"] = extra.pop("flag")
        part = pd.concat([part, extra], axis=1)
        part.insert(0, "entity_type", kind)
        part.insert(2, "label", [labels.get(e, e) if kind == "topic" else e for e in names])
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    order = {"spiking": 0, "new": 1, "rising": 2, "fading": 3, "steady": 4}
    out = out.assign(_o=out["flag"].map(order)).sort_values(
        ["entity_type", "_o", "recent", "entity"], ascending=[True, True, False, True]
    ).drop(columns="_o").reset_index(drop=True)
    return validate(out[list(TRENDS)], TRENDS, "trends")
