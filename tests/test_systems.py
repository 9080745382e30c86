"""Attribution of tickets to catalogue systems, catalogue suggestions, and the attribution eval."""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from trendminer.cli import cli
from trendminer.config import load_settings
from trendminer.errors import InputError
from trendminer.eval.attribution import ATTRIBUTION_LABELS, attribution_scores, read_attribution_labels
from trendminer.schema import TICKETS
from trendminer.catalogue import load_catalogue
from trendminer.suggest import suggest
from trendminer.systems import attribute, is_english_word

CATALOGUE = """name,aliases,vendor,owner_team,lifecycle,user_count,criticality
Outlook,MS Outlook;Exchange mail,Microsoft,Messaging,active,4800,high
PaperCut Printing,PaperCut;follow-me printing,PaperCut,EUC,active,3800,low
SAP ERP,SAP;SAP GUI;S4HANA,SAP,ERP,active,1200,high
Okta SSO,Okta;SSO;MFA,Okta,IAM,active,5000,high
GlobalProtect VPN,VPN;GlobalProtect,Palo Alto,Network,active,3500,high
Microsoft Teams,Teams;MS Teams,Microsoft,Messaging,active,5000,high
Jira,Atlassian Jira,Atlassian,Collab,active,800,medium
"""


@pytest.fixture
def catalogue(tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    return load_catalogue(path)


@pytest.fixture
def settings():
    return load_settings()


def tickets(titles: list[str], fields: list[str] | None = None) -> pd.DataFrame:
    n = len(titles)
    frame = pd.DataFrame({c: [""] * n for c in TICKETS})
    frame["ticket_id"] = [f"T{i}" for i in range(n)]
    frame["title"] = titles
    frame["system_field"] = fields or [""] * n
    return frame


def systems_of(titles, catalogue, settings, fields=None) -> list[str]:
    return attribute(tickets(titles, fields), catalogue=catalogue, settings=settings)["system"].tolist()


def test_field_wins_over_text(catalogue, settings):
    got = attribute(tickets(["Outlook crashes"], ["Jira"]), catalogue=catalogue, settings=settings)
    assert got[["system", "source", "confidence"]].values.tolist() == [["Jira", "field", 1.0]]


def test_unknown_field_value_is_kept(catalogue, settings):
    assert systems_of(["x"], catalogue, settings, ["Tableau"]) == ["Tableau"]


def test_exact_name_and_alias(catalogue, settings):
    got = attribute(tickets(["Exchange mail not syncing", "cannot log in to okta"]), catalogue=catalogue, settings=settings)
    assert got["system"].tolist() == ["Outlook", "Okta SSO"]
    assert got["source"].tolist() == ["catalogue", "catalogue"]


def test_term_written_with_or_without_spaces(catalogue, settings):
    titles = ["paper cut does not know my badge", "sapgui freezes", "ME21N dump in S4 hana",
              "global protect drops"]
    assert systems_of(titles, catalogue, settings) == [
        "PaperCut Printing", "SAP ERP", "SAP ERP", "GlobalProtect VPN"]


def test_abbreviation_spelled_out(catalogue, settings):
    got = attribute(tickets(["please unlock my single sign on account"]), catalogue=catalogue, settings=settings)
    assert got[["system", "source", "confidence"]].values.tolist() == [["Okta SSO", "fuzzy", 0.75]]


def test_abbreviation_needs_base_forms(catalogue, settings):
    # "monitor flickers again" spells MFA but is no expansion of it
    assert systems_of(["my monitor flickers again"], catalogue, settings) == ["(unattributed)"]


def test_misspellings(catalogue, settings):
    titles = ["no new mails in outlock", "jria board not loading", "teamz audio issues", "vnp very slow"]
    got = attribute(tickets(titles), catalogue=catalogue, settings=settings)
    assert got["system"].tolist() == ["Outlook", "Jira", "Microsoft Teams", "GlobalProtect VPN"]
    assert set(got["source"]) == {"fuzzy"}
    assert got["confidence"].between(0.5, 0.8).all()


def test_english_words_are_never_misspellings(catalogue, settings):
    titles = ["our team cannot sync the room calendar", "the whole team is blocked"]
    assert systems_of(titles, catalogue, settings) == ["(unattributed)", "(unattributed)"]
    assert is_english_word("team") and not is_english_word("teamz")


def test_prefix_of_long_multiword_term(catalogue, settings):
    assert systems_of(["print job stuck in follow me print"], catalogue, settings) == ["PaperCut Printing"]
    assert systems_of(["follow the instructions"], catalogue, settings) == ["(unattributed)"]


def test_nothing_named_is_unattributed(catalogue, settings):
    got = attribute(tickets(["need a new mouse"]), catalogue=catalogue, settings=settings)
    assert got[["system", "source", "confidence"]].values.tolist() == [["(unattributed)", "none", 0.0]]


def test_most_mentioned_system_wins(catalogue, settings):
    assert systems_of(["Jira link in Outlook broken, Jira says 404"], catalogue, settings) == ["Jira"]


def test_empty_catalogue_attributes_fields_only(settings):
    got = attribute(tickets(["Outlook crashes", "x"], ["", "Tableau"]), catalogue=load_catalogue(None), settings=settings)
    assert got["system"].tolist() == ["(unattributed)", "Tableau"]


def test_input_not_modified(catalogue, settings):
    frame = tickets(["Outlook crashes"])
    before = frame.copy()
    attribute(frame, catalogue=catalogue, settings=settings)
    pd.testing.assert_frame_equal(frame, before)


def test_suggest_lists_missing_names_ranked(catalogue, settings):
    frame = tickets(["Grafana dashboard empty", "cannot open Grafana", "Grafana slow",
                     "Power Automate flow fails", "cannot open Power Automate", "Outlook crashes",
                     "Outlook CRASHES"], ["", "", "", "", "", "", "Qlik"])
    got = suggest(frame, catalogue, settings, min_tickets=1)
    assert got[["name", "tickets", "source"]].values.tolist() == [
        ["Grafana", 3, "title"], ["Power Automate", 2, "title"], ["Qlik", 1, "field"]]


def test_suggest_skips_catalogued_and_rare(catalogue, settings):
    frame = tickets(["Outlook crashes", "MS Outloook broken", "Tableau slow", "TABLEAU DOWN NOW", "Grafana slow"])
    got = suggest(frame, catalogue, settings, min_tickets=2)
    # Outlook is catalogued (also misspelt); Grafana is in one ticket only; shouted titles still name Tableau
    assert got[["name", "tickets", "source"]].values.tolist() == [["Tableau", 2, "known product"]]


def test_suggest_skips_parts_of_attributed_systems(catalogue, settings):
    frame = tickets(["Fiori dump in SAP", "Fiori dump in SAP GUI", "Fiori slow in SAP", "ME21N slow in SAP"])
    attribution = attribute(frame, catalogue=catalogue, settings=settings)
    got = suggest(frame, catalogue, settings, min_tickets=1)
    assert got[["name", "source"]].values.tolist() == [["Fiori", "title"],
                                                       ["ME21N", "looks like a host/asset"]]
    kept = suggest(frame, catalogue, settings, min_tickets=1, attribution=attribution)
    assert kept["source"].tolist() == ["looks like a host/asset"]   # codes are listed apart, never as systems


def test_attribution_scores_definitions():
    pred = pd.DataFrame({"ticket_id": list("abcde"), "source": ["field"] * 5,
                         "system": ["A", "B", "(unattributed)", "Raw CI", "A"]})
    gold = pd.DataFrame({"ticket_id": list("abcde"),
                         "true_system": ["A", "A", "B", "(unattributed)", "(unattributed)"]})
    got = attribution_scores(pred, gold, ["A", "B"])
    # attributed to a catalogued system: a, b, e; correct: a; truly catalogued: a, b, c
    assert (got.attributed, got.correct, got.truly_catalogued) == (3, 1, 3)
    assert (got.precision, got.recall) == (0.3333, 0.3333)


def test_attribution_scores_missing_ticket_is_an_error():
    pred = pd.DataFrame({"ticket_id": ["a"], "system": ["A"], "source": ["field"]})
    gold = pd.DataFrame({"ticket_id": ["a", "zz"], "true_system": ["A", "A"]})
    with pytest.raises(InputError, match="1 labelled tickets are not in the export"):
        attribution_scores(pred, gold, ["A"])


def test_labelled_slice_shape():
    labels = read_attribution_labels(ATTRIBUTION_LABELS)
    assert len(labels) >= 300 and labels["ticket_id"].is_unique
    assert (labels["basis"] == "text").sum() >= 150


def test_read_labels_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_attribution_labels(tmp_path / "nope.csv")


def test_eval_attribution_command_meets_targets():
    result = CliRunner().invoke(cli, ["eval", "attribution"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("precision ") and lines[1].startswith("recall ")
    assert float(lines[0].split()[1]) >= 0.90 and float(lines[1].split()[1]) >= 0.90


def test_systems_suggest_command(tmp_path):
    export = tmp_path / "export.csv"
    rows = [{"number": f"INC{i}", "short_description": t} for i, t in
            enumerate(["Grafana slow", "cannot open Grafana", "Grafana error"])]
    from tests.conftest import make_export

    make_export(export, rows)
    result = CliRunner().invoke(cli, ["systems", "suggest", str(export), "--min-tickets", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["name,tickets,score,source,aliases,example",
                                              "Grafana,3,2.1,title,,INC0"]


def test_systems_suggest_missing_file(tmp_path):
    result = CliRunner().invoke(cli, ["systems", "suggest", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "Error:" in result.output


@pytest.mark.parametrize("field, expected", [
    ("assignment_group", ["SAP Basis", "assignment group 70", "(unattributed)"]),
    ("category", ["Software", "category 42", "(unattributed)"]),
    ("system", ["SAP ERP", "(unattributed)", "Outlook"]),   # the default also searches the text: "outlok"
])
def test_systems_field_selects_what_is_ranked(fast_settings, field, expected):
    from trendminer.config import load_settings
    from tests.conftest import SAMPLE_CONFIG
    from tests.test_store import _tickets

    tickets = _tickets([
        {"ticket_id": "A", "system_field": "SAP ERP", "assignment_group": "SAP Basis", "category": "Software",
         "title": "SAP GUI freezes"},
        {"ticket_id": "B", "assignment_group": "70", "category": "42", "title": "category 42 / subcategory 1"},
        {"ticket_id": "C", "title": "no field at all, not even outlok"},
    ])
    settings = load_settings(SAMPLE_CONFIG, ["embed.backend=tfidf", f"systems.field={field!r}"])
    got = attribute(tickets, catalogue=load_catalogue(settings["systems"]["catalogue"]), settings=settings)
    assert got["system"].tolist() == expected
    assert got["source"].tolist()[:1] == ["field"]


def test_systems_field_rejects_unknown_values(fast_settings):
    from trendminer.config import load_settings
    from trendminer.errors import ConfigError
    from tests.test_store import _tickets

    settings = load_settings(overrides=["systems.field='caller'"])
    with pytest.raises(ConfigError, match="systems.field = 'caller' is not one of 'system', 'assignment_group'"):
        attribute(_tickets([{"ticket_id": "A"}]), catalogue=load_catalogue(""), settings=settings)
