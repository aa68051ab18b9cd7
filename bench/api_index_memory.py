"""Memory and time of the guide's index and the HSDS API's postings (issue 15).

Uses ``api_search.py``'s database (``DATABASE_URL``; build it there first) and
prints, by ``tracemalloc``, what the index (``GuideIndex.build``) and then its
postings (``Postings.of``) hold, the time to build each, to score a query over
the whole directory and to patch the postings after an edit of one service:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vern_api uv run python bench/api_index_memory.py

A benchmark, not a test.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_search


def timed(function, repeat: int = 1) -> tuple[object, float]:
    started = time.perf_counter()
    for _ in range(repeat):
        result = function()
    return result, (time.perf_counter() - started) * 1000 / repeat


def main() -> None:
    sys.path.insert(0, str(api_search.ROOT / "src"))  # this tree's code, as api_search does
    api_search.configure(Path(tempfile.mkdtemp(prefix="vern-api-index-")))
    from vern.directory.search import prefixes
    from vern.guide import index as index_module
    from vern.guide.query import plan_query

    has_postings = hasattr(index_module, "Postings")  # main's code before it: the index only
    # Memory first (tracemalloc slows everything down), then times without it.
    gc.collect()
    tracemalloc.start()
    index = index_module.GuideIndex.build()
    gc.collect()
    index_bytes = tracemalloc.get_traced_memory()[0]
    postings_bytes = 0
    if has_postings:
        _ = index.postings
        gc.collect()
        postings_bytes = tracemalloc.get_traced_memory()[0] - index_bytes
    tracemalloc.stop()
    del index
    gc.collect()
    index, build_ms = timed(index_module.GuideIndex.build)
    line = (
        f"api_index services={len(index.entries)} index_build_ms={build_ms:.0f} "
        f"index_mb={index_bytes / 1e6:.1f}"
    )
    if not has_postings:
        print(line)
        return
    postings, postings_ms = timed(lambda: index.postings)
    print(
        f"{line} postings_build_ms={postings_ms:.0f} postings_mb={postings_bytes / 1e6:.1f} "
        f"stems={len(postings.vocabulary)} pairs={sum(len(v) for v in postings.lists.values())}"
    )
    for query in ("vold", "krisesenter", "samtale barn"):
        wanted = prefixes(plan_query(query))
        scored, ms = timed(lambda wanted=wanted: postings.scores(wanted), 10)
        _, page1_ms = timed(
            lambda wanted=wanted: index.search_page(wanted, municipality_id=None, start=0, end=20),
            10,
        )
        _, page10_ms = timed(
            lambda wanted=wanted: index.search_page(
                wanted, municipality_id=None, start=180, end=200
            ),
            10,
        )
        _, regex_ms = timed(
            lambda wanted=wanted: index.scores(wanted, list(index.entries.values())), 3
        )
        print(
            f"api_index query={query!r} matches={len(scored)} postings_score_ms={ms:.1f} "
            f"page1_ms={page1_ms:.1f} page10_ms={page10_ms:.1f} regex_score_all_ms={regex_ms:.1f}"
        )
    # An edit of one service: its entry read again, the postings patched (here
    # with every word's count changed, "vold" among them: its 19,658 copied).
    entry = next(iter(index.entries.values()))
    body = " ".join(f"{word} {word}" for word in [*entry.body.split(" "), "vold", "nyord"])
    edited = dataclasses.replace(entry, body=body, length=body.count(" ") + 1)
    _, patch_ms = timed(lambda: postings.patched({entry.pk: edited}), 10)
    _, update_ms = timed(lambda: index.updated(frozenset([entry.pk])), 5)
    print(f"api_index patch_one_ms={patch_ms:.1f} index_updated_one_ms={update_ms:.1f}")


if __name__ == "__main__":
    main()
