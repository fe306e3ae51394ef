"""A visit shown as saved is committed (synchronous=FULL): the process is SIGKILLed right after
the saved signal and the visit is in the database file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import notebook_county
from tmux_support import Tmux, needs_tmux

from kjtui.models import close, connect, resolve_url

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def visits_in_file(path) -> list[tuple]:
    """Read with a plain sqlite3 connection, as a fresh process after a power cut would."""
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT customer_id, ordered FROM visit").fetchall()
    finally:
        con.close()


def test_service_save_survives_sigkill(db_path):
    connect(resolve_url(db_path))
    county = notebook_county.build()
    customer = county.customers[0].id
    close()
    script = textwrap.dedent(f"""
        import sys, time
        from kjtui.services import session, visits
        session.open_notebook({resolve_url(db_path)!r})
        m = session.current_manager()
        line = visits.record_visit(m.id, session.today(), {customer!r}, ordered=True, quantity=2)
        print("saved", line.id, flush=True)   # the same moment the screen says 已保存
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("saved"), line
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert visits_in_file(db_path) == [(customer, 1)]


@needs_tmux
def test_app_save_survives_sigkill(db_path):
    connect(resolve_url(db_path))
    county = notebook_county.build()
    close()
    term = Tmux(f"{sys.executable} -m kjtui --db {db_path} --lang zh")
    try:
        term.wait_for("首页")
        term.keys("F3")
        term.wait_for("炉观一线", "[老街]便民店")
        term.keys("v")
        term.wait_for("已保存：[老街]便民店")  # what the manager sees
        os.kill(term.pid(), signal.SIGKILL)
        term.wait_exit()
    finally:
        term.close()
    assert visits_in_file(db_path) == [(county.customers[0].id, 0)]
