"""Start the test OpenID Connect provider (tests/signin/idp) in a second process on a free loopback port."""

import json
import os
import socket
import subprocess  # nosec B404 - our own test provider, started with fixed arguments
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@contextmanager
def running_provider(people, redirect_uri):
    """`people`: [{"username", "email", "password", "last_name": "mfa" for two factors, ...}]."""
    port = _free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}/o", client_id="portal-test-client",
                        client_secret="portal-test-secret-0123456789")  # nosec B106 - test provider only
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "IDP_DB": str(Path(folder) / "idp.sqlite3"), "IDP_RSA_KEY": _rsa_key(),
               "IDP_PEOPLE": json.dumps(people), "PYTHONPATH": str(ROOT),
               "IDP_CLIENT": json.dumps({"client_id": provider.client_id, "client_secret": provider.client_secret,
                                         "redirect_uris": [redirect_uri]})}
        env.pop("DATABASE_URL", None)
        process = subprocess.Popen([sys.executable, "-m", "tests.signin.idp.serve", str(port)], cwd=ROOT, env=env,  # nosec B603
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = process.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"The test OpenID Connect provider did not start: {process.stderr.read()[-2000:]}")
            yield provider
        finally:
            process.terminate()
            process.wait(timeout=10)
