"""Errors a user can meet. Each message is one line that names the file and the problem."""

from __future__ import annotations


class LitextractError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(LitextractError):
    """A bad input file (PDF, form, gold, targets): `path: reason`."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Picklable with its two arguments, so it crosses process pools (parse_many).
        return (type(self), (self.path, self.reason))
