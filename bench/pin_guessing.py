"""PIN guessing: what it costs to try every PIN against a terminal's cached PIN hash.

Whoever has a terminal's copy (its OS account) has each approver's PIN hash and the salt
of their approval key (docs/offline.md): trying every PIN against the hash finds the PIN,
and with it the approval key. Each guess costs one scrypt at the app's cost (the PIN
hash's parameters, which the approval key uses too). Measured here, same run:

* the floor: one SHA-256 of a salted PIN (what a guess would cost without a slow KDF);
* one PIN-hash check (``app.staff.hash_pin``, production cost n=2**14, r=8, p=1);
* one approval-key derivation (``app.staff.approval_key``, the same cost).

Medians of ``--samples`` each, with ratios to the floor, then the time to try every
4-digit and every 6-digit PIN on one core, on this machine's cores, and on 16 cores.

    python -m bench.pin_guessing [--samples 40]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time


def timed(run, samples: int, clock=time.perf_counter) -> list[float]:
    """Seconds per call of ``run`` on ``clock``, ``samples`` times (after one warm-up)."""
    run()
    out = []
    for _ in range(samples):
        start = clock()
        run()
        out.append(clock() - start)
    return out


def span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    from app import staff

    salt = os.urandom(16)
    kdf = f"scrypt${staff.SCRYPT_N}${staff.SCRYPT_R}${staff.SCRYPT_P}${salt.hex()}"
    floor = statistics.median(timed(lambda: hashlib.sha256(salt + b"482193").digest(),
                                    args.samples))
    check = statistics.median(timed(lambda: staff.hash_pin("482193", salt), args.samples))
    derive = statistics.median(timed(lambda: staff.approval_key("482193", kdf),
                                     args.samples))
    # CPU time: what a guess costs an attacker's core (wall time here includes the waits of
    # a shared, loaded machine).
    check_cpu = statistics.median(timed(lambda: staff.hash_pin("482193", salt),
                                        args.samples, time.process_time))
    print(f"scrypt n={staff.SCRYPT_N} r={staff.SCRYPT_R} p={staff.SCRYPT_P}, "
          f"{args.samples} samples each, medians")
    print(f"{'floor: SHA-256 of a salted PIN':<38} {floor * 1e6:10.2f} µs")
    print(f"{'PIN-hash check (hash_pin)':<38} {check * 1e3:10.2f} ms   "
          f"x{check / floor:,.0f} the floor")
    print(f"{'approval-key derivation':<38} {derive * 1e3:10.2f} ms   "
          f"x{derive / floor:,.0f} the floor, x{derive / check:.2f} the PIN check")
    print(f"{'PIN-hash check, CPU time':<38} {check_cpu * 1e3:10.2f} ms   "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    cores = os.cpu_count() or 1
    print("Trying every PIN against the cached hash, one scrypt (CPU time) a guess; "
          "on average half of it finds the PIN:")
    for digits in (4, 5, 6, 8):
        space = 10 ** digits
        print(f"  {digits} digits ({space:>11,} PINs): one core "
              f"{span(space * check_cpu):>10}, {cores} cores "
              f"{span(space * check_cpu / cores):>10}, 16 cores "
              f"{span(space * check_cpu / 16):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
