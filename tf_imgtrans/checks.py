"""Argument checks shared by the package, raising `ValueError` in its message style:
``"`name` must be … Received: name=value"``.

Example:

>>> check_positive_int("batch_size", 4)
4
>>> check_one_of("direction", "AtoB", ["AtoB", "BtoA"])
'AtoB'
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

T = TypeVar("T")


def check_positive_int(
    name: str, value: object, minimum: int = 1, allow_none: bool = False
) -> int | None:
    """Checks that `value` is an int (not a bool) of at least `minimum`, and returns it.

    Args:
        name: str. The argument's name, as the caller spells it.
        value: object. The value received.
        minimum: int. The smallest value accepted; 1 reads "a positive int" in the message,
            others "an int >= minimum".
        allow_none: bool. Accept (and return) None as well.

    Raises:
        ValueError: `value` is not such an int.
    """
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        what = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")
    return value


def check_one_of(name: str, value: T, choices: Collection) -> T:
    """Checks that `value` is one of `choices`, and returns it.

    Args:
        name: str. The argument's name, as the caller spells it.
        value: object. The value received.
        choices: collection. The accepted values, shown in the message as given (pass a
            sorted list for a set).

    Raises:
        ValueError: `value` is not in `choices`.
    """
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}. Received: {name}={value!r}")
    return value


def check_non_negative(name: str, value: object, positive: bool = False) -> float:
    """Checks that `value` is a real number >= 0 (> 0 with `positive`), and returns it as a
    float (loss weights, temperatures).

    Raises:
        ValueError: `value` is not such a number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        ok = False
    else:
        ok = value > 0 or not positive
    if not ok:
        what = "a number > 0" if positive else "a number >= 0"
        raise ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")
    return float(value)
