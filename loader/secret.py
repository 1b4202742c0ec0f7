"""A string that will not print itself.

Secrets travel through the code as ``Secret`` so a stray f-string, ``repr`` in a traceback or a log
record shows ``Secret('***')`` instead of the value; the value is read only where it is sent.
"""

from __future__ import annotations

from typing import Final

_MASK: Final = "***"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        """The plain value: call only where it goes on the wire or into the vault."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({_MASK!r})"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, spec: str) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the value somewhere unencrypted: refuse.
        raise TypeError("Secret values are not picklable")
