"""A real, throwaway PostgreSQL server for the tests: Debian's initdb and pg_ctl on a temporary folder and a free
port, run as the unprivileged `postgres` user (they refuse to run as root), and stopped afterwards."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa

from tests.browser import free_port

PASSWORD = "test-only-" + uuid.uuid4().hex[:8]  # scram authentication, as a hosted database would ask


def postgres_bin() -> Path:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH, one folder per major version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
    return Path(found[-1]).parent


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a new PostgreSQL cluster; yields the URL of its `postgres` database as user `digits`."""
    binaries = postgres_bin()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="digits-pg-"))
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, password_file = folder / "data", folder / "password"
    password_file.write_text(PASSWORD)
    os.chmod(password_file, 0o644)
    port = free_port()
    run = lambda *command: subprocess.run([*as_postgres, *command], check=True, capture_output=True, text=True)
    try:
        run(binaries / "initdb", "-D", data, "-U", "digits", f"--pwfile={password_file}",
            "--auth=scram-sha-256", "-E", "UTF8", "--no-sync")
        # Its socket in the temporary folder, TCP on localhost only; fsync off, since it is thrown away.
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(binaries / "pg_ctl", "-D", data, "-o", options, "-l", folder / "log", "-w", "start")
        yield f"postgresql+psycopg://digits:{PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(cluster_url: str) -> str:
    """A new, empty database in the cluster; returns its URL."""
    name = "digits_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(cluster_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as db:
        db.exec_driver_sql(f"CREATE DATABASE {name}")
    return str(sa.make_url(cluster_url).set(database=name).render_as_string(hide_password=False))


def server_processes(url: str) -> list[int]:
    """The process ids of the PostgreSQL server that listens at `url`'s port: its postmaster and every process it
    started (each connection's backend, the writers)."""
    port = str(sa.make_url(url).port)
    commands = {}  # pid: (its command's words, its parent's pid)
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):  # gone meanwhile
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])  # after "pid (name) state"
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0"), parent
    postmaster = [pid for pid, (command, _) in commands.items()
                  if Path(command[0].decode()).name == "postgres" and port.encode() in command]
    return postmaster + [pid for pid, (_, parent) in commands.items() if parent in postmaster]


@contextlib.contextmanager
def paused(url: str) -> Iterator[None]:
    """The server at `url` stopped in its tracks (SIGSTOP), as a paused machine or a stalled disk leaves it: its
    connections stay open and its machine still takes the bytes sent, but nothing answers. Going on at the end."""
    processes = server_processes(url)
    assert processes, f"no PostgreSQL server listens at port {sa.make_url(url).port}"
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
