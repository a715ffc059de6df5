"""Outputs never replace anything the user did not name as an output.

Checked before a run reads a row (:func:`check_destinations`): an output
that is an existing folder (``-o .``, ``-o results/``), that is one of the
inputs or lies inside an input folder, or that is another output of the same
run is refused with the reason. A run killed before renaming its files
leaves hidden ``.NAME.partial-PID-RANDOM`` files; the next run to the same
outputs removes those whose process is gone (:func:`clean_stale_partials`)
and leaves those of a run still going.
"""

import glob
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from recommender.batch.writing import PARTIAL, Destinations, OutputError, existing_folder, remove

#: ``PID-RANDOM`` after the partial marker (older runs wrote ``RANDOM`` alone).
_PARTIAL_OWNER = re.compile(r"(?:(\d+)-)?[0-9a-f]{8}")


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name the same file or folder (through links too)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.samefile(b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return folder.is_dir() and path.resolve().is_relative_to(folder.resolve())


def check_destinations(where: Destinations, sources: Iterable[Path | str]) -> None:
    """Raise :class:`OutputError` for an output that would replace or lose
    something else: an existing folder, an input (or a file inside an input
    folder), another output; or that cannot be written (missing or
    read-only folder)."""
    # The main output first: its problem is the one to tell.
    outputs = [(name, Path(path)) for name, path, _ in reversed(where.items())]
    for name, path in outputs:
        option = "-o" if name == "output" else f"--{name}"
        if path.is_dir():
            raise existing_folder(option, path)
        for source in map(Path, sources):
            if _same(path, source) or _inside(path, source):
                raise OutputError(f"{option} {path}: is the input {source}; name another output file")
        folder = path.parent
        if not folder.is_dir():
            raise OutputError(f"{option} {path}: folder {folder} does not exist; create it or name another")
        try:  # a probe, not os.access: root ignores permission bits but not a read-only mount
            tempfile.TemporaryFile(dir=folder).close()
        except OSError as error:
            raise OutputError(f"{option} {path}: cannot write in folder {folder} ({error.strerror}); "
                              "name an output in a folder you can write") from error
    for i, (name, path) in enumerate(outputs):
        for other, other_path in outputs[i + 1:]:
            if _same(path, other_path):
                raise OutputError(f"the {name} and {other} outputs are both {path}; give each its own "
                                  "file (--rejects, --summary, -o)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def clean_stale_partials(where: Destinations) -> tuple[list[Path], list[Path]]:
    """Remove the temporary files an earlier killed run left for these outputs.

    Returns
    -------
    removed, kept : list of Path
        Temporary files (or folders) of dead runs, now removed; those of runs
        still going (another process id that is alive), left alone.
    """
    removed, kept = [], []
    for _, path, _ in where.items():
        path = Path(path)
        prefix = f".{path.name}{PARTIAL}"
        if not path.parent.is_dir():
            continue
        for candidate in sorted(path.parent.glob(f"{glob.escape(prefix)}*")):
            owner = _PARTIAL_OWNER.fullmatch(candidate.name[len(prefix):])
            if owner is None:
                continue  # not one of ours
            pid = int(owner.group(1)) if owner.group(1) else None
            if pid is not None and pid != os.getpid() and _alive(pid):
                kept.append(candidate)
            else:
                remove(candidate)
                removed.append(candidate)
    return removed, kept

