"""A crash in the middle of an import (the worker process killed) leaves nothing half-written.

Runs the real `safecampus roster import` in a child process against its own SQLite file,
kills it with SIGKILL while it is writing, and reads the database afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .factories import csv_bytes, student_rows

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "safecampus.cli", *args], env=env, cwd=ROOT, **kw)


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.mark.slow
def test_killed_import_writes_nothing(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "SAFECAMPUS_HOME": str(tmp_path),
        "SAFECAMPUS_DEMO_ROSTER": "0",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "safecampus.settings",
    }
    env.pop("SAFECAMPUS_TESTING", None)
    assert _run(["demo"], env, stdout=subprocess.DEVNULL).wait(timeout=300) == 0
    users_before = _count(db, "accounts_user")
    big = tmp_path / "big.csv"
    big.write_bytes(csv_bytes(student_rows(30_000, grade="七年级", classes=20)))
    proc = _run(["roster", "import", "--school", "demo-c1-k1-s2", str(big)], env, stdout=subprocess.PIPE)
    # Wait until the writer is inside its transaction (the WAL file grows while a reader still
    # sees no students), then kill it at once. Work done after the commit (enqueueing jobs,
    # printing the outcome) must not be mistaken for the transaction.
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    start_size = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000 and _count(db, "roster_student") == 0:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed; use a larger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _count(db, "roster_student") == 0
    assert _count(db, "roster_guardian") == 0
    assert _count(db, "roster_schoolclass") == 0
    assert _count(db, "accounts_user") == users_before
