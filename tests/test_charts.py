"""The SVG charts of trendminer.report.timecharts and the counts of trendminer.report.series.

Charts are parsed as XML, so the asserts read what a browser would draw: the text of the axes,
the bars' heights, which weeks have a bar.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from trendminer.report import series, timecharts
from trendminer.report.timecharts import daily_chart, nice_ticks, topics_over_time, weekly_multiples, weekly_sparkline

HOSTILE = '</title><script>window.__xss=1</script><img src=x onerror="alert(1)">'
DAYS = list(pd.date_range("2026-10-05", periods=14))          # Monday 5 Oct .. Sunday 18 Oct
WEEKS = list(pd.date_range("2026-09-07", periods=4, freq="7D"))  # Mondays 7 Sep .. 28 Sep


def svgs(markup: object) -> list[ET.Element]:
    """Every <svg> in the chart's markup (one, one per panel inside a <figure>, or the wide
    then the narrow layout of a chart drawn for both widths)."""
    root = ET.fromstring(str(markup))
    return [root] if root.tag == "svg" else list(root.iter("svg"))


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter("text")]


def bars(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter("rect") if r.find("title") is not None]


@pytest.mark.parametrize("top,ticks", [(0, [0, 1, 2]), (1, [0, 1, 2]), (3, [0, 1, 2, 3]), (4, [0, 1, 2, 3, 4]),
                                       (5, [0, 2, 4, 6]), (9, [0, 5, 10]), (36, [0, 10, 20, 30, 40]),
                                       (60, [0, 20, 40, 60]), (61, [0, 20, 40, 60, 80]), (1234, [0, 500, 1000, 1500])])
def test_timecharts_nice_ticks(top: float, ticks: list[int]) -> None:
    assert nice_ticks(top) == ticks
    assert 3 <= len(ticks) <= 5 and ticks[-1] >= top


def test_timecharts_day_label_is_english_day_month() -> None:
    assert timecharts.day_label(date(2026, 10, 5)) == "5 Oct"
    assert timecharts.day_label(pd.Timestamp("2026-12-31 23:59"), year=True) == "31 Dec 2026"


def test_timecharts_daily_chart_axes_for_a_toy_series() -> None:
    counts = [2] * 10 + [9, 12, 6, 3]
    svg = svgs(daily_chart(DAYS, counts, "VPN"))[0]
    words = texts(svg)
    assert words[0] == "tickets per day"
    assert [w for w in words if w.endswith("Oct")] == ["5 Oct", "12 Oct"]   # week starts only
    assert [w for w in words if w.isdigit()] == ["0", "5", "10", "15"]     # nice_ticks(12)
    heights = [float(b.get("height")) for b in bars(svg)]
    assert len(heights) == 14
    assert heights[11] == pytest.approx(heights[0] * 6, abs=0.2)            # 12 vs 2: rising
    assert heights[13] < heights[12] < heights[11]                         # and easing
    assert svg.find("polyline") is None                                    # no expectation given
    desc = svg.find("desc").text
    assert desc.startswith("Tickets per day, 5 Oct 2026 to 18 Oct 2026.") and "16 Oct: 12" in desc


def test_timecharts_daily_chart_expected_line_and_marks() -> None:
    counts = [2] * 10 + [9, 12, 6, 3]
    svg = svgs(daily_chart(DAYS, counts, "VPN", expected=[2.0] * 14,
                           marks=[(date(2026, 10, 15), "spike since 15 Oct"), (date(2027, 1, 1), "outside")]))[0]
    line = svg.find("polyline")
    assert line is not None and len(line.get("points").split()) == 14
    assert "spike since 15 Oct" in texts(svg) and "outside" not in texts(svg)   # a day off the chart is not marked
    assert "expected (usual for the weekday)" in texts(svg)
    assert "16 Oct: 12 (expected 2.0)" in svg.find("desc").text


def test_timecharts_escape_hostile_text() -> None:
    weeks = {HOSTILE: [1, 2, 3, 4]}
    for chart in (daily_chart(DAYS, [1] * 14, HOSTILE, marks=[(DAYS[3], HOSTILE)]),
                  weekly_multiples(weeks, WEEKS, HOSTILE, marks={HOSTILE: (WEEKS[1], HOSTILE)}),
                  topics_over_time(weeks, WEEKS, HOSTILE), weekly_sparkline([1, 2, 3, 4], WEEKS, HOSTILE)):
        html = str(chart)
        assert "<script" not in html and "<img" not in html and "</title><script" not in html
        assert "&lt;script&gt;" in html
        assert all(s.find("title").text.count("<script>") <= 1 for s in svgs(chart))  # parsed back as text


def test_timecharts_reject_series_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="daily_chart: counts has 3 values but there are 14 dates"):
        daily_chart(DAYS, [1, 2, 3], "x")
    with pytest.raises(ValueError, match=r"weekly_multiples\[SAP\]: values has 2 values but there are 4 dates"):
        weekly_multiples({"SAP": [1, 2]}, WEEKS, "x")


def test_timecharts_weekly_multiples_share_one_scale() -> None:
    chart = weekly_multiples({"small": [1, 3, 2, 3], "SAP": [40, 60, 55, 60]}, WEEKS, "Weekly")
    small, sap = svgs(chart)
    h_small = max(float(b.get("height")) for b in bars(small))
    h_sap = max(float(b.get("height")) for b in bars(sap))
    assert h_small / h_sap == pytest.approx(3 / 60, rel=1e-3)
    assert "60" in texts(small) and "60" in texts(sap)                      # the shared max on both y axes
    assert "all panels share one scale, 0 to 60." in ET.fromstring(str(chart)).find("figcaption").text
    own = svgs(weekly_multiples({"small": [1, 3, 2, 3], "SAP": [40, 60, 55, 60]}, WEEKS, "W", shared_scale=False))
    assert max(float(b.get("height")) for b in bars(own[0])) == max(float(b.get("height")) for b in bars(own[1]))
    assert "3" in texts(own[0])


def test_timecharts_weekly_multiples_leading_none_weeks_have_no_bar() -> None:
    late, full = svgs(weekly_multiples({"late": [None, None, 0, 4], "full": [0, 1, 0, 4]}, WEEKS, "W"))
    assert [b.find("title").text for b in bars(late)] == ["week of 21 Sep: 0", "week of 28 Sep: 4"]
    assert len(bars(full)) == 4
    assert float(bars(late)[0].get("x")) == pytest.approx(float(bars(full)[2].get("x")))
    assert "no data before 21 Sep 2026" in late.find("desc").text
    assert texts(late)[-2:] == ["7 Sep", "28 Sep"] and texts(full)[-2:] == ["7 Sep", "28 Sep"]   # first/last week


def test_timecharts_weekly_multiples_mark_only_its_panel() -> None:
    a, b = svgs(weekly_multiples({"A": [1, 2, 3, 4], "B": [4, 3, 2, 1]}, WEEKS, "W",
                                 marks={"A": (date(2026, 9, 23), "release")}))
    assert "release" in texts(a) and "release" not in texts(b)
    assert "marked: release (week of 21 Sep)" in a.find("desc").text
    dashed = [ln for ln in a.iter("line") if ln.get("stroke-dasharray")]
    assert len(dashed) == 1 and float(dashed[0].get("x1")) == pytest.approx(float(bars(a)[2].get("x")) - 0.12 * 158 / 4, abs=0.1)
    plain = svgs(weekly_multiples({"A": [1, 2, 3, 4]}, WEEKS, "W", marks={"A": date(2026, 9, 7)}))[0]
    assert "change" in texts(plain)                                         # a bare date: default label
    assert not any(ln.get("stroke-dasharray") for ln in svgs(weekly_multiples(
        {"A": [1, 2, 3, 4]}, WEEKS, "W", marks={"A": date(2026, 8, 1)}))[0].iter("line"))  # before the weeks


def test_timecharts_topics_over_time_caps_at_eight() -> None:
    chart = topics_over_time({f"topic {i}": [i, i, i, i] for i in range(10)}, WEEKS, "Biggest topics")
    assert len(svgs(chart)) == 8
    assert "(2 smaller topics not shown)" in str(chart)
    assert len(svgs(topics_over_time({"one": [1, 2, 3, 4]}, WEEKS, "T"))) == 1


def test_timecharts_weekly_sparkline_shows_scale_and_dates() -> None:
    svg = svgs(weekly_sparkline([None, 4, 0, 12], WEEKS, "SAP"))[0]
    assert texts(svg) == ["max 12", "7 Sep", "28 Sep"]
    d = svg.find("path").get("d")
    assert d.startswith("M54.7 ") and d.count("L") == 2                     # starts at week 2, no invented zero
    assert "no data before 14 Sep 2026" in svg.find("desc").text


def test_series_weekly_counts_buckets_and_coverage() -> None:
    opened = pd.Series(pd.to_datetime(["2026-10-11 00:00", "2026-10-17 23:59", "2026-10-18 00:00",
                                       "2026-11-01 00:00", "2026-09-01 00:00"]))
    starts, counts = series.weekly_counts(opened, pd.Timestamp("2026-11-01"), 3)
    assert [s.day for s in starts] == [11, 18, 25] and counts == [2, 1, 0]   # end exclusive, older dropped
    assert series.weekly_counts(opened, pd.Timestamp("2026-11-01"), 3, pd.Timestamp("2026-10-18"))[1] == [None, 1, 0]
    assert series.weekly_counts(opened.iloc[:0], pd.Timestamp("2026-11-01"), 2)[1] == [0, 0]


def test_series_weekday_expected_uses_the_same_weekday() -> None:
    days = list(pd.date_range("2026-10-05", periods=21))
    counts = [7, 1, 1, 1, 1, 0, 0, 3, 1, 1, 1, 1, 2, 0] + [9] * 7
    exp = series.weekday_expected(days, counts, days[0], days[14])
    assert exp[14:] == [5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
