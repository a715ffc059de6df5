"""Printing tables and JSON for the command line."""

import json
from collections.abc import Sequence
from typing import Any

import click


def echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


def echo_table(rows: Sequence[dict], columns: Sequence[str]) -> None:
    """A plain aligned text table (readable in any terminal and in logs)."""
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)))
