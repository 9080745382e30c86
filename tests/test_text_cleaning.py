from __future__ import annotations

import pandas as pd
import pytest

from trendminer.clean import clean_text, embed_text, redact


@pytest.mark.parametrize("raw, expected", [
    ("received from: anna.berg@corp.example\n\nHi team,\nVPN drops every hour\n\nBest regards,\nAnna Berg\n+49 89 1234 5678",
     "VPN drops every hour"),
    ("From: Jan\nSent: Monday\nTo: IT\nSubject: printer\nPrinter jams.\n-----Original Message-----\nold text",
     "Printer jams."),
    ("<p>Outlook <b>crashes</b></p><script>alert(1)</script>", "Outlook crashes"),
    ("Teams is slow\nSent from my iPhone", "Teams is slow"),
])
def test_clean_text_strips_mail_noise_and_markup(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("write to john.carter@corp-example.com", "write to [EMAIL]"),
    ("call me on +44 20 7946 0958 please", "call me on [PHONE] please"),
    ("call (555) 123-4567", "call [PHONE]"),
    ("my ip is 10.1.22.13", "my ip is [IP]"),
    ("error 500 since 2026-10-31", "error 500 since 2026-10-31"),
    ("SAP transaction ME21N", "SAP transaction ME21N"),
])
def test_redact_replaces_personal_data_and_keeps_codes(raw, expected):
    assert redact(raw) == expected


def test_redact_removes_the_callers_name_anywhere():
    text = "Maria Schmidt here, maria can't log in. Thanks, M. Schmidt"
    assert "schmidt" not in redact(text, ("Maria Schmidt",)).lower()
    assert "maria" not in redact(text, ("Maria Schmidt",)).lower()


def test_embed_text_cuts_at_a_word_boundary():
    text = embed_text("Outlook down", "word " * 200, 50)
    assert len(text) <= 50 and text.startswith("Outlook down. word") and not text.endswith(" ")


def test_clean_tickets_does_not_modify_its_input(fast_settings):
    from trendminer.clean import clean_tickets

    from tests.conftest import raw_tickets

    raw = raw_tickets({"title": "Hi,\nVPN down", "description": "mail a@b.example", "system": "VPN",
                       "caller": "Ann Lee"})
    before = raw.copy()
    out = clean_tickets(raw, fast_settings)
    pd.testing.assert_frame_equal(raw, before)
    assert out.loc[0, "description"] == "mail [EMAIL]"
    assert out.loc[0, "caller_key"] != "" and "Ann" not in out.loc[0, "caller_key"]
