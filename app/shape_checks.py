"""reportlab's ``rl_config.shapeChecking`` off for a block (app.pdf, app.cli_reports).

With it on, every attribute a chart's shapes and widgets are given is checked against its
type as it is set (~9,000 checks, some 4 % of a report's process), and chart classes made
while it is on keep a checking ``__setattr__``. A development aid, reportlab says; the PDF
is the same byte for byte. This module imports nothing of reportlab's charts, so a caller
can turn checking off before they are imported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_shape_checks() -> Iterator[None]:
    """Shape checking off inside the block, given back afterwards (also on an error)."""
    from reportlab import rl_config

    before = rl_config.shapeChecking
    rl_config.shapeChecking = 0
    try:
        yield
    finally:
        rl_config.shapeChecking = before
