"""Batches: one row per office in a CSV file; per office, the files it asked
for, a PRINT-ME-FIRST.txt, and one zip to hand over; a summary of the run.

Each row is a clinic profile (name, address, phone, ..., logo) plus what that
office gets, in optional columns whose defaults come from the command line:
`handouts`, `languages`, `sizes`, `cards` (e.g. `es:40 ko:20`, rounded up to
whole sheets), `packets` (`yes`, `no`, or a language to pair each page with,
e.g. `en`) and `signs`. A bad row is reported with its row number and column,
and the other rows still build. Rows are numbered as a spreadsheet shows them:
the header is row 1. One pool of render processes serves the whole batch.

- rows.py: the CSV file, checked row by row, into offices (and an office's folder);
- fits.py: fits shared by the offices of one shape, remembered in OUT/.fits.json;
- office.py: one office's files, card sheets, PRINT-ME-FIRST.txt and zip;
- run.py: `run_batch`, the whole batch on one engine.

The PRINT-ME-FIRST text, the zip writer and the summary are in handover.py.
This module only names what other modules use.
"""

from .office import card_sheets
from .rows import OfficePlan, office_folder, parse_cards, parse_plan, read_offices, slugify
from .run import run_batch

__all__ = [
    "OfficePlan",
    "card_sheets",
    "office_folder",
    "parse_cards",
    "parse_plan",
    "read_offices",
    "run_batch",
    "slugify",
]
