"""The ``jundeng`` command line (Typer): thin wrappers that parse options, call a service and print."""

from __future__ import annotations

from jundeng.cli.app import app


def main() -> None:
    """Run the command line (refusals are printed and exit 1: see :class:`jundeng.cli.app.Commands`)."""
    app()


__all__ = ["app", "main"]
