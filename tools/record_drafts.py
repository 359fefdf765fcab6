"""Record a translator's direct edits of <lang>.yaml files as drafts.

    .venv/bin/python tools/record_drafts.py LANG [HANDOUT ...]

For a translation edited by hand (not through `handouts translations import`),
this records, in each <lang>.review.yaml, the English each changed string was
made from and its new text, as a draft. Only strings that are "changed in
English" (stale), new, or edited since they were recorded are touched; a
string a person reviewed and nobody changed keeps its review. Run it only
after the translation really follows today's English: it tells the tool that
it does. It never marks anything reviewed (`handouts translations sign` does).
"""

from __future__ import annotations

import sys

from handouts.content import COMMON, available_languages, handout_keys
from handouts.translations import fingerprint, record, translated_strings


def main(lang: str, handouts: list[str]) -> int:
    keys = handouts or [COMMON, *handout_keys()]
    total = 0
    for key in keys:
        if lang not in available_languages(key):
            continue
        changed = {
            s.field: (s.english, s.text)
            for s in translated_strings(key, lang)
            if s.state == "stale" or s.review is None or s.review.text != fingerprint(s.text)
        }
        if changed:
            record(key, lang, changed)
            total += len(changed)
            print(f"{key}/{lang}: recorded {len(changed)} string(s) as draft")
    print(f"{lang}: {total} string(s) recorded as draft; nothing marked reviewed.")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
