"""The process that turns HTML into a PDF, apart from the web process, so that its time
and memory can be bounded (approvals/pdf.py starts it and waits for it).

The child is a fork of the web process (approvals/pdf.py says why), but runs
WeasyPrint and nothing else: this module imports neither Django nor the project's
models, and the child never uses the database connection it was forked with nor opens
any connection. It asks the process that started it for each file WeasyPrint needs
(the stylesheet), through the same pipe that carries the HTML in and the PDF out:

    parent → child   ["render", html, base_url, max_bytes, max_memory]
    child → parent   ["fetch", url]                 parent → child  ["file", type], bytes
                                                    or              ["refused", message]
    child → parent   ["log", logger, level, message]     a warning of WeasyPrint's
    child → parent   ["pdf", length], then the PDF's bytes
                 or  ["error", kind, message]      kind: "too_large", "memory", "failed"

Each message is a JSON list (bytes follow as a message of their own), never a pickle:
a child that rendering hostile content had subverted could make the parent unpickle
anything, while JSON gives it only lists, strings and numbers.
"""

import gc
import io
import json
import logging
import resource

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# A control message is short (an address, a log line); anything longer is refused.
MAX_MESSAGE_BYTES = 1024 * 1024


def send(connection, *message) -> None:
    connection.send_bytes(json.dumps(message).encode())


def receive(connection, maxlength: int | None = MAX_MESSAGE_BYTES) -> list:
    return json.loads(connection.recv_bytes(maxlength))


class FetchRefused(ValueError):
    """The parent would not give this address (approvals.pdf.read_static_file said why)."""


class TooLarge(Exception):
    """The PDF grew past the most a rendering may give."""


class CappedBuffer(io.BytesIO):
    """The PDF in memory, refused as soon as it passes `limit` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise TooLarge
        return super().write(data)


class ParentFetcher(URLFetcher):
    """Every file WeasyPrint wants comes from the parent, which reads only static files."""

    def __init__(self, connection, **kwargs) -> None:
        super().__init__(**kwargs)
        self.connection = connection

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        send(self.connection, "fetch", url)
        answer = receive(self.connection, maxlength=None)
        if answer[0] != "file":
            raise FetchRefused(answer[1])
        content = self.connection.recv_bytes()
        return URLFetcherResponse(url, content, {"Content-Type": answer[1]})


class ForwardToParent(logging.Handler):
    """WeasyPrint's warnings and errors, logged again by the parent under the same name."""

    def __init__(self, connection) -> None:
        super().__init__(level=logging.WARNING)
        self.connection = connection

    def emit(self, record: logging.LogRecord) -> None:
        send(self.connection, "log", record.name, record.levelno, record.getMessage()[:2000])


def child_main(connection) -> None:
    """Render the one document the parent sends, answer, and end."""
    # The child is a copy of the web process: a collection would walk (and so copy,
    # page by page) the whole of the parent's memory. It lives for one rendering,
    # bounded in time and memory, and gives everything back when it ends.
    gc.disable()
    _, html, base_url, max_bytes, max_memory = receive(connection, maxlength=None)
    if max_memory:
        # Address space: an allocation past it fails (MemoryError) rather than the
        # machine swapping; the parent still has its own time limit.
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    logger = logging.getLogger("weasyprint")
    logger.addHandler(ForwardToParent(connection))
    logger.propagate = False
    buffer = CappedBuffer(max_bytes)
    try:
        document = weasyprint.HTML(
            string=html,
            base_url=base_url,
            url_fetcher=ParentFetcher(connection, fail_on_errors=True),
        )
        document.write_pdf(buffer, pdf_variant="pdf/ua-1", custom_metadata=True)
    except TooLarge:
        send(connection, "error", "too_large", "")
        return
    except MemoryError:
        buffer = None  # what memory there is, for the answer
        send(connection, "error", "memory", "")
        return
    # A refused fetch is raised as FatalURLFetchingError, a BaseException.
    except (Exception, FatalURLFetchingError) as error:  # noqa: BLE001 - any failure of the renderer
        send(connection, "error", "failed", str(error) or error.__class__.__name__)
        return
    data = buffer.getbuffer()
    send(connection, "pdf", len(data))
    connection.send_bytes(data)
