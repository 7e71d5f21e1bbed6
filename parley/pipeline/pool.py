"""Run one piece of work per item in parallel under one progress bar (renders, verifications)."""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from parley.errors import ParleyError


def in_parallel(work, items: list, jobs: int, description: str, progress: bool) -> list[tuple]:
    """work(item) for every item in threads, under one progress bar: [(item, result, error)] in finishing order.

    Threads suffice because each piece of work runs in its own kernel process; a ParleyError is that item's
    failure (error set, result None), anything else is a bug and propagates.
    """
    from tqdm import tqdm

    done = []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items)))) as pool:
        futures = {pool.submit(work, item): item for item in items}
        bar = tqdm(total=len(items), desc=description, unit="briefing", disable=not progress, file=sys.stderr)
        for future in as_completed(futures):
            try:
                done.append((futures[future], future.result(), None))
            except ParleyError as err:
                done.append((futures[future], None, err))
            bar.update(1)
        bar.close()
    return done
