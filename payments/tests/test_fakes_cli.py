"""The local payment stand-in from the README: a port of your choice, and a clear
message (not a traceback) when that port is taken."""

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stand_in(*args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "payments.tests.fakes", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_stand_in_serves_on_the_port_asked_for():
    port = _free_port()
    proc = _stand_in("--port", str(port))
    try:
        first_line = proc.stdout.readline()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    assert f"http://127.0.0.1:{port}" in first_line


def test_stand_in_says_clearly_when_the_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _stand_in("--port", str(port))
        _out, err = proc.communicate(timeout=30)

    assert proc.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in err
    assert "--port" in err
    assert "Traceback" not in err
