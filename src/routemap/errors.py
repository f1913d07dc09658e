"""The errors routemap raises for user mistakes: catch :class:`RoutemapError` to handle them all."""

from __future__ import annotations

from routemap._errors import AccountingError, ConfigError, DisclosureError, ProfileError, ReadError, RoutemapError

__all__ = ["AccountingError", "ConfigError", "DisclosureError", "ProfileError", "ReadError", "RoutemapError"]
