"""A whole batch: read the CSV, fit each shape of page once, then make the
offices in threads of their own on one engine, and write the summary."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path

from ..clock import build_date
from ..engines import Engine, local_engine, offices_in_flight
from ..handover import write_summary
from ..output import remove_dead_temporaries
from ..packet.plan import packet_date
from ..sheets import get_stock
from ..words import active, current
from .fits import shared_fits
from .office import BatchContext, make_office
from .rows import Office, OfficePlan, OfficeResult, read_offices


def run_batch(
    path: Path,
    out: Path,
    defaults: OfficePlan,
    workers: int = 1,
    on_office: Callable[[OfficeResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    logo_anywhere: bool = False,
    stock: str = "avery-5371",
    today: str | None = None,
    engine: Engine | None = None,
) -> list[OfficeResult]:
    """For every good row: the office's files in OUT/<slug>/, its PRINT-ME-FIRST.txt
    and OUT/<slug>.zip; then OUT/summary.csv and OUT/summary.json, one line per
    row (failed rows too). One engine serves every office: `engine` (e.g. a
    Dask cluster, see distributed.py; the caller closes it) or a pool of
    `workers` processes started for this batch."""
    get_stock(stock)
    packet_date()  # a bad SOURCE_DATE_EPOCH is reported before any work
    today = today or build_date().isoformat()
    offices, results, warnings = read_offices(path, logo_anywhere, defaults)
    remove_dead_temporaries(out)  # OUT's own (.fits.json, summary.csv) of a batch that was killed
    for warning in warnings:
        if on_warning:
            on_warning(warning)
    for failure in results:
        if on_office:
            on_office(failure)
    with nullcontext(engine) if engine is not None else local_engine(workers) as engine:
        engine.start()
        batch = BatchContext(path, out, stock, today, workers, engine, shared_fits(offices, engine, out))
        # Several offices in flight, so the engine's workers never wait for one office's packets or
        # zip: each office's steps depend on each other, but offices do not. Files are still written by
        # this process only, each office into its own folder; the output does not depend on the order.
        # Each thread words what it writes (PRINT-ME-FIRST, titles) in the caller's language (words.py):
        # a thread does not inherit the caller's context.
        reader = current()

        def one(office: Office) -> OfficeResult:
            with active(reader):
                return make_office(office, batch)

        with ThreadPoolExecutor(max_workers=offices_in_flight(engine), thread_name_prefix="office") as threads:
            for result in threads.map(one, offices):
                results.append(result)
                if on_office:
                    on_office(result)
    results.sort(key=lambda r: r.row)
    write_summary(out, results)
    return results
