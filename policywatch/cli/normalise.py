"""CLI commands for this area (filled in by its owner)."""

COMMANDS: list = []
