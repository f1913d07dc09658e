"""Domain errors: every user mistake becomes one of these, with a message that names the fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RoutemapError(ValueError):
    """Base class for errors caused by input or settings, reported without a traceback."""

    exit_code = 1


class ConfigError(RoutemapError):
    """A setting in routemap.toml, partner.toml or on the command line is wrong."""

    exit_code = 2


class ProfileError(ConfigError):
    """A partner profile (partner.toml) is malformed or does not match its files."""


class ReadError(RoutemapError):
    """A contribution file cannot be read at all (empty, binary, corrupt, missing sheet).

    Parameters
    ----------
    path
        The file (shown first in the message).
    reason
        Why it cannot be read and what to do, without the file name.
    """

    exit_code = 2

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        # picklable with both arguments, so a read in another process can report it
        return (type(self), (self.path, self.reason))


class AccountingError(RoutemapError):
    """Rows read do not equal rows accepted + rejected + merged: outputs are not written."""

    exit_code = 3


class DisclosureError(RoutemapError):
    """A published output would reveal row-level or suppressed information."""

    exit_code = 4


def did_you_mean(key: str, known: Iterable[str]) -> str:
    """``"; did you mean 'min_count'? (allowed: …)"`` for a key close to a known one, else the keys allowed."""
    names = sorted(known)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    allowed = ", ".join(names)
    return f"; did you mean {close[0]!r}? (allowed: {allowed})" if close else f"; allowed: {allowed}"
