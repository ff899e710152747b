"""The app's one garbage-collector policy: what start-up built is never scanned again.

A counter that has started holds a few tens of thousands of long-lived Python objects (Qt
wrappers, catalogs, translations, Babel's locale data, the modules themselves). CPython's
full (generation 2) collection walks all of them each time it runs, and it runs now and
then in the middle of a tap: on a 1,000,000-incident store one such pass was measured at
65-96 ms inside a single tap (``bench/tap.py --db``), against ~10 ms of CPU for the tap
itself - the whole of the tap's p99. ``gc.freeze()`` once start-up is done moves those
objects into the permanent generation (what CPython's documentation advises for a process
that builds its state once and then serves requests): later collections only walk what
was made since, and reference counting still frees everything as before. Called once, at
the end of the start-up steps (``ui.app.start``), and by the benches that build the window
themselves; never by the tests (their windows come and go).
"""

from __future__ import annotations

import gc


def settle_after_start() -> None:
    """Collect what start-up left as garbage, then freeze what is alive (see above)."""
    gc.collect()
    gc.freeze()
