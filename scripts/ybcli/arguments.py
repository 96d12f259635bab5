"""Argument types shared by the commands: one wording for a bad number everywhere."""
import argparse

import ybgate

from .errors import UsageError


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def threshold(text):
    """--threshold's value as a fraction ('5%' or 0.05), None when not given; a UsageError when malformed."""
    if text is None:
        return None
    try:
        return ybgate.parse_fraction(text)
    except ValueError as error:
        raise UsageError(f"--threshold: {error}") from None
