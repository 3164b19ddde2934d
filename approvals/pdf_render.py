"""The process that turns HTML into a PDF, apart from the web process, so that its time
and memory can be bounded (approvals/pdf.py starts it and waits for it).

The child is a fork of the web process (approvals/pdf.py says why), but runs
WeasyPrint, then approvals/pdf_tags.py on its PDF (pypdf), and nothing else: neither
module imports Django nor the project's models, and the child never uses the database
connection it was forked with nor opens any connection. It asks the process that
started it for each file WeasyPrint needs (the stylesheet), through the same pipe that
carries the HTML in and the PDF out:

    parent → child   ["render", html, base_url, max_bytes, max_memory]
    child → parent   ["fetch", url]                 parent → child  ["file", type], bytes
                                                    or              ["refused", message]
    child → parent   ["log", logger, level, message]     a warning of WeasyPrint's or
                                                         fontTools'
    child → parent   ["pdf", length], then the PDF's bytes
                 or  ["error", kind, message]      kind: "too_large", "memory", "failed"

Each message is a JSON list (bytes follow as a message of their own), never a pickle:
a child that rendering hostile content had subverted could make the parent unpickle
anything, while JSON gives it only lists, strings and numbers.
"""

import ctypes
import gc
import io
import json
import logging
import math
import os
import resource
import signal

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .pdf_tags import finish_tagging

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


# The loggers whose warnings the child sends to the parent (the parent logs nothing else).
FORWARDED_LOGGERS = ("weasyprint", "fontTools")

# Seconds of processor time past the parent's time limit before the kernel kills the
# child (RLIMIT_CPU): a last bound should both the parent and its death signal fail.
CPU_MARGIN = 5

PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ForwardToParent(logging.Handler):
    """WeasyPrint's warnings and errors, logged again by the parent under the same name."""

    def __init__(self, connection) -> None:
        super().__init__(level=logging.WARNING)
        self.connection = connection

    def emit(self, record: logging.LogRecord) -> None:
        send(self.connection, "log", record.name, record.levelno, record.getMessage()[:2000])


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when the thread that forked it ends (Linux
    only; elsewhere nothing, and the closed pipe and the processor limit still bound it)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def detach_from_parent(connection, parent_pid: int, timeout: float) -> None:
    """Keep nothing of the parent's but this pipe, and end with it.

    The fork inherits every descriptor of the web process: the other end of this very
    pipe (so that, were the parent to die, the child would wait forever on a pipe it
    holds open itself), its database connection, the server's listening socket. All but
    standard input, output and error and the child's own end are closed, before
    WeasyPrint opens anything. The objects of the parent that own those descriptors
    are never used here nor freed (the child ends with os._exit, its collector off), so
    none is closed again by number.

    Then the child dies with the parent: by the kernel's death signal where there is
    one, at once if the parent is already gone, and at worst when its processor time
    passes the parent's time limit by CPU_MARGIN seconds.
    """
    own = connection.fileno()
    os.closerange(3, own)
    os.closerange(own + 1, os.sysconf("SC_OPEN_MAX"))
    _die_with_parent()
    # Died between the fork and the line above: the death signal would never come.
    if os.getppid() != parent_pid:
        os._exit(1)
    seconds = math.ceil(timeout) + CPU_MARGIN
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        seconds = min(seconds, hard)  # a process may lower its hard limit, never raise it
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    # A kill by the processor limit leaves no core file of a copy of the web process.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def child_main(connection, parent_pid: int, timeout: float) -> None:
    """Render the one document the parent sends, answer, and end.

    `parent_pid` is the process that forked this one; `timeout` its time limit in
    seconds (detach_from_parent).
    """
    detach_from_parent(connection, parent_pid, timeout)
    # The child is a copy of the web process: a collection would walk (and so copy,
    # page by page) the whole of the parent's memory. It lives for one rendering,
    # bounded in time and memory, and gives everything back when it ends.
    gc.disable()
    _, html, base_url, max_bytes, max_memory = receive(connection, maxlength=None)
    if max_memory:
        # Address space: an allocation past it fails (MemoryError) rather than the
        # machine swapping; the parent still has its own time limit.
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    for name in FORWARDED_LOGGERS:
        logger = logging.getLogger(name)
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
        # Header cells' scopes and the margins as pagination artifacts (pdf_tags).
        data = finish_tagging(buffer.getvalue())
        if len(data) > max_bytes:
            raise TooLarge
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
    buffer = None
    send(connection, "pdf", len(data))
    connection.send_bytes(data)
