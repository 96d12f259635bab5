"""What the gate refuses: a comparison no verdict could mean anything in (exit status 2)."""


class GateError(Exception):
    """Results that cannot be compared (other measure modes, builds or machines; nothing in common), or a
    thresholds file that cannot be used; one line, exit status 2."""
