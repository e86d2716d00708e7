"""A real ClamAV daemon for the tests: Debian's clamd with a signature database of one entry, the EICAR test
file (there are no signature updates here; production's come from freshclam, see the README)."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# An extended signature (.ndb): the EICAR string anywhere in any file.
SIGNATURE = "Eicar-Test-Signature:0:*:" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE".hex() + "\n"


def _binary():
    found = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if not found:
        raise RuntimeError("clamd is not installed: `make test` installs Debian's clamav-daemon")
    return found


_SHARED = {}


def shared(directory_factory):
    """One clamd for this test process, started when first asked for and stopped when the process ends."""
    if "daemon" not in _SHARED:
        import atexit

        _SHARED["daemon"] = Clamd(directory_factory()).start()
        atexit.register(_SHARED["daemon"].stop)
    return _SHARED["daemon"]


class Clamd:
    def __init__(self, directory: Path):
        self.directory = directory
        self.socket = directory / "clamd.sock"
        (directory / "db").mkdir(parents=True, exist_ok=True)
        (directory / "db" / "test.ndb").write_text(SIGNATURE)
        self.config = directory / "clamd.conf"
        self.config.write_text("\n".join([
            f"LocalSocket {self.socket}", f"DatabaseDirectory {directory / 'db'}", "Foreground yes",
            f"LogFile {directory / 'clamd.log'}", "StreamMaxLength 25M", "MaxFileSize 25M", "MaxScanSize 100M", ""]))
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}"

    def start(self, timeout=60):
        self.process = subprocess.Popen([_binary(), "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        log = (self.directory / "clamd.log").read_text() if (self.directory / "clamd.log").exists() else ""
        raise RuntimeError(f"clamd did not start:\n{log[-2000:]}")

    def answers(self):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(str(self.socket))
                s.sendall(b"nPING\n")
                return s.recv(16).strip() == b"PONG"
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.socket.unlink(missing_ok=True)
