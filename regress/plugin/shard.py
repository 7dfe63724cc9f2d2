"""CI shards: ``--shard i/n`` runs one n-th of the items (``regress merge`` combines their reports).

After ``-k``/``-m`` have deselected, the remaining items are ordered by a stable hash of their node id
(sha1, ties by node id) and dealt round-robin; shard ``i`` keeps every n-th.
The same checkout and arguments always give the same split, every item is in
exactly one shard, and shard sizes differ by at most one. The hash mixes
pages and viewports, so shards also cost about the same. It composes with
``-n`` (each xdist worker collects and computes the same split).
"""
from __future__ import annotations

import hashlib
import re

import pytest

from .state import session_state

USAGE = "--shard must be i/n with 1 <= i <= n"
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


# --- splitting ----------------------------------------------------------------------

def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``"2/3"`` -> (2, 3); None for no sharding; ValueError(USAGE) when malformed."""
    if value is None:
        return None
    m = _SHARD.match(str(value))
    if not m:
        raise ValueError(USAGE)
    index, total = int(m.group(1)), int(m.group(2))
    if not 1 <= index <= total:
        raise ValueError(USAGE)
    return index, total


def _order_key(nodeid: str) -> tuple[str, str]:
    return hashlib.sha1(nodeid.encode("utf-8")).hexdigest(), nodeid


def shard_of(nodeids, index: int, total: int) -> set[str]:
    """The node ids shard ``index`` (1-based) of ``total`` keeps."""
    ordered = sorted(set(nodeids), key=_order_key)
    return set(ordered[index - 1::total])


def pytest_configure(config: pytest.Config) -> None:
    state = session_state(config)
    try:
        state.shard = parse_shard(state.options.shard)
    except ValueError as err:
        raise pytest.UsageError(f"{err} (got {state.options.shard!r})") from None


@pytest.hookimpl(trylast=True)  # after -k/-m: split what they selected
def pytest_collection_modifyitems(session, config: pytest.Config, items: list) -> None:
    shard = session_state(config).shard
    if not shard:
        return
    keep = shard_of([item.nodeid for item in items], *shard)
    selected = [item for item in items if item.nodeid in keep]
    deselected = [item for item in items if item.nodeid not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_collectionfinish(config: pytest.Config, items) -> str | None:
    shard = session_state(config).shard
    return f"shard {shard[0]}/{shard[1]}: {len(items)} items" if shard else None
