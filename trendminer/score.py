"""Score and rank systems, and recommend what to do about each.

The composite trouble score is a weighted sum of parts scaled 0..1 across systems; the
parts are kept so reports can show why a system ranks where it does. Systems with fewer
than ``score.min_tickets`` tickets are ranked after the others, and failure rates carry an
exact Poisson 95% interval, so three unlucky tickets do not top the list.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from .config import Settings
from .schema import SYSTEM_SCORES, Assignments, Attribution, Signals, SystemScores, Tickets, Trends, validate
from .catalogue import Catalogue
from .trends import window_end

PARTS = ("failures", "failure_rate", "irritation", "trend")


def poisson_interval(count: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count.

    Examples
    --------
    >>> lo, hi = poisson_interval(np.array([0, 10]))
    >>> [round(float(x), 2) for x in (*lo, *hi)]
    [0.0, 4.8, 3.69, 18.39]
    """
    alpha = 1 - level
    count = np.asarray(count, dtype=float)
    lower = np.where(count > 0, chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    upper = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return lower, upper


def failure_step(weekly: np.ndarray, min_after: int, max_after: int, min_before: int) -> tuple[int, float, float, int]:
    """The most likely recent change point in weekly failure counts (oldest week first).

    The split maximises the Poisson log-likelihood of two steady rates, one before and one
    after. The new level must have lasted ``min_after`` to ``max_after`` weeks (a recent
    change) and the old one at least ``min_before`` weeks (a fair comparison).

    Returns
    -------
    split, before, after, elevated : int, float, float, int
        Index of the first week after the change (-1 if the series is too short), the weekly
        means before and after, and how many weeks after it are closer to the new mean than
        to the old one.

    Examples
    --------
    >>> failure_step(np.array([10, 12, 9, 11, 10, 40, 42, 38]), 3, 4, 4)
    (5, 10.4, 40.0, 3)
    >>> failure_step(np.array([10, 12, 9, 11, 10, 10, 11, 90]), 3, 4, 4)[3]  # a spike, not a step
    1
    >>> failure_step(np.array([10, 40, 42, 38]), 3, 4, 4)  # too little history
    (-1, 0.0, 0.0, 0)
    """
    weekly = np.asarray(weekly, dtype=float)
    n = len(weekly)
    splits = range(max(min_before, n - max_after), n - min_after + 1)
    if not len(splits):
        return -1, 0.0, 0.0, 0
    cum = np.cumsum(weekly)

    def loglik(total: float, weeks: int) -> float:
        return total * np.log(total / weeks) if total > 0 else 0.0

    best = max(splits, key=lambda s: (loglik(cum[s - 1], s) + loglik(cum[-1] - cum[s - 1], n - s), -s))
    before, after = float(cum[best - 1] / best), float((cum[-1] - cum[best - 1]) / (n - best))
    elevated = int((weekly[best:] >= (before + after) / 2).sum()) if after > before else 0
    return best, round(before, 2), round(after, 2), elevated


def howto_spread(topic_ids: pd.Series) -> float:
    """Effective number of topics the how-to tickets spread over (inverse Simpson index).

    The remainder (topic -1) is left out; NaN when no ticket has a topic.

    Examples
    --------
    >>> howto_spread(pd.Series([1, 1, 2, 2, -1])), howto_spread(pd.Series([3, 3, 3, 3]))
    (2.0, 1.0)
    """
    counts = topic_ids[topic_ids >= 0].value_counts()
    if not len(counts):
        return float("nan")
    shares = counts / counts.sum()
    return float(1 / (shares ** 2).sum())


def _scaled(values: pd.Series) -> pd.Series:
    top = values.max()
    return values / top if top and np.isfinite(top) and top > 0 else values * 0.0


def _recommend(row: pd.Series, lifecycle: str, n_ranked: int, rules: dict) -> tuple[str, list[str]]:
    reasons: list[tuple[str, str]] = []
    share = row["failures"] / row["tickets"] if row["tickets"] else 0.0
    howto = row["howto"] / row["tickets"] if row["tickets"] else 0.0
    if lifecycle in ("sunset", "retired") and row["tickets"]:
        reasons.append(("retire", f"lifecycle is {lifecycle} and it still drew {row['tickets']} ticket{'s' if row['tickets'] != 1 else ''}: "
                                  "move its users off and switch it off"))
    if (share >= rules["replace_failure_share"] and row["irritation"] >= rules["replace_irritation"]
            and row["rank"] <= max(1, round(rules["replace_top_share"] * n_ranked)) and row["rankable"]):
        reasons.append(("replace", f"{share:.0%} of its tickets are failures, mean irritation "
                                   f"{row['irritation']:.2f}, rank {row['rank']} of {n_ranked}"))
    weeks_after = int(row["step_weeks"])
    if (weeks_after and row["step_after"] >= rules["upgrade_step_ratio"] * row["step_before"]
            and row["step_before"] > 0 and row["step_elevated"] >= rules["upgrade_step_share"] * weeks_after
            and row["step_after"] * weeks_after >= rules["upgrade_min_failures"]):
        reasons.append(("upgrade", f"failures stepped up from {row['step_before']:.1f} to {row['step_after']:.1f} "
                                   f"a week ({row['step_after'] / row['step_before']:.1f}x) from the week of "
                                   f"{row['step_week']} and stayed up in {int(row['step_elevated'])} of "
                                   f"{weeks_after} weeks since: a change (release, version) broke it — move to "
                                   "a fixed version or roll back"))
    if row["failure_trend"] >= rules["fix_trend_ratio"] and row["recent_failures"] >= 5:
        reasons.append(("fix", f"failures this week {row['recent_failures']} vs "
                               f"{row['expected_failures']:.1f} expected ({row['failure_trend']:.1f}x): "
                               "open a problem record"))
    if howto >= rules["document_howto_share"] and row["howto"] >= rules["min_tickets"]:
        spread, repeat = row["howto_topics"], row["howto_repeat_share"]
        said = f"{howto:.0%} of its tickets are how-to questions"
        if np.isfinite(spread) and spread >= rules["redesign_min_topics"]:
            reasons.append(("redesign", f"{said}, spread over the equivalent of {spread:.1f} equally common "
                                        "topics: users are lost in many places, which is the design"))
        elif repeat >= rules["train_repeat_share"]:
            reasons.append(("train", f"{said}, and {repeat:.0%} of them come from people who asked about it "
                                     "more than once: train those users"))
        else:
            where = (f", in the equivalent of {spread:.1f} equally common topics (redesign from "
                     f"{rules['redesign_min_topics']:.0f})" if np.isfinite(spread) else "")
            reasons.append(("document", f"{said}{where}, {repeat:.0%} from repeat askers (train from "
                                        f"{rules['train_repeat_share']:.0%}): recurring questions that "
                                        "documentation answers"))
    upper = row["failures_per_100_users_upper"]
    if (np.isfinite(upper) and upper <= rules["keep_failures_per_100"]
            and row["irritation"] <= rules["keep_irritation"]
            and not (row["failure_trend"] >= 1.5 and row["recent_failures"] >= rules["min_count"])):
        reasons.append(("keep", f"{row['failures']} failures for {int(row['user_count'])} users "
                                f"(at most {upper:.2f} per 100, 95% bound), irritation "
                                f"{row['irritation']:.2f}: it really works"))
    if not reasons:
        return "watch", ["no rule fired"]
    # A step change is specific evidence of a fixable cause, so it outranks "replace".
    order = ["retire", "upgrade", "replace", "fix", "redesign", "train", "document", "keep"]
    reasons.sort(key=lambda r: order.index(r[0]))
    return reasons[0][0], [f"{name}: {text}" for name, text in reasons]


def _steps(data: pd.DataFrame, names: list[str], end: pd.Timestamp, start: pd.Timestamp,
           min_weeks: int, window_weeks: int) -> pd.DataFrame:
    """Per system, the change point of its weekly failures over the full weeks since ``start``:
    within the scoring window, against at least as many weeks before it."""
    n_weeks = max(int((end - start) // pd.Timedelta(weeks=1)), 0)
    failures = data[data["kind"].eq("failure")]
    age = ((end - failures["opened_at"]) // pd.Timedelta(weeks=1)).astype(int)
    week = n_weeks - 1 - age
    keep = (week >= 0) & (week < n_weeks)
    counts = pd.crosstab(failures.loc[keep, "system"], week[keep]).reindex(
        index=names, columns=range(n_weeks), fill_value=0)
    rows = []
    for name in names:
        split, before, after, elevated = failure_step(counts.loc[name].to_numpy(), min_weeks, window_weeks,
                                                      window_weeks)
        first = end - pd.Timedelta(weeks=n_weeks - split) if split >= 0 else None
        rows.append((str(first.date()) if first is not None else "", before, after, elevated,
                     n_weeks - split if split >= 0 else 0))
    return pd.DataFrame(rows, index=names, columns=["step_week", "step_before", "step_after", "step_elevated",
                                                    "step_weeks"])


def _howto_mix(data: pd.DataFrame, names: list[str], assignments: Assignments | None) -> pd.DataFrame:
    """Per system, how many topics its how-to tickets spread over and the share from repeat askers."""
    howto = data[data["kind"].eq("howto")]
    spread = pd.Series(np.nan, index=names)
    if assignments is not None and len(howto):
        topics = howto[["ticket_id", "system"]].merge(assignments[["ticket_id", "topic_id"]], on="ticket_id")
        spread = topics.groupby("system")["topic_id"].apply(howto_spread).reindex(names)
    repeat = pd.Series(0.0, index=names)
    if "caller_key" in howto.columns and len(howto):
        known = howto[howto["caller_key"].astype(bool)]
        asked = known.groupby(["system", "caller_key"])["ticket_id"].transform("size")
        repeat = ((asked >= 2).groupby(known["system"]).sum() / howto.groupby("system").size()).reindex(names)
    return pd.DataFrame({"howto_topics": spread.astype(float), "howto_repeat_share": repeat.fillna(0.0)})


def system_scores(tickets: Tickets, attribution: Attribution, signals: Signals, trends: Trends,
                  catalogue: Catalogue, as_of: pd.Timestamp, settings: Settings,
                  assignments: Assignments | None = None) -> SystemScores:
    """Per-system scorecard, trouble score, rank and recommendation.

    Parameters
    ----------
    tickets, attribution, signals : aligned frames of this run
    trends : Trends
        Supplies each system's recent vs expected counts.
    catalogue : Catalogue
        User counts and lifecycle.
    as_of : Timestamp
    settings : Settings
        Uses ``score.*`` and ``recommend.*``.
    assignments : Assignments, optional
        Topics of the tickets; without them a how-to heavy system is always "document"
        (redesign needs to know how many topics the questions spread over).

    Notes
    -----
    The upgrade rule looks at every full week of ``tickets`` (not only the scoring window),
    so a step some weeks ago is compared with a long enough "before".

    Returns
    -------
    SystemScores
        Ranked; catalogue systems with no tickets appear with zero counts.
    """
    opts = settings["score"]
    unattributed = settings["systems"]["unattributed"]
    end = window_end(as_of)
    start = end - pd.Timedelta(days=int(opts["window_days"]))
    recent_start = end - pd.Timedelta(days=int(settings["trends"]["recent_days"]))
    base_start = recent_start - pd.Timedelta(days=int(settings["trends"]["baseline_days"]))
    data = tickets[["ticket_id", "opened_at"]].merge(attribution[["ticket_id", "system"]], on="ticket_id")
    data = data.merge(signals, on="ticket_id")
    if "caller_key" in tickets.columns:
        data = data.merge(tickets[["ticket_id", "caller_key"]], on="ticket_id")
    history = data[(data["opened_at"] < end) & (data["system"] != unattributed)]
    data = data[(data["opened_at"] >= start) & (data["opened_at"] < end) & (data["system"] != unattributed)]
    data["is_failure"] = data["kind"].eq("failure")
    data["recent_failure"] = data["is_failure"] & (data["opened_at"] >= recent_start)
    data["base_failure"] = data["is_failure"] & (data["opened_at"] >= base_start) & (data["opened_at"] < recent_start)
    grouped = data.groupby("system")
    frame = pd.DataFrame({
        "tickets": grouped.size(),
        "failures": grouped["is_failure"].sum(),
        "howto": grouped["kind"].apply(lambda k: int((k == "howto").sum())),
        "requests": grouped["kind"].apply(lambda k: int((k == "request").sum())),
        "irritation": grouped["irritation"].mean(),
        "recent_failures": grouped["recent_failure"].sum(),
        "base_failures": grouped["base_failure"].sum(),
    })
    names = sorted(set(frame.index) | set(catalogue.names))
    frame = frame.reindex(names).fillna(0)
    for col in ("tickets", "failures", "howto", "requests", "recent_failures", "base_failures"):
        frame[col] = frame[col].astype(int)
    cat = catalogue.frame.set_index("name")
    known_users = cat["user_count"] if len(cat) else pd.Series(dtype="Int64")
    frame["user_count"] = known_users.reindex(names).astype("Int64")
    lifecycle = cat["lifecycle"].reindex(names).fillna("").to_dict() if len(cat) else {}
    users = pd.Series(frame["user_count"].to_numpy(dtype="float64", na_value=np.nan), index=frame.index)
    frame["failures_per_100_users"] = 100 * frame["failures"] / users
    frame["failures_per_100_users_upper"] = 100 * poisson_interval(frame["failures"].to_numpy())[1] / users
    scale = int(settings["trends"]["recent_days"]) / int(settings["trends"]["baseline_days"])
    frame["expected_failures"] = frame["base_failures"] * scale
    frame["failure_trend"] = (frame["recent_failures"] + 0.5) / (frame["expected_failures"] + 0.5)
    systems_trend = trends[trends["entity_type"] == "system"].set_index("entity")
    frame["recent"] = systems_trend["recent"].reindex(names).fillna(0).astype(int)
    frame["expected"] = systems_trend["expected"].reindex(names).fillna(0.0)
    frame["trend_ratio"] = (frame["recent"] + 0.5) / (frame["expected"] + 0.5)
    first_day = tickets["opened_at"].min() if len(tickets) else end
    frame = frame.join(_steps(history, names, end, max(first_day, end - pd.Timedelta(days=int(
        settings["topics"]["lookback_days"]))), int(settings["recommend"]["upgrade_min_weeks"]),
        max(int(opts["window_days"]) // 7, 1)))
    frame = frame.join(_howto_mix(data, names, assignments))
    cost = settings["score"]["cost"]
    frame["cost"] = frame["tickets"] * float(cost["handle_hours"]) * float(cost["hourly_rate"])

    weights = settings["score"]["weights"]
    # Mean irritation shrunk towards the all-systems mean by ``irritation_prior`` pseudo-tickets,
    # so a dozen irritated tickets cannot outrank hundreds (the shown irritation stays the raw mean).
    prior = float(opts["irritation_prior"])
    overall = float(data["irritation"].mean()) if len(data) else 0.0
    sums = frame["irritation"].fillna(0.0) * frame["tickets"]
    shrunk = (sums + prior * overall) / (frame["tickets"] + prior) if prior > 0 else frame["irritation"]
    parts = pd.DataFrame({
        "failures": _scaled(frame["failures"].astype(float)),
        "failure_rate": _scaled(frame["failures_per_100_users"].fillna(0.0)),
        "irritation": _scaled(shrunk),
        "trend": ((frame["failure_trend"] - 1) / 3).clip(0, 1),
    })
    for part in PARTS:
        frame[f"part_{part}"] = parts[part] * float(weights[part])
    frame["trouble_score"] = frame[[f"part_{p}" for p in PARTS]].sum(axis=1)
    frame["rankable"] = frame["tickets"] >= int(opts["min_tickets"])
    frame = frame.reset_index(names="system").sort_values(
        ["rankable", "trouble_score", "system"], ascending=[False, False, True]).reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    n_ranked = int(frame["rankable"].sum())
    rules = {k: float(v) for k, v in settings["recommend"].items()}
    rules["min_count"] = float(settings["trends"]["min_count"])
    rules["min_tickets"] = float(opts["min_tickets"])
    recs = [_recommend(row, lifecycle.get(row["system"], ""), n_ranked, rules) for _, row in frame.iterrows()]
    frame["recommendation"] = [r[0] for r in recs]
    frame["reasons"] = [r[1] for r in recs]
    frame["lifecycle"] = [lifecycle.get(s, "") for s in frame["system"]]
    return validate(frame, SYSTEM_SCORES, "score")
