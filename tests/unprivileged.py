"""Running a test's code as a user other than root, so that file permissions apply.

Tests run as root here, and root reads a file or lists a folder whatever its mode
(chmod 000 stops nobody). A forked child that gives up root (uid/gid 65534) meets
the permissions as any user does: the honest way to check what happens to a file
or folder that cannot be read, with the kernel, not a stub, refusing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

NOBODY = 65534


def as_other_user(fn: Callable[[], Any]) -> Any:
    """Run `fn` in a forked child that has given up root (when this process is root);
    returns what it returned (JSON-able).

    Forked, not a new interpreter: Python lives under /root here, which the
    unprivileged user cannot open; the child only runs code already imported."""
    if os.geteuid() != 0:  # permissions already apply
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            payload = json.dumps({"ok": fn()})
            code = 0
        except BaseException as e:
            payload = json.dumps({"error": repr(e)})
        finally:
            os.write(write_end, payload.encode())
            os._exit(code)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    answer = json.loads(b"".join(chunks))
    assert os.waitstatus_to_exitcode(status) == 0, answer
    return answer["ok"]


@contextlib.contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder that user can reach (pytest's tmp_path sits in a root-only folder), removed after."""
    path = Path(tempfile.mkdtemp(prefix="newsmark-perm-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        for folder, subfolders, _files in os.walk(path):  # unlock what a test locked, before it is walked
            for name in subfolders:
                if not os.path.islink(os.path.join(folder, name)):
                    os.chmod(os.path.join(folder, name), 0o755)
        shutil.rmtree(path)
