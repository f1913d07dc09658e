"""The output folder: move a build's files in, remove only files routemap wrote, never a user's file."""

from __future__ import annotations

import os
from pathlib import Path

from routemap._errors import ConfigError

#: The list of files routemap wrote into an output folder, kept (hidden) in that folder.
MANIFEST = ".routemap-outputs"
_HEADER = "# files routemap wrote here; routemap replaces or removes only these\n"


def written_before(out: Path) -> set[str]:
    """Names of the files an earlier build wrote into ``out`` (empty when there is no manifest)."""
    path = out / MANIFEST
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#") and "/" not in line and line not in (".", "..")}


def foreign_files(out: Path) -> list[str]:
    """Names in ``out`` that routemap did not write (hidden files such as ``.gitkeep`` aside)."""
    if not out.is_dir():
        return []
    ours = written_before(out)
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and p.name not in ours)


def publish(staging: Path, out: Path, names: list[str], *, force: bool = False) -> None:
    """Move a build's files from ``staging`` into ``out``; remove the files of earlier builds it no longer writes.

    Only files listed in the folder's manifest (written by an earlier build) are ever removed;
    the manifest then lists ``names``.

    Parameters
    ----------
    staging
        Folder holding the new files.
    out
        The output folder (created if missing).
    names
        The files to move, by name.
    force
        Write into a folder that holds files routemap did not write (they are left as they are).

    Raises
    ------
    ConfigError
        When ``out`` holds files routemap did not write and ``force`` is false, or, even with
        ``force``, when a file of the build has the name of one of them; nothing is changed.
    """
    foreign = foreign_files(out)
    clash = [name for name in names if name in foreign]
    if clash:
        shown = ", ".join(clash[:5]) + (f" and {len(clash) - 5} more" if len(clash) > 5 else "")
        raise ConfigError(
            f"the output folder {out} holds your own {shown}, which this build would write over; routemap never "
            "replaces a file it did not write, not even with --force. Move or rename it, or choose another --out"
        )
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise ConfigError(
            f"the output folder {out} holds files routemap did not write ({shown}); routemap replaces and removes "
            "files in its output folder, so it does not write there. Choose an empty or new folder with --out, "
            "or add --force to write beside them (routemap then removes only files it wrote itself)"
        )
    before = written_before(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(staging / name, out / name)
    for name in sorted(before - set(names)):
        (out / name).unlink(missing_ok=True)
    (out / MANIFEST).write_text(_HEADER + "".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
