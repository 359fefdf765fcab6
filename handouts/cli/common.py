"""What several commands print or load the same way."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from ..clinic.profile import Profile
from ..clinic.toml import load_profile


def warn_one(warning: str) -> None:
    click.echo(f"Warning: {warning}", err=True)


def warn(warnings: Iterable[str]) -> None:
    for warning in warnings:
        warn_one(warning)


def profile_from(profile_path: Path | None, logo_anywhere: bool) -> Profile | None:
    """The clinic profile of --profile (and --logo-anywhere), or None without it."""
    return load_profile(profile_path, logo_anywhere) if profile_path else None
