"""What a packet is: which handouts it binds, at which size, in which
languages, under what name, dated when. Data and small rules, no rendering."""

from __future__ import annotations

import datetime as dt

from ..clinic.profile import Profile
from ..clock import build_date
from ..content import get_handout
from ..errors import UsageError
from ..locales import get_language
from ..model import Job

PACKET_HANDOUTS = ("know-your-rights", "medi-cal", "care-access", "pharmacy")
PACKET_SIZE = "letter"


def packet_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date, so a packet can be rebuilt byte for byte."""
    return build_date()


def packet_jobs(lang: str, profile: Profile | None = None, bilingual: str | None = None) -> list[Job]:
    get_language(lang)
    jobs = [Job(h, lang, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    if bilingual:
        get_language(bilingual)
        if bilingual == lang:
            raise UsageError(f"--bilingual {bilingual} is the packet's own language; choose another.")
        jobs += [Job(h, bilingual, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    for job in jobs:
        get_handout(job.handout)
    return jobs


def packet_name(lang: str, bilingual: str | None) -> str:
    return f"packet-{lang}" + (f"-with-{bilingual}" if bilingual else "") + ".pdf"
