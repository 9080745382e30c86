"""Row accounting of an optional side export (change records, a knowledge base): every row of
the file is accepted, merged as a duplicate or rejected with its row and column."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class SideRows:
    """Where every row of a side export went: ``rows == accepted + duplicates + rejected``.

    Examples
    --------
    >>> acc = SideRows(rows=5, accepted=3, duplicates=1, rejected=1, source="x.csv")
    >>> acc.balanced, acc.summary()
    (True, '5 rows: 3 accepted, 1 duplicate, 1 rejected')
    """

    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)
    source: str = ""
    format: str = ""
    #: what a row is, for :meth:`summary` ("change rows")
    noun: ClassVar[str] = "rows"

    @property
    def balanced(self) -> bool:
        return self.rows == self.accepted + self.duplicates + self.rejected

    def describe(self) -> dict:
        """Plain values for the run manifest."""
        return {"file": self.source, "format": self.format, "rows": self.rows, "accepted": self.accepted,
                "duplicates": self.duplicates, "rejected": self.rejected, "rejections": list(self.examples)}

    def summary(self) -> str:
        return (f"{self.rows} {self.noun}: {self.accepted} accepted, {self.duplicates} duplicate, "
                f"{self.rejected} rejected")
