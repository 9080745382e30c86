"""ingest: export files in, one canonical raw tickets frame and its row accounting out.

Rooms, bottom to top (each imports only those below it):

- ``table``   -- :class:`Table`, one file read into strings; header name helpers.
- ``source``  -- opens an input once (file, FIFO, pipe) and unpacks zip members with a cap.
- ``json``, ``excel`` -- readers of JSON / JSON Lines and ``.xlsx`` files into a Table.
- ``formats`` -- detects a file's format and encoding and reads CSV, Parquet, zip members.
- ``dates``   -- date parsing (ISO fast path, day/month order, time zones).
- ``presets`` -- which export tool wrote a header (ServiceNow, Jira, Zendesk) and its column map.
- ``exports`` -- :func:`read_exports`: all of the above, deduplication and :class:`Accounting`.
- ``surveys`` -- satisfaction survey results joined on the ticket number (``--surveys``).
- ``side_rows`` -- row accounting of the optional side exports (change records, knowledge base).

Only this package (with ``store`` and the report writer) touches input files. Callers outside
it use :func:`trendminer.pipeline.load_tickets`, which also cleans and redacts.
"""
from __future__ import annotations

from .exports import Accounting, IngestResult, Rejection, read_exports
from .surveys import join_survey_export

__all__ = ["Accounting", "IngestResult", "Rejection", "join_survey_export", "read_exports"]
