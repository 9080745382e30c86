"""Read one export file (CSV, JSON, JSON Lines, Parquet, XLSX) into a frame of strings.

Every value comes back as ``str`` (``""`` when missing), so the presets and the canonical
step see the same thing whatever the format. Problems a user can fix raise
:class:`~trendminer.errors.InputError` naming the file, the row or line and what to do; rows
that cannot be parsed but do not stop the run come back in :attr:`Table.rejected`.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import (BINARY_FILE, EMPTY_FILE, UNBALANCED_QUOTE,
                     WRONG_DELIMITER, InputError)
from .excel import read_xlsx
from .json import read_json, read_jsonl
from .table import Select, Table, unique_names

log = logging.getLogger(__name__)

_MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image", b"\x1f\x8b": "a gzip archive (unpack it first)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook (save it as .xlsx or CSV)",
}
_ENCODINGS = ["utf_8", "cp1252", "latin_1"]


def _prefer_jemalloc() -> None:
    """Use Arrow's jemalloc allocator where the wheel has it.

    With the default (mimalloc) big freed blocks go back to the system and are faulted in
    again: ingesting a 1M-row export took 2.2-2.8 s, 2+ s of it in the kernel, against
    1.23-1.30 s with jemalloc (5 runs each). ``ARROW_DEFAULT_MEMORY_POOL`` still decides
    when it is set.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:   # a build without jemalloc (Windows): keep the default
        log.debug("Arrow has no jemalloc here; keeping %s", pa.default_memory_pool().backend_name)


_prefer_jemalloc()


def _format_of(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise InputError(BINARY_FILE.format(file=path, what=what))
    if suffix in (".json",):
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq") or head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix not in (".csv", ".tsv", ".txt") and stripped[:1] in (b"[", b"{"):
        return "json" if stripped[:1] == b"[" else "jsonl"
    return "csv"


def _check_binary(path: Path, head: bytes) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    sample = head[:65536]
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    # Control characters in valid UTF-8 are dirty text, not a binary file (binary data is almost
    # never valid UTF-8); otherwise their share says "binary" over a sample of a useful size.
    # NULs always do.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        text = True
    except UnicodeDecodeError:
        text = False
    if sample.count(b"\x00") > 0.01 * len(sample) or (
            not text and len(sample) >= 512 and controls > 0.05 * len(sample)):
        raise InputError(BINARY_FILE.format(file=path, what="a binary file, not text"))


def decode(path: Path, data: bytes, read: Mapping[str, Any]) -> tuple[str, str, int]:
    """Decode bytes with the configured encoding, else a detected one.

    Returns the text, the encoding used and the number of replaced characters
    (undecodable bytes and removed NUL bytes).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        return text.replace("\x00", ""), "utf-16", text.count("\ufffd") + text.count("\x00")
    wanted = str(read["encoding"]).lower().replace("-", "_")
    wanted = "utf_8_sig" if wanted in ("utf_8", "utf8") else wanted
    nul = data.count(b"\x00")
    data = data.replace(b"\x00", b"") if nul else data
    try:
        return data.decode(wanted), wanted.replace("_sig", "").replace("_", "-"), nul
    except UnicodeDecodeError as exc:
        if not read.get("detect_encoding", True):
            raise InputError(
                f"{path}: not readable as {read['encoding']} (byte {exc.start}). Set "
                "ingest.read.encoding in your config, e.g. \"cp1252\" or \"latin-1\", or "
                "set ingest.read.detect_encoding = true.") from None
        bad = exc.start
    import charset_normalizer

    sample = data[:1_000_000] + data[max(bad - 20_000, 1_000_000):bad + 20_000]
    best = charset_normalizer.from_bytes(sample, cp_isolation=_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding == "latin_1" and any(0x80 <= b <= 0x9F for b in set(sample)):
        encoding = "cp1252"   # C1 controls are almost always cp1252 punctuation
    encoding = encoding.replace("_", "-")
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd") + nul
    log.info("%s: not valid %s; decoded as %s (%d characters replaced)", path, wanted,
             encoding, replaced)
    return text, encoding, replaced


def read_table(path: str | Path, read: Mapping[str, Any], select: Select | None = None) -> Table:
    """Read one export file of any supported format.

    Parameters
    ----------
    path : path
    read : mapping
        The ``ingest.read`` settings (delimiter, encoding, detect_encoding, sniff_delimiter).
    select : callable, optional
        Given the file's column names, the ones to read; a CSV's other columns are only
        checked for their count, not converted (``Table.header`` still lists them).

    Returns
    -------
    Table

    Raises
    ------
    InputError
        Missing, empty, binary or malformed files, with the place and the fix.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found. Check the path you passed to trendminer.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass the export file(s) inside it.") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        raise InputError(EMPTY_FILE.format(file=path))
    fmt = _format_of(path, head)
    if fmt == "zip":
        return _read_zip(path, read, select)
    if fmt == "xlsx":
        frame, notes = read_xlsx(path)
        return Table(frame, "xlsx", notes=notes)
    if fmt == "parquet":
        return _read_parquet(path)
    _check_binary(path, head)
    utf8 = str(read["encoding"]).lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    fast = fmt == "csv" and utf8 and b"\x00" not in head and not head.startswith(b"\xff\xfe")
    return _read_text(path, None if fast else path.read_bytes(), fmt, read, select)


def _read_text(path: Path, data: bytes | None, fmt: str, read: Mapping[str, Any],
               select: Select | None = None) -> Table:
    """Decode and parse a text file; ``data=None`` lets a UTF-8 CSV stream from disk."""
    if data is None:
        try:
            return _read_csv(path, path, read, select)
        except _NotUtf8:
            data = path.read_bytes()
    text, encoding, replaced = decode(path, data, read)
    if fmt == "csv":
        table = _read_csv(path, text, read, select)
    elif fmt == "json":
        table = read_json(path, text)
    else:
        table = read_jsonl(path, text)
    table.encoding = encoding
    table.replaced += replaced
    if replaced:
        table.notes.append(f"{path}: read as {encoding}; {replaced} characters could not be "
                           "decoded or were NUL bytes and were replaced/removed")
    elif encoding != "utf-8":
        table.notes.append(f"{path}: not UTF-8; read as {encoding}")
    return table


class _NotUtf8(Exception):
    """The fast path met bytes that are not UTF-8."""


def _read_zip(path: Path, read: Mapping[str, Any], select: Select | None) -> Table:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            if "[Content_Types].xml" in names:
                frame, notes = read_xlsx(path)
                return Table(frame, "xlsx", notes=notes)
            data_files = [n for n in names if Path(n).suffix.lower() in
                          (".csv", ".json", ".jsonl", ".ndjson", ".txt")]
            if len(data_files) != 1:
                raise InputError(f"{path}: a zip archive with {len(data_files)} export files "
                                 f"({', '.join(data_files[:5]) or 'none'}); it must hold exactly one. "
                                 "Unpack it and pass the files one by one.")
            data = zf.read(data_files[0])
    except zipfile.BadZipFile:
        raise InputError(BINARY_FILE.format(file=path, what="a damaged zip archive")) from None
    inner = Path(data_files[0])
    return _read_text(path, data, _format_of(inner, data[:65536]), read, select)


def _read_parquet(path: Path) -> Table:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path).flatten()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc}). Export it again.") from None
    names, dups = unique_names(table.column_names)
    frame = table.rename_columns(names).to_pandas()
    for col in frame.columns:
        if frame[col].dtype.kind == "M":
            frame[col] = frame[col].dt.strftime("%Y-%m-%d %H:%M:%S")
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    return Table(frame, "parquet", duplicated=dups)


def _header(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def _line_of(text: str, snippet: str) -> int:
    pos = text.find(snippet[:200]) if snippet else -1
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 0


def _read_csv(path: Path, source: str | Path, read: Mapping[str, Any], select: Select | None = None) -> Table:
    """Parse CSV from decoded text, or stream a UTF-8 file (``source`` is then its path)."""
    if isinstance(source, Path):
        with source.open("rb") as fh:
            text = fh.read(400_000).decode("utf-8-sig", errors="ignore")
    else:
        text = source
    notes: list[str] = []
    delimiter = str(read["delimiter"])
    header = _header(text, delimiter)
    if len(header) <= 1:
        guess = _sniff(text)
        if guess and guess != delimiter and len(_header(text, guess)) > 1:
            if not read.get("sniff_delimiter", True):
                raise InputError(WRONG_DELIMITER.format(file=path, delimiter=delimiter, guess=guess))
            notes.append(f"{path}: the file uses {guess!r} as delimiter, not {delimiter!r}; "
                         f"read with {guess!r} (set ingest.read.delimiter to silence this)")
            delimiter = guess
            header = _header(text, delimiter)
    names, dups = unique_names(header)
    include = (select(names) or names) if select is not None else names
    invalid: list[tuple[int, int, str]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    data = source if isinstance(source, Path) else io.BytesIO(text.encode("utf-8"))
    block = 1 << 22
    while True:
        try:
            table = pacsv.read_csv(
                str(data) if isinstance(data, Path) else io.BytesIO(data.getvalue()),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                 invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.large_string() for n in include}, include_columns=include,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
            break
        except pa.ArrowInvalid as exc:
            if isinstance(source, Path) and "UTF8" in str(exc):
                raise _NotUtf8 from None
            if "straddling" in str(exc) and block < 1 << 30:
                block *= 8
                invalid.clear()
                continue
            raise InputError(f"{path}: malformed CSV ({exc}). Check for unbalanced quotes or a "
                             "wrong delimiter (ingest.read.delimiter).") from None
    del data
    if invalid and isinstance(source, Path):
        text = source.read_bytes().decode("utf-8-sig", errors="replace")
    rejected = []
    for expected, actual, row_text in invalid:
        line = _line_of(text, row_text)
        swallowed = [ln for ln in row_text.split("\n")[1:] if ln.count(delimiter) >= expected - 1]
        if row_text.count('"') % 2 and swallowed:
            raise InputError(UNBALANCED_QUOTE.format(
                file=path, line=line, snippet=row_text.split("\n", 1)[0][:80],
                swallowed=len(row_text.split("\n"))))
        if actual < expected and text.rstrip("\r\n").endswith(row_text.rstrip("\r\n")):
            reason = (f"incomplete last row: {actual} of {expected} fields (the export was cut "
                      "off; export again)")
        else:
            reason = (f"row has {actual} fields, the header has {expected} (a value with an "
                      f"unquoted {delimiter!r} or a missing field?)")
        rejected.append((line, reason))
    frame = table.to_pandas()   # large_string is what pandas' str dtype holds: zero-copy
    return Table(frame, "csv", rejected=rejected, notes=notes, duplicated=dups, header=names)


def _sniff(text: str) -> str | None:
    line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(line, delimiters=",;\t|").delimiter
    except csv.Error:
        return None
