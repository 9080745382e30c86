"""Open an input once and read its bytes: a regular file, a FIFO or ``<(...)`` pipe, a zip member.

Every reader parses the bytes read here, never the path again, so

- a pipe (which can be read only once) works like a file; one that nobody writes to is refused
  after :data:`PIPE_WAIT_SECONDS`, and one that never ends is stopped at a cap;
- a file deleted or rotated while the run goes on changes nothing;
- the hash in the manifest is of exactly the bytes analysed (computed while they are parsed);
- a zip member is unpacked as a stream and stopped at a cap, so a zip bomb costs at most the
  cap in memory.
"""
from __future__ import annotations

import hashlib
import os
import select
import stat
import zipfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import INPUT_UNREADABLE, InputError

#: how long to wait for the first byte of a FIFO nobody writes to yet
PIPE_WAIT_SECONDS = 60.0
#: a zip member may always unpack to this much, whatever its packed size
MIN_UNZIP_CAP = 32 << 20
_CHUNK = 1 << 20


@dataclass
class Source:
    """The bytes of one input and their SHA-256 (hashed in a thread while they are parsed)."""

    data: bytes
    _digest: Future

    @property
    def sha256(self) -> str:
        return self._digest.result()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()   # releases the GIL: runs beside the parser


_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trendminer-hash")


def stream_cap(read: Mapping[str, Any]) -> int:
    """The most bytes a pipe or a zip member may give, from ``ingest.read.max_stream_mb``."""
    return int(read.get("max_stream_mb", 4096)) << 20


def read_source(path: Path, read: Mapping[str, Any]) -> Source:
    """Read all bytes of ``path`` through one open; start hashing them.

    Raises
    ------
    InputError
        Missing file, a folder, a pipe nobody writes to or one that gives more than the cap.
    """
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if stat.S_ISREG(mode):
            with path.open("rb") as fh:
                data = fh.read()
        else:
            data = _read_pipe(path, stream_cap(read))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found. Check the path you passed to trendminer.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass the export file(s) inside it.") from None
    except PermissionError:
        raise InputError(INPUT_UNREADABLE.format(path=path, reason="Permission denied",
                                                 hint="make the file readable by this user")) from None
    except OSError as exc:   # a symlink loop, a vanished network share ...
        raise InputError(INPUT_UNREADABLE.format(path=path, reason=exc.strerror or exc,
                                                 hint="point it at the real export")) from None
    return Source(data, _HASHER.submit(_hash, data))


def _read_pipe(path: Path, cap: int) -> bytes:
    """A FIFO, ``<(...)`` or another stream: wait for a writer, read to the end, stop at ``cap``."""
    if not hasattr(select, "poll"):   # Windows: no FIFOs to wait for; read the stream as it comes
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    else:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)   # opening a FIFO without a writer must not block
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN | select.POLLHUP)
            if not poller.poll(PIPE_WAIT_SECONDS * 1000):
                raise InputError(
                    f"{path}: is a pipe (FIFO) that nothing wrote to within {PIPE_WAIT_SECONDS:g} s. "
                    "Start the program that writes the export before trendminer, or export to a file "
                    "and pass that.")
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > cap:
                raise InputError(
                    f"{path}: the pipe gave more than {cap >> 20} MB (ingest.read.max_stream_mb) "
                    "and was not read further. Export to a file, or raise ingest.read.max_stream_mb "
                    "if the export really is that big.")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unzip_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                 read: Mapping[str, Any]) -> bytearray:
    """The bytes of one zip member, unpacked as a stream and stopped at a cap.

    The cap is ``ingest.read.max_stream_mb``, and ``ingest.read.max_zip_ratio`` times the packed
    size (at least :data:`MIN_UNZIP_CAP`): ticket exports pack 5-20 times, a zip bomb
    thousands of times (Apache POI refuses ratios above 100 the same way).

    Raises
    ------
    InputError
        Naming the member and the cap, when the member unpacks to more.
    """
    ratio = float(read.get("max_zip_ratio", 100))
    cap = min(stream_cap(read), max(MIN_UNZIP_CAP, int(ratio * info.compress_size)))

    def refuse() -> InputError:
        return InputError(
            f"{path}: the zip member {info.filename} unpacks to more than {cap / 2**20:.0f} MB "
            f"(packed {info.compress_size:,} bytes; the limits are ingest.read.max_stream_mb = "
            f"{read.get('max_stream_mb', 4096)} and ingest.read.max_zip_ratio = {ratio:g} times the "
            "packed size) and was not unpacked further. A zip bomb? Unpack it yourself and check "
            "the file, or raise those limits if the export really is that big.")
    if info.file_size > cap:
        raise refuse()
    data = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            if len(data) + len(chunk) > cap:
                raise refuse()
            data += chunk
    return data   # not bytes(data): that would hold the member twice
