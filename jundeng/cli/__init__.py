"""The ``jundeng`` command line (Typer): thin wrappers that parse options, call the store and print."""

from __future__ import annotations

from jundeng.cli.app import app


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
