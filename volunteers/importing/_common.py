"""The caches the import's checks and its writing share."""

from __future__ import annotations

# Cells and field values met again (dates, names, titles, centre codes) are parsed and cleaned
# once; a cache is emptied when it reaches this size, so that it stays small.
_CACHE_LIMIT = 20_000


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= _CACHE_LIMIT:
        memo.clear()
    memo[key] = value
