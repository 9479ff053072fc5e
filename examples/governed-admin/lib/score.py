"""Fixed logic: program.toml declares `score` non-inline, so an upgrade that changes this file is refused (LOGIC_CHANGED)."""


def score(x: int) -> int:
    return x * x
