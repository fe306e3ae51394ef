"""The one root of every refusal kjtui tells a user: a catalog key and its parameters.

Nothing below the screens translates: the layer that talks to the person (a screen, the command
line) turns the key into a sentence with `kjtui.i18n.message(exc)`. Subclasses exist only where
a caller must tell refusals apart. Whatever raised one of these changed nothing.
"""

from __future__ import annotations


class KjtuiError(Exception):
    def __init__(self, key: str, /, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class Refused(KjtuiError):
    """A write refused (a rule of the notebook, or of who may change what). `confirmable`: the
    same write is accepted when the person confirms it, as for an unlikely odometer reading."""

    def __init__(self, key: str, /, confirmable: bool = False, **params):
        super().__init__(key, **params)
        self.confirmable = confirmable

    @classmethod
    def unless_confirmed(cls, key: str, confirmed, /, **params) -> None:
        """Refuse with the question `key` (confirmable) unless the person already answered it yes:
        `confirmed` holds the keys of the questions answered yes, so that each is asked once."""
        if key not in confirmed:
            raise cls(key, confirmable=True, **params)


class DatabaseError(KjtuiError):
    """A database file or server that cannot be used; nothing in it was touched."""


class BundleError(KjtuiError):
    """A bundle refused (unreadable, tampered, foreign, a fork) or a link that failed."""
