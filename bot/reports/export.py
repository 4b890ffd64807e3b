"""The CSV export of a server's participation."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TextIO

from bot.reports.digest import iso
from bot.reports.ports import ReportRecords
from bot.reports.types import EXPORT_COLUMNS


async def export_csv(
    store: ReportRecords,
    guild_id: int,
    since: int,
    out: TextIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a server's participation since ``since`` as CSV; returns rows written.

    Columns: ``EXPORT_COLUMNS``; ``created_at`` in ISO 8601 UTC; ``length`` empty when
    unknown; an anonymous answer has ``anonymous`` "yes" and an empty ``member_id``. Rows are
    streamed from the database in batches, so memory does not grow with size.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    written = 0
    async for batch in store.export_rows(guild_id, since):
        writer.writerows(
            (*r[:8], iso(r[8]), "" if r[9] is None else r[9], "yes" if r[10] else "") for r in batch
        )
        written += len(batch)
        if progress is not None:
            progress(written)
    return written
