"""Paging of every app's long lists (the gestionnaire's lists, SOFI's catalogue and dashboard): a page is
LIMIT/OFFSET in the database, this says which page of how many."""

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

PAGE_SIZE = 20

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list: its items, the total, and which page of how many it is."""

    items: list[T]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to offer: the first, the last and those around the current one (None: a gap)."""
        shown = sorted({1, self.count, *range(max(1, self.number - around), min(self.count, self.number + around) + 1)})
        numbers: list[int | None] = []
        for previous, current in zip([0, *shown], shown, strict=False):
            if current - previous > 1:
                numbers.append(None)
            numbers.append(current)
        return numbers


def page_number(total: int, wanted: int | None, size: int = PAGE_SIZE) -> int:
    """The page to show: the one asked for, kept between the first and the last."""
    return min(max(1, wanted or 1), max(1, math.ceil(total / size)))
