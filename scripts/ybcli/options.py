"""Typed options: each command's options are a frozen dataclass built from its parsed arguments, and
commands call each other by building those objects, never argument namespaces by hand. A field added to
an options class with a default breaks no caller; one without a default fails every caller's test."""
import dataclasses


def from_namespace(cls, args, **converted):
    """`cls` from the argparse namespace `args`: every field by its name, except those given converted."""
    values = {field.name: getattr(args, field.name) for field in dataclasses.fields(cls) if field.name not in converted}
    return cls(**values, **converted)


def split_list(values) -> tuple:
    """Repeatable and comma-separated values (`--family a,b --family c`) as one tuple."""
    return tuple(name for value in values or () for name in value.split(",") if name)
