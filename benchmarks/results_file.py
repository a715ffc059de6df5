"""Writing one benchmark's section of ``benchmarks/RESULTS.md``.

Each benchmark owns the text between its markers ``<!-- NAME:start -->`` and
``<!-- NAME:end -->`` and leaves the rest of the file alone.
"""

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def replace_section(name: str, text: str, path: Path = RESULTS) -> None:
    """Put ``text`` between the ``name`` markers of ``path``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = path.read_text(encoding="utf-8")
    head, rest = content.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")
