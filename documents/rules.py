"""What a document may be: pure, so pages, the API and the job say the same."""

# Decided from the file's content (libmagic), never from its name. The label is what a refusal lists.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/heic": "HEIC photo",
    "text/plain": "plain text",
    "text/csv": "CSV",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.ms-excel": "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.ms-powerpoint": "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint presentation",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
}
KINDS_ALLOWED = "a PDF, an image (JPEG, PNG, HEIC), a Word, Excel or PowerPoint document, or plain text"


def size_words(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{round(n / 1024)} KB"
    return f"{n} bytes"


def refusal(*, size: int, max_bytes: int, content_type: str) -> str | None:
    """Why a file cannot be accepted before it is scanned, in the words the page shows; None if it can be."""
    if size == 0:
        return "The selected file is empty"
    if size > max_bytes:
        return f"The selected file must be smaller than {size_words(max_bytes)}"
    if content_type not in ALLOWED_TYPES:
        return f"The selected file must be {KINDS_ALLOWED}"
    return None


def download_name(original: str, content_type: str) -> str:
    """The name a download is saved under: what the person called it, without anything a header could break on."""
    cleaned = "".join(ch for ch in original if ch.isprintable() and ch not in '"\\/\r\n').strip() or "document"
    return cleaned[:200]
