"""The knowledge stage's parts on toy data: KB readers, matching, classification, candidates."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SAMPLES
from trendminer.config import load_settings
from trendminer.errors import ConfigError, InputError
from trendminer.knowledge import articles, candidates, coverage, match_threshold, periods
from trendminer.knowledge.stage import Periods, knowledge
from trendminer.window import Window


# -- readers ---------------------------------------------------------------------------------
def test_articles_servicenow_sample_rows_are_accounted_for():
    frame, acc = articles.read_articles(SAMPLES / "kb_knowledge.csv")
    assert acc.format == "servicenow_kb" and acc.balanced
    assert (acc.rows, acc.accepted, acc.duplicates, acc.rejected, acc.not_published) == (16, 14, 1, 1, 2)
    assert acc.examples == ["kb_knowledge.csv row 16, column short_description: no title and no text"]
    okta = frame.set_index("article_id").loc["KB0010003"]
    assert okta["updated_at"] == pd.Timestamp("2026-07-15 09:00") and okta["views"] == 230   # newest row won
    assert set(frame.loc[~frame["published"], "state"]) == {"retired", "draft"}
    assert "<" not in "".join(frame["body"]) and "File > Automatic Replies" in frame["body"].iloc[0]


def test_articles_zendesk_json_and_generic_csv_and_confluence(tmp_path):
    (tmp_path / "hc.json").write_text(json.dumps({"articles": [
        {"id": 1, "title": "Reset your password", "body": "<p>Use <b>Forgot password</b>.</p>",
         "updated_at": "2026-10-01T10:00:00Z", "draft": False, "html_url": "https://help/1"},
        {"id": 2, "title": "Draft", "body": "<p>x</p>", "updated_at": "2026-10-02T10:00:00Z", "draft": True}]}))
    z, acc = articles.read_articles(tmp_path / "hc.json")
    assert acc.format == "zendesk_hc" and z["published"].tolist() == [True, False]
    assert z["body"].iloc[0] == "Use Forgot password." and z["updated_at"].iloc[0] == pd.Timestamp("2026-10-01 10:00")
    (tmp_path / "kb.csv").write_text("id,title,body,url,updated\nA1,VPN setup,Install the client,/a1,2026-01-02\n"
                                     "A2,,,/a2,2026-01-02\nA3,Printers,Drivers,/a3,not a date\n")
    g, acc = articles.read_articles(tmp_path / "kb.csv")
    assert acc.format == "generic" and g["article_id"].tolist() == ["A1"] and acc.rejected == 2
    assert acc.examples == ["kb.csv row 2, column title: no title and no text",
                            "kb.csv row 3, column updated: unreadable date ('not a date')"]
    space = tmp_path / "space"
    space.mkdir()
    (space / "index.html").write_text("<html><title>Index</title></html>")
    (space / "Okta-help_123.html").write_text('<html><head><title>IT : Okta on a new phone</title></head>'
                                              '<body><div id="main-content"><p>Scan the QR code.</p></div></body></html>')
    c, acc = articles.read_articles(space)
    assert acc.format == "confluence" and c["title"].tolist() == ["Okta on a new phone"]
    assert c["body"].tolist() == ["Scan the QR code."]


def test_articles_bad_inputs_say_what_and_where(tmp_path):
    with pytest.raises(InputError, match="knowledge-base export not found"):
        articles.read_articles(tmp_path / "missing.csv")
    (tmp_path / "x.csv").write_text("foo,bar\n1,2\n")
    with pytest.raises(InputError, match=r"x.csv: not a knowledge-base export I know \(header: bar, foo\)"):
        articles.read_articles(tmp_path / "x.csv")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match="bad.json: not readable as JSON"):
        articles.read_articles(tmp_path / "bad.json")
    (tmp_path / "empty.csv").write_text("id,title,body\n,,\n")
    with pytest.raises(InputError, match="no usable article"):
        articles.read_articles(tmp_path / "empty.csv")


def test_articles_redact_personal_data(tmp_path):
    (tmp_path / "kb.csv").write_text("id,title,body\nA1,Call us,Mail maria.schmidt@corp-example.com or +49 89 1234 5678\n")
    frame, _ = articles.read_articles(tmp_path / "kb.csv")
    assert frame["body"].iloc[0] == "Mail [EMAIL] or [PHONE]"


# -- matching and classification ----------------------------------------------------------------
def test_coverage_matched_respects_threshold_and_usable():
    scores = np.array([[0.70, 0.69, 0.2]])
    assert coverage.matched(scores, 0.7) == [[0]]
    assert coverage.matched(scores, 0.69, np.array([False, True, True])) == [[1]]


@pytest.mark.parametrize("recent,before,rising", [(12, 2, True), (4, 0, False), (6, 24, False)])
def test_coverage_rise_needs_count_ratio_and_significance(recent, before, rising):
    start, cut, end = pd.Timestamp("2026-06-01"), pd.Timestamp("2026-10-04"), pd.Timestamp("2026-11-01")
    days = list(pd.date_range(start, cut, periods=before + 2)[1:-1]) + [pd.Timestamp("2026-10-20")] * recent
    got = coverage.rise(pd.Series(days, dtype="datetime64[ns]"), start, cut, end, ratio=1.5, p=0.05, min_count=5)
    assert (got.before, got.recent, got.rising) == (before, recent, rising)


def test_coverage_evidence_prefers_the_release_step_then_views():
    assert coverage.evidence(pd.Timestamp("2026-10-01"), "2026-09-13", 5, 50)[0] == "findability"
    code, text = coverage.evidence(pd.Timestamp("2026-04-20"), "2026-09-13", 500, 50)
    assert code == "outdated" and "2026-04-20" in text and "2026-09-13" in text
    assert coverage.evidence(pd.NaT, "", np.nan, 3)[0] == "content"


def test_threshold_is_per_backend_and_missing_ones_are_a_config_error():
    assert match_threshold(load_settings(overrides=["embed.backend=tfidf"])) == 0.40
    assert match_threshold(load_settings()) == 0.63
    with pytest.raises(ConfigError, match="no value for embed.backend = 'tfidf'"):
        match_threshold({"embed": {"backend": "tfidf"}, "knowledge": {"match_threshold": {"sentence-transformers": 0.6}}})


def test_periods_start_the_earlier_rate_where_the_history_starts():
    settings = load_settings()
    w = Window.from_settings(pd.Timestamp("2026-10-31"), settings)
    p = periods(w, settings, pd.Timestamp("2026-06-01 08:30"))
    assert p.lookback_start == pd.Timestamp("2026-06-01") and p.recent_start == pd.Timestamp("2026-10-04")
    assert periods(w, settings).lookback_start == w.lookback_start


# -- candidates -----------------------------------------------------------------------------------
def test_candidates_common_steps_keep_order_and_drop_rare_ones():
    notes = ["Walked [NAME] through it:\n1. Open A\n2. Click B\n3. Done", "Open A; Click B.", "1. Open A\n2. Click B",
             "Rebooted", ""]
    assert candidates.common_steps(notes, min_share=0.5) == ["Open A", "Click B"]
    assert candidates.common_steps(["", " "]) == []


def test_candidates_typical_titles_prefer_a_spelling_that_is_not_shouted():
    assert candidates.typical_titles(["NEW PHONE", "new phone", "New phone", "other"], 1) == ["new phone"]


# -- the stage on toy data -------------------------------------------------------------------------
def _toy():
    end = pd.Timestamp("2026-11-01")
    rows, vecs = [], []
    for i in range(40):   # topic 0: how-to, answered by A1; 30 of them in the recent weeks (rising)
        rows.append((f"H{i}", end - pd.Timedelta(days=2 + (i % 20) if i < 30 else 60 + i), 0, "howto", "Outlook",
                     "how do I set out of office", "1. Open File\n2. Automatic Replies"))
        vecs.append([1.0, 0.05 * (i % 3), 0.0])
    for i in range(20):   # topic 1: request, no article, steady, many callers
        rows.append((f"R{i}", end - pd.Timedelta(days=3 * i + 1), 1, "request", "Okta SSO", "please unlock my account", ""))
        vecs.append([0.0, 0.0, 1.0])
    for i in range(10):   # topic 2: failures only (not a knowledge topic)
        rows.append((f"F{i}", end - pd.Timedelta(days=i + 1), 2, "failure", "VPN", "vpn down", ""))
        vecs.append([0.0, 1.0, 0.0])
    t = pd.DataFrame(rows, columns=["ticket_id", "opened_at", "topic_id", "kind", "system", "title", "resolution"])
    t["caller_key"] = [f"c{i}" for i in range(len(t))]
    t["resolved_at"] = t["opened_at"] + pd.Timedelta(hours=2)
    v = np.asarray(vecs, dtype=float)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    info = pd.DataFrame({"topic_id": [0, 1, 2], "label": ["Outlook: out of office", "Okta: unlock", "VPN: down"],
                         "keyphrases": [["automatic reply"], ["unlock"], ["vpn"]], "size": [40, 20, 10],
                         "representatives": [[], [], []], "top_system": ["Outlook", "Okta SSO", "VPN"], "theme": ["", "", ""]})
    arts = pd.DataFrame({"article_id": ["A1", "A2"], "title": ["Out of office", "Old draft"], "body": ["", ""],
                         "published": [True, False], "updated_at": [pd.Timestamp("2026-01-10")] * 2, "views": [3.0, 0.0]})
    av = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    per = Periods(pd.Timestamp("2026-06-01"), end - pd.Timedelta(days=56), end - pd.Timedelta(days=28),
                  end - pd.Timedelta(days=7), end)
    return t, v, info, arts, av, per


def test_knowledge_classifies_covers_and_ranks_by_savings():
    t, v, info, arts, av, per = _toy()
    opts = load_settings()["knowledge"]
    before = t.copy()
    frame = knowledge(t, v, t[["ticket_id", "topic_id"]], info, t[["ticket_id", "kind"]], t[["ticket_id", "system"]],
                      arts, av, periods=per, opts=opts, threshold=0.9, cost_per_ticket=10.0,
                      steps={"Outlook": "2026-03-01"})
    pd.testing.assert_frame_equal(t, before)   # inputs are not modified
    by = frame.set_index("topic_id")
    assert set(by.index) == {0, 1}             # the failure topic is no knowledge candidate
    assert by.loc[0, "status"] == "covered_rising" and by.loc[0, "articles"] == ["A1"]
    assert by.loc[0, "evidence"] == "outdated" and by.loc[0, "steps"] == ["Open File", "Automatic Replies"]
    assert by.loc[1, "status"] == "gap" and by.loc[1, "automation"] and by.loc[1, "best_article"] == ""  # A2 is a draft
    per_month = 20 / 56 * coverage.DAYS_PER_MONTH   # 19 of 20 requests fall in the 56-day window
    assert by.loc[1, "tickets"] == 19 and by.loc[1, "savings_per_month"] == pytest.approx(19 / 20 * per_month * 10 * opts["deflection"])
    assert frame["rank"].tolist() == [1, 2] and frame["savings_per_month"].is_monotonic_decreasing


def test_knowledge_without_an_export_lists_candidates_without_status():
    t, v, info, arts, av, per = _toy()
    frame = knowledge(t, v, t[["ticket_id", "topic_id"]], info, t[["ticket_id", "kind"]], t[["ticket_id", "system"]],
                      articles.no_articles(), np.zeros((0, 3)), periods=per, opts=load_settings()["knowledge"],
                      threshold=0.9, cost_per_ticket=10.0, has_kb=False)
    assert len(frame) == 2 and set(frame["status"]) == {""} and not frame["articles"].map(len).any()


def test_coverage_on_subject_keeps_an_article_to_what_it_is_about():
    """Issue 22: "allow external user" (0.64) passed the threshold for the "create a team" article,
    whose own subject, the private-channel topic, scores 0.85; the subject check drops it."""
    scores = np.array([[0.85, 0.10], [0.64, 0.20], [0.78, 0.70]])
    allowed = coverage.on_subject(scores, 0.12)
    assert coverage.matched(scores, 0.63, allowed) == [[0], [], [0, 1]]
    assert coverage.matched(scores, 0.63, coverage.on_subject(scores, float("inf"))) == [[0], [0], [0, 1]]
    assert coverage.matched(scores, 0.63, allowed & np.array([True, False])[None, :]) == [[0], [], [0]]


def test_wrong_match_rate_counts_a_topic_covered_by_an_article_that_does_not_answer_it():
    from trendminer.knowledge.evaluation import match_eval

    scores = np.array([[0.85, 0.10], [0.64, 0.20], [0.15, 0.80], [0.30, 0.78]])
    truth = np.array([[True, False], [False, False], [False, True], [False, True]])
    ev = match_eval(scores, truth, np.array([0, 1, 0, 1]), embedder="toy", configured=0.63, groups=3,
                    subject_margin=0.12)
    assert ev.wrong == {"without the subject check": (1, 4), "with the subject check (margin 0.12)": (0, 3)}
    assert "1 of 4 matched topics (25.0%) get an article that does not answer them, 3 get theirs" in ev.render()


def test_request_topics_are_never_gaps_and_savings_state_their_deflection():
    from trendminer.knowledge import summarise
    from trendminer.report.knowledge import gap_count, knowledge_page
    from trendminer.report.models import Page

    t, v, info, arts, av, per = _toy()
    opts = {**load_settings()["knowledge"], "automation_min_callers": 10_000}   # no request is "automate"
    frame = knowledge(t, v, t[["ticket_id", "topic_id"]], info, t[["ticket_id", "kind"]], t[["ticket_id", "system"]],
                      arts, av, periods=per, opts=opts, threshold=0.9, cost_per_ticket=10.0)
    request = frame[frame["kind"] == "request"].iloc[0]
    assert request["status"] == "gap" and not request["automation"]
    assert gap_count(frame) == int(((frame["status"] == "gap") & (frame["kind"] != "request")).sum())

    class Window:
        def describe(self) -> dict:
            return {"analysis_from": "2026-01-01", "analysis_to": "2026-02-25", "analysis_days": 56}

    run = summarise(frame, arts, None, threshold=0.9, window_tickets=100, embedder="toy")
    view = knowledge_page(run, Page("Knowledge brief", "2026-02-25", "2026-02-26 06:00", []), Window(), "EUR", 0.25)
    assert int(request["topic_id"]) in [i.topic_id for i in view.automation]
    assert int(request["topic_id"]) not in [i.topic_id for i in view.gaps]
    assert view.deflection == "25%" and any("prevent 25% of their tickets" in name for name, _ in view.totals)
