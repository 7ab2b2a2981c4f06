"""A replica's own log file: JSON lines, stdout and stderr in it, rotated by size.

Run in a child process: the handler points the process's stdout and stderr at the
file, which must not happen to the test runner's own."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import logging, os, sys
    from pathlib import Path
    from motus_kit.logs import OwnLogFile, configure_logging

    path = Path(sys.argv[1])
    configure_logging("test", "test-1", "INFO", path)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, OwnLogFile)
    handler.maxBytes = 2000
    log = logging.getLogger("motus.access")
    print("printed before any rotation", flush=True)
    for n in range(40):
        log.info("request", extra={"n": n})
    print("printed after rotations", flush=True)
    os.write(2, b"written to stderr\\n")
    log.info("request", extra={"n": "last"})
    """
)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_lines_go_to_the_file_rotated_by_size_with_stdout_and_stderr(tmp_path):
    log_file = tmp_path / "motus-1.log"
    repo = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(log_file)], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # Nothing reached the pipe the supervisor would have read.
    assert done.stdout == "" and done.stderr == ""
    current, first, second = (
        _lines(log_file.with_name(name)) for name in ("motus-1.log", "motus-1.log.1", "motus-1.log.2")
    )
    assert not log_file.with_name("motus-1.log.3").exists()  # two backups, as supervisord kept
    for lines in (first, second):
        assert lines and sum(len(line) + 1 for line in lines) <= 2000 + 400  # rotated near the limit
    # The newest lines are in the current file, stdout and stderr with them.
    assert "printed after rotations" in current and "written to stderr" in current
    last = json.loads(current[-1])
    assert (last["n"], last["logger"], last["service"], last["instance"]) == ("last", "motus.access", "test", "test-1")
    # Every kept line is whole JSON or one of the printed lines, in order across files.
    numbers = [json.loads(line)["n"] for line in second + first + current if line.startswith("{")]
    assert numbers == [*sorted(numbers[:-1]), "last"] and numbers[-2] == 39
