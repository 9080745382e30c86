"""Read one export file (CSV, JSON, JSON Lines, Parquet, XLSX) into a frame of strings.

Every value comes back as ``str`` (``""`` when missing), so the presets and the canonical
step see the same thing whatever the format. Problems a user can fix raise
:class:`~trendminer.errors.InputError` naming the file, the row or line and what to do; rows
that cannot be parsed but do not stop the run come back in :attr:`Table.rejected`.

The file is opened once, by :func:`~trendminer.ingest.source.read_source`; everything here
parses those bytes (a zip's member too, unpacked with a cap), never the path again.
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
from .source import read_source, unzip_member
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


def decode(path: Path, data: bytes | bytearray, read: Mapping[str, Any]) -> tuple[str, str, int]:
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
    """Read one export file of any supported format, opening it once.

    Parameters
    ----------
    path : path
        A file, a FIFO or a ``<(...)`` pipe.
    read : mapping
        The ``ingest.read`` settings (delimiter, encoding, detect_encoding, sniff_delimiter,
        timezone, max_stream_mb, max_zip_ratio).
    select : callable, optional
        Given the file's column names, the ones to read; a CSV's other columns are only
        checked for their count, not converted (``Table.header`` still lists them).

    Returns
    -------
    Table
        With ``sha256`` of the bytes that were parsed.

    Raises
    ------
    InputError
        Missing, empty, binary or malformed files, with the place and the fix.
    """
    path = Path(path)
    source = read_source(path, read)
    table = parse(path, source.data, read, select)
    table.sha256 = source.sha256
    return table


def parse(path: Path, data: bytes | bytearray, read: Mapping[str, Any], select: Select | None = None) -> Table:
    """Parse the bytes of one export (``path`` names it in messages; it is not opened)."""
    head = bytes(data[:65536])
    if not head.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        raise InputError(EMPTY_FILE.format(file=path))
    fmt = _format_of(path, head)
    if fmt == "zip":
        return _read_zip(path, data, read, select)
    if fmt == "xlsx":
        frame, notes = read_xlsx(path, data)
        return Table(frame, "xlsx", notes=notes)
    if fmt == "parquet":
        return _read_parquet(path, data, read)
    _check_binary(path, head)
    return _read_text(path, data, fmt, read, select, fast=_fast(fmt, head, read))


def _read_text(path: Path, data: bytes | bytearray, fmt: str, read: Mapping[str, Any],
               select: Select | None = None, *, fast: bool = False) -> Table:
    """Decode and parse a text file; ``fast`` lets Arrow parse UTF-8 CSV bytes undecoded."""
    if fast:
        try:
            return _read_csv(path, data, read, select)
        except _NotUtf8:
            pass
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


#: zip members that may hold the export (a .txt only when nothing else does)
_EXPORT_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson")


def _read_zip(path: Path, data: bytes | bytearray, read: Mapping[str, Any], select: Select | None) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            names = [i.filename for i in infos]
            if "[Content_Types].xml" in names:
                frame, notes = read_xlsx(path, data)
                return Table(frame, "xlsx", notes=notes)
            exports = [i for i in infos if Path(i.filename).suffix.lower() in _EXPORT_SUFFIXES
                       and not _is_litter(i.filename)]
            exports = exports or [i for i in infos if Path(i.filename).suffix.lower() == ".txt"
                                  and not _is_litter(i.filename)]
            if len(exports) != 1:
                shown = ", ".join(i.filename for i in exports[:5]) or f"none among {', '.join(names[:5])}"
                raise InputError(f"{path}: a zip archive with {len(exports)} export files "
                                 f"({shown}); it must hold exactly one. "
                                 "Unpack it and pass the files one by one.")
            member = exports[0]
            skipped = [n for n in names if n != member.filename]
            unpacked = unzip_member(path, zf, member, read)
    except zipfile.BadZipFile:
        raise InputError(BINARY_FILE.format(file=path, what="a damaged zip archive")) from None
    head = bytes(unpacked[:65536])
    fmt = _format_of(Path(member.filename), head)
    table = _read_text(path, unpacked, fmt, read, select, fast=_fast(fmt, head, read))
    table.skipped = [f"{path}: {name}" for name in skipped]
    table.notes += [f"{path}: zip member {name}: skipped, not a ticket export" for name in skipped[:10]]
    if len(skipped) > 10:
        table.notes.append(f"{path}: {len(skipped) - 10} more zip members skipped, not ticket exports")
    return table


def _is_litter(name: str) -> bool:
    """Files an archiver or an OS adds: ``__MACOSX/...``, ``.DS_Store``, ``._export.csv``."""
    return name.startswith("__MACOSX/") or Path(name).name.startswith(".")


def _fast(fmt: str, head: bytes, read: Mapping[str, Any]) -> bool:
    """Whether Arrow may parse the CSV bytes undecoded (UTF-8 configured, no NUL, not UTF-16)."""
    utf8 = str(read["encoding"]).lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
    return fmt == "csv" and utf8 and b"\x00" not in head and not head.startswith(b"\xff\xfe")


def _read_parquet(path: Path, data: bytes | bytearray, read: Mapping[str, Any]) -> Table:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data)).flatten()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc}). Export it again.") from None
    names, dups = unique_names(table.column_names)
    frame = table.rename_columns(names).to_pandas()
    zone = str(read.get("timezone", "UTC"))
    for col in frame.columns:
        if frame[col].dtype.kind == "M":
            if getattr(frame[col].dt, "tz", None) is not None:   # like a CSV date with an offset
                frame[col] = frame[col].dt.tz_convert(zone).dt.tz_localize(None)
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


def _read_csv(path: Path, source: str | bytes | bytearray, read: Mapping[str, Any],
              select: Select | None = None) -> Table:
    """Parse CSV from decoded text, or from UTF-8 bytes that Arrow reads undecoded."""
    raw = not isinstance(source, str)
    text = bytes(source[:400_000]).decode("utf-8-sig", errors="ignore") if raw else source
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
    wrapped = [h for h in header if "\n" in h or "\r" in h]   # "short\ndescription": a wrapped header cell
    if wrapped:
        notes.append(f"{path}: header cells with a line break were read with a space instead "
                     f"({', '.join(map(repr, wrapped))})")
        header = [" ".join(h.split()) for h in header]
    names, dups = unique_names(header)
    include = (select(names) or names) if select is not None else names
    invalid: list[tuple[int, int, str]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    data = source if raw else text.encode("utf-8")
    block = 1 << 22
    while True:
        try:
            table = pacsv.read_csv(
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(   # skip the header as a row, not a line: a
                    column_names=names, skip_rows_after_names=1, block_size=block),   # quoted newline in it
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                 invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.large_string() for n in include}, include_columns=include,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
            break
        except pa.ArrowInvalid as exc:
            if raw and "UTF8" in str(exc):
                raise _NotUtf8 from None
            if "straddling" in str(exc) and block < 1 << 30:
                block *= 8
                invalid.clear()
                continue
            raise InputError(f"{path}: malformed CSV ({exc}). Check for unbalanced quotes or a "
                             "wrong delimiter (ingest.read.delimiter).") from None
    if invalid and raw:
        text = bytes(source).decode("utf-8-sig", errors="replace")
    del data
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
