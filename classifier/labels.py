"""The two moderation tasks and the labelled row every dataset loader produces."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Task(StrEnum):
    """What a head predicts: 1 means spam, or abusive."""

    SPAM = "spam"
    ABUSE = "abuse"


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled text, named the way test-rows.csv names it."""

    task: Task
    dataset: str
    file: str
    row_id: str
    text: str
    label: int
    author: str = ""
    email: str = ""
    url: str = ""  # the form's website field

    @property
    def ident(self) -> tuple[str, str, str]:
        """The (dataset, file, row_id) triple that test-rows.csv uses."""
        return (self.dataset, self.file, self.row_id)
