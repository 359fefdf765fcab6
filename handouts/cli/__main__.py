"""`python -m handouts.cli`: the same as the `handouts` command."""

from . import run

run()
