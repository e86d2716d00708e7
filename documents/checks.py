"""The checks on an upload that need the world outside: the content's type (libmagic) and the virus scan (ClamAV's
clamd over its socket, by clamav-client). Unreachable is not clean: `scan` says so, and the upload is held."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import magic
from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

SNIFF_BYTES = 8192  # enough for libmagic to tell an Office document from a zip


class ScannerUnavailable(Exception):
    """clamd could not be asked (stopped, restarting, no socket): the file is neither clean nor infected."""


@dataclass(frozen=True)
class Content:
    content_type: str
    size: int
    sha256: str


def read(uploaded) -> Content:
    """The type, size and digest of an uploaded file, read once in chunks; the file is left at its start."""
    digest, size, head = hashlib.sha256(), 0, b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < SNIFF_BYTES:
            head += chunk[:SNIFF_BYTES - len(head)]
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    content_type = magic.from_buffer(head, mime=True) if head else "application/x-empty"
    if content_type.startswith("text/") and b"\x00" in head:
        # libmagic calls some truncated binaries text: text has no NUL bytes.
        content_type = "application/octet-stream"
    return Content(content_type=content_type, size=size, sha256=digest.hexdigest())


def _scanner():
    url = urlsplit(settings.CLAMD_URL)
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if url.scheme == "unix":
        return ClamdUnixSocket(path=url.path, timeout=timeout)
    if url.scheme == "tcp":
        return ClamdNetworkSocket(host=url.hostname, port=url.port or 3310, timeout=timeout)
    raise ValueError(f"CLAMD_URL must be unix:///path or tcp://host:port, not {settings.CLAMD_URL!r}")


def scan(file) -> str | None:
    """The name of what clamd found in the file, or None if it found nothing. Raises ScannerUnavailable."""
    file.seek(0)
    try:
        results = _scanner().instream(file)
    except (ClamdError, OSError) as error:
        raise ScannerUnavailable(str(error)) from error
    finally:
        file.seek(0)
    status, found = next(iter(results.values()), (None, None))
    if status == "FOUND":
        return found
    if status == "OK":
        return None
    raise ScannerUnavailable(f"clamd answered {status!r}")
