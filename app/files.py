"""Files Comeback writes for the owner (reports, exports, backups): private, and whole or
not at all.

``atomic_private_output(path)`` hands out a temporary file in the target's folder (made
0600 by ``mkstemp``); when the block ends without an error the file is flushed to disk and
renamed over ``path`` in one step, so a full disk, a crash or a kill leaves either the old
file or the new one, never half of one. On an error the temporary file, and any folder made
for it, are removed. Folders it creates are 0700. On Windows the modes are not applied
(see docs/data-and-backups.md): the files are private through the user's own folders.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db.health import PRIVATE_FILE, make_private_folder, remove_created

PART_SUFFIX = ".part"


@contextmanager
def atomic_private_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; it becomes ``path`` (0600) when the block ends."""
    path = Path(path)
    created = make_private_folder(path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX,
                                    dir=path.parent)
    except OSError:
        remove_created(created)
        raise
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.chmod(temporary, PRIVATE_FILE)  # the writer may have replaced the file
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        remove_created(created)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
