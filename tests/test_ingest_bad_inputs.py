"""The bad-input corpus: every broken export gives a clear error or a counted rejection.

The files are generated into ``tmp_path`` by the ``bad`` fixture (nothing binary is
committed); each case checks the key phrases of its message.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from trendminer.cli import cli
from trendminer.config import load_settings
from trendminer.errors import InputError, TrendminerError
from trendminer.ingest import read_exports

AS_OF = pd.Timestamp("2026-10-31")
HEADER = "number,opened_at,sys_updated_on,short_description,description,cmdb_ci,caller_id\n"


def row(n: int, title: str = "VPN drops every hour", opened: str = "2026-10-01 09:00:00",
        desc: str = "Since the update the VPN client disconnects") -> str:
    return f'INC{n:04d},{opened},{opened},{title},"{desc}",VPN,Anna Berg\n'


GOOD = "".join(row(i) for i in range(1, 4))


@pytest.fixture
def bad(tmp_path: Path):
    """Write one named bad input and return its path."""
    def make(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path
    return make


def ingest(path: Path, *overrides: str):
    return read_exports([path], load_settings(overrides=list(overrides)), AS_OF)


def error_of(path: Path, *overrides: str) -> str:
    with pytest.raises(InputError) as info:
        ingest(path, *overrides)
    return str(info.value)


def test_ingest_empty_file(bad):
    msg = error_of(bad("empty.csv", b""))
    assert "empty.csv: the file is empty" in msg and "export the tickets again" in msg


def test_ingest_blank_lines_only(bad):
    assert "the file is empty" in error_of(bad("blank.csv", "\n\n  \n"))


def test_ingest_header_only(bad):
    result = ingest(bad("header.csv", HEADER))
    assert result.accounting.summary() == "0 rows: 0 accepted, 0 duplicate, 0 rejected"
    assert any("header only, no ticket rows" in w for w in result.accounting.warnings)


def test_ingest_truncated_csv_rejects_only_the_cut_row(bad):
    path = bad("truncated.csv", HEADER + GOOD + 'INC0009,2026-10-01 09:00:00,2026-10-01,Printer,"Printer on flo')
    acc = ingest(path).accounting
    assert (acc.rows, acc.accepted, acc.rejected) == (4, 3, 1)
    assert "incomplete last row" in str(acc.examples[0])
    assert "truncated.csv, line 5" in str(acc.examples[0])


def test_ingest_unbalanced_quote_names_line(bad):
    body = row(1) + 'INC0002,2026-10-01 09:00,2026-10-01,"Outlook crash,desc,Mail,Bo\n' + row(3) + row(4)
    msg = error_of(bad("quotes.csv", HEADER + body))
    assert "quotes.csv, line 3: a quoted value is never closed" in msg
    assert "quote must be doubled" in msg


def test_ingest_row_with_extra_fields_is_counted(bad):
    body = row(1) + "INC0002,2026-10-01 09:00,2026-10-01,VPN, again,d,VPN,Bo,extra\n" + row(3)
    acc = ingest(bad("extra.csv", HEADER + body)).accounting
    assert (acc.accepted, acc.rejected) == (2, 1)
    assert "row has 9 fields, the header has 7" in str(acc.examples[0])


def test_ingest_wrong_delimiter_error_when_sniffing_is_off(bad):
    path = bad("semi.csv", (HEADER + GOOD).replace(",", ";"))
    msg = error_of(path, "ingest.read.sniff_delimiter=false")
    assert "single column when split on ','" in msg and "seems to use ';'" in msg
    assert 'delimiter = ";"' in msg


def test_ingest_wrong_delimiter_detected_with_warning(bad):
    result = ingest(bad("semi.csv", (HEADER + GOOD).replace(",", ";")))
    assert result.accounting.accepted == 3
    assert any("uses ';' as delimiter" in w for w in result.accounting.warnings)


@pytest.mark.parametrize("content, what", [
    (bytes(range(256)) * 20, "a binary file, not text"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a PNG image"),
    (b"%PDF-1.7\n" + b"x" * 100, "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
])
def test_ingest_binary_file(bad, content, what):
    msg = error_of(bad("export.csv", content))
    assert "export.csv: this is" in msg and what in msg and "not a ticket export" in msg


def test_ingest_nul_bytes_removed_and_counted(bad):
    path = bad("nul.csv", (HEADER + row(1, title="VPN\x00 down") + row(2)).encode())
    result = ingest(path)
    assert result.accounting.accepted == 2
    assert result.accounting.replaced_chars == 1
    assert "\x00" not in result.raw["title"].str.cat()
    assert any("NUL bytes" in w for w in result.accounting.warnings)


def test_ingest_huge_body_is_cut(bad):
    path = bad("huge.csv", HEADER + row(1, desc="printer jam " * 90_000) + row(2))
    result = ingest(path)
    assert result.accounting.accepted == 2
    assert result.raw["description"].str.len().max() == 20_000
    assert any("longer than 20000 characters were cut" in w for w in result.accounting.warnings)


def test_ingest_all_empty_text_rejected(bad):
    body = "INC0001,2026-10-01 09:00,2026-10-01,,,VPN,Bo\nINC0002,2026-10-01 09:00,2026-10-01, ,,VPN,Bo\n"
    acc = ingest(bad("notext.csv", HEADER + body)).accounting
    assert (acc.accepted, acc.rejected) == (0, 2)
    assert acc.reasons["no text: title and description are both empty"] == 2


def test_ingest_future_and_bad_dates_rejected_with_row_and_column(bad):
    body = row(1) + row(2, opened="2027-01-05 10:00:00") + row(3, opened="yesterday-ish") + row(4, opened="")
    acc = ingest(bad("dates.csv", HEADER + body)).accounting
    assert (acc.accepted, acc.rejected) == (1, 3)
    text = "\n".join(map(str, acc.examples))
    assert "dates.csv, row 2, column 'opened_at': opened after --as-of 2026-10-31" in text
    assert "dates.csv, row 3, column 'opened_at': unreadable date" in text
    assert "dates.csv, row 4, column 'opened_at': empty opened date" in text


def test_ingest_ambiguous_day_month_reported(bad):
    body = row(1, opened="03/04/2026 10:00") + row(2, opened="05/06/2026 11:00")
    result = ingest(bad("ambiguous.csv", HEADER + body))
    assert any("could be day/month or month/day" in w and "'03/04/2026 10:00'" in w
               for w in result.accounting.warnings)
    assert result.raw["opened_at"].min() == pd.Timestamp("2026-03-04 10:00")


def test_ingest_day_first_detected_from_unambiguous_value(bad):
    body = row(1, opened="03/04/2026 10:00") + row(2, opened="25/06/2026 11:00")
    result = ingest(bad("dmy.csv", HEADER + body))
    assert result.raw["opened_at"].min() == pd.Timestamp("2026-04-03 10:00")
    assert any("day-first because '25/06/2026 11:00' only fits day/month" in w
               for w in result.accounting.warnings)


def test_ingest_mixed_day_month_orders_reported(bad):
    body = row(1, opened="25/06/2026 10:00") + row(2, opened="06/25/2026 11:00")
    result = ingest(bad("mixed.csv", HEADER + body))
    assert any("some dates only make sense day-first" in w for w in result.accounting.warnings)
    assert result.accounting.rejected == 1


def test_ingest_duplicated_column_names_with_different_values(bad):
    header = HEADER.replace("cmdb_ci", "short_description")
    msg = error_of(bad("dupcols.csv", header + GOOD))
    assert "column 'short_description' occurs 2 times with different values" in msg
    assert '"short_description.1" the second' in msg


def test_ingest_missing_required_column(bad):
    path = bad("nodate.csv", "number,short_description\nINC1,VPN down\n")
    msg = error_of(path)
    assert "column 'opened_at' not found" in msg and "[ingest.columns]" in msg


@pytest.mark.parametrize("content, phrase", [
    ('{"id": 1, "subject": "x"}', "the JSON holds an object with keys id, subject"),
    ("[1, 2]", "a list whose item 1 is a number"),
    ('"just text"', "the JSON holds a string"),
    ('[{"id": 1, "subject": "VPN"', "not valid JSON"),
])
def test_ingest_json_not_a_list_of_objects(bad, content, phrase):
    msg = error_of(bad("tickets.json", content))
    assert phrase in msg and "tickets.json" in msg


def test_ingest_jsonl_bad_line_is_counted(bad):
    good = {"id": 1, "subject": "VPN down", "created_at": "2026-10-01T09:00:00Z", "status": "open"}
    text = json.dumps(good) + "\n" + '{"id": 2, "subj' + "\n" + json.dumps({**good, "id": 3}) + "\n[1]\n"
    acc = ingest(bad("tickets.jsonl", text)).accounting
    assert (acc.rows, acc.accepted, acc.rejected) == (4, 2, 2)
    text = "\n".join(map(str, acc.examples))
    assert "tickets.jsonl, line 2: line is not valid JSON" in text
    assert "tickets.jsonl, line 4: line holds a list, not a ticket object" in text


def test_ingest_xlsx_with_merged_title_row(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Incident export - October"])
    sheet.merge_cells("A1:G1")
    sheet.append(HEADER.strip().split(","))
    sheet.append(["INC0001", pd.Timestamp("2026-10-01 09:00").to_pydatetime(), None,
                  "VPN down", "since update", "VPN", "Anna Berg"])
    path = tmp_path / "merged.xlsx"
    book.save(path)
    result = ingest(path)
    assert result.accounting.accepted == 1
    assert result.raw.loc[0, "opened_at"] == pd.Timestamp("2026-10-01 09:00")
    assert any("header found on row 2" in w for w in result.accounting.warnings)


def test_ingest_csv_that_is_really_xlsx(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["INC0001", "2026-10-01 09:00", "", "VPN down", "", "VPN", "Bo"])
    path = tmp_path / "export.csv"
    book.save(path)
    assert ingest(path).accounting.accepted == 1


def test_ingest_cp1252_detected_and_counted(bad):
    text = HEADER + row(1, title="Drucker – 5 € Gebühr") + row(2)
    result = ingest(bad("cp.csv", text.encode("cp1252")))
    assert result.accounting.encodings[str(result.raw.loc[0, "source_file"])] == "cp1252"
    assert "Drucker – 5 € Gebühr" in result.raw["title"].tolist()
    assert any("read as cp1252" in w for w in result.accounting.warnings)


def test_ingest_undetectable_encoding_error_when_detection_off(bad):
    path = bad("cp.csv", (HEADER + row(1, title="Gebühr")).encode("cp1252"))
    msg = error_of(path, "ingest.read.detect_encoding=false")
    assert "not readable as utf-8" in msg and "ingest.read.encoding" in msg


def test_ingest_missing_file_and_folder(tmp_path):
    assert "file not found" in error_of(tmp_path / "nope.csv")
    assert "is a folder" in error_of(tmp_path)


def test_ingest_unknown_preset(bad):
    msg = error_of(bad("ok.csv", HEADER + GOOD), "ingest.preset=remedy")
    assert "Unknown ingest.preset 'remedy'" in msg and "servicenow_events" in msg


@pytest.mark.parametrize("name, content", [
    ("empty.csv", b""),
    ("binary.csv", bytes(range(256)) * 10),
    ("quotes.csv", (HEADER + row(1) + 'INC2,2026-10-01,2026-10-01,"x,d,V,B\n' + row(3) + row(4)).encode()),
    ("list.json", b"[1, 2, 3]"),
    ("dupcols.csv", (HEADER.replace("cmdb_ci", "short_description") + GOOD).encode()),
])
def test_cli_validate_bad_input_exit_1_no_traceback(bad, name, content):
    result = CliRunner().invoke(cli, ["validate", str(bad(name, content)), "--as-of", "2026-10-31"])
    assert result.exit_code == 1
    assert "Error:" in result.output and name in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_validate_prints_accounting_and_preset(bad):
    path = bad("ok.csv", HEADER + GOOD + row(1) + row(9, opened="2030-01-01"))
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", "2026-10-31"])
    assert result.exit_code == 0, result.output
    assert "5 rows: 3 accepted, 1 duplicate, 1 rejected" in result.output


def test_input_error_is_a_trendminer_error():
    assert issubclass(InputError, TrendminerError) and InputError.exit_code == 1


@pytest.mark.parametrize("name", ["tickets.json", "tickets.jsonl"])
def test_ingest_json_lone_surrogate_escape_is_replaced_and_counted(bad, name):
    record = ('{"id": 1, "subject": "VPN \\ud800 down", "description": "pair \\ud83d\\ude00 ok",'
              ' "created_at": "2026-10-01T09:00:00Z", "status": "open"}')
    result = ingest(bad(name, f"[{record}]" if name.endswith(".json") else record + "\n"))
    assert result.accounting.summary() == "1 rows: 1 accepted, 0 duplicate, 0 rejected"
    assert result.accounting.replaced_chars == 1
    assert result.raw.loc[0, "title"] == "VPN \ufffd down" and result.raw.loc[0, "description"] == "pair 😀 ok"
    assert any("broken \\u escapes" in w for w in result.accounting.warnings)


def test_ingest_control_characters_in_utf8_text_are_text_not_binary(tmp_path):
    """A real export with terminal junk in its text (valid UTF-8) is read, not called binary."""
    from trendminer.config import load_settings
    from trendminer.ingest import read_exports

    junk = "\x1b[31m\x07\x08" * 40
    path = tmp_path / "export.csv"
    path.write_text("number,opened_at,short_description\n" + "".join(
        f"INC{i},2026-10-0{1 + i} 09:00,VPN fails {junk}\n" for i in range(3)), encoding="utf-8")
    acc = read_exports([path], load_settings(overrides=["ingest.detect_language=false"])).accounting
    assert (acc.rows, acc.accepted, acc.rejected) == (3, 3, 0)
