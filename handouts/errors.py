"""The one exception family the library raises.

Every error carries a message written for the person running the tool: what is
wrong, where (file, line, field), and what to do. The CLI prints it and exits
non-zero; it never shows a traceback for these.
"""

from __future__ import annotations


class HandoutsError(Exception):
    """Base class of every error the library raises on purpose."""


class UsageError(HandoutsError):
    """The request names something that does not exist (a handout, language or size)."""


class ContentError(HandoutsError):
    """A content, facts or handout file is malformed or incomplete."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)


class FactError(ContentError):
    """A fact is unknown, missing or not confirmed (with --strict)."""


class GlyphError(ContentError):
    """A character to be printed is missing from the language's fonts."""


class RenderError(HandoutsError):
    """WeasyPrint could not render a job, or a resource was refused."""


class FitError(RenderError):
    """A handout does not fit its page."""


class ReviewError(HandoutsError):
    """--require-reviewed was given and a draft translation was asked for."""


class ClaimError(ContentError):
    """A statement of law or policy is past its review date (or unknown)."""


class OutputError(HandoutsError):
    """An output file or folder cannot be written (read-only, full disk, busy)."""


class TranslationError(ContentError):
    """A translation is out of date with its English source, or an import or sign-off is refused."""


class ClusterError(HandoutsError):
    """A Dask cluster cannot be reached, or its workers differ from this client."""
