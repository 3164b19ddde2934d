"""What an uploaded background paper really is, judged by its content, not its name.

DOCX, XLSX and ODT are zip archives, so each is opened with bounded reads: the
size of its central directory and the number of its entries are checked before
ZipFile parses them, their declared sizes before anything is inflated, and then
every entry is inflated in small chunks, counting what actually comes out, so a
"zip bomb" (a small file that inflates to gigabytes, whether it declares that
size or lies about it) is refused having cost at most a few megabytes of memory.
"""

import copy
import struct
import zipfile
import zlib
from pathlib import PurePath
from typing import BinaryIO, NamedTuple

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A large real workbook inflates to about ten times its size; 200 MB leaves room
# for a 20 MB one and bounds the time spent inflating (about half a second).
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
# Real documents hold tens to a few hundred parts.
MAX_ENTRIES = 5_000
# Bounds the memory ZipFile spends on its list of entries (a few hundred bytes each).
MAX_CENTRAL_DIRECTORY_BYTES = 2 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
# Office formats use only these; bzip2 and LZMA inflate without a bound per read.
SAFE_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


class DocumentType(NamedTuple):
    extension: str
    content_type: str


PDF = DocumentType(".pdf", "application/pdf")
DOCX = DocumentType(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = DocumentType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = DocumentType(".odt", "application/vnd.oasis.opendocument.text")
TYPES_BY_CONTENT_TYPE = {kind.content_type: kind for kind in (PDF, DOCX, XLSX, ODT)}


class UnsafeArchive(Exception):
    """A zip-based document refused before it could fill the server; says why, for the user."""


TOO_MANY_PARTS = f"The selected file must have fewer than {MAX_ENTRIES:,} parts inside it"
TOO_LARGE_EXPANDED = (
    f"The selected file must be smaller than {MAX_EXPANDED_BYTES // (1024 * 1024)} MB "
    "when uncompressed"
)
DAMAGED = "The selected file is damaged: its parts are not the sizes it says they are"
UNSUPPORTED_COMPRESSION = "The selected file uses a kind of compression documents do not use"


def detect_document_type(upload: BinaryIO) -> DocumentType | None:
    """PDF, DOCX, XLSX or ODT by their bytes; None for anything else (an executable renamed
    .pdf, a zip that is no office document, a damaged file). Raises UnsafeArchive for a
    zip that would inflate past the limits."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            return _office_type(upload)
        return None
    finally:
        upload.seek(0)


def download_name(filename: str, content_type: str) -> str:
    """The name a paper is stored and served under: the uploader's name with the extension
    of the type its content was found to be. "evil.html" holding a PDF becomes "evil.pdf";
    "report.pdf.exe" becomes "report.pdf" (the last extension is the one systems act on,
    and it is replaced rather than added to, so nothing ends in ".pdf.pdf")."""
    name = PurePath(filename).name or "paper"
    kind = TYPES_BY_CONTENT_TYPE.get(content_type)
    if kind is None:
        return name[:255]
    path = PurePath(name)
    if path.suffix.lower() == kind.extension:
        stem, extension = path.stem, path.suffix  # as the uploader wrote it: "Report.PDF"
    elif path.suffix and len(path.suffix) <= 6 and path.suffix[1:].isalnum():
        stem, extension = path.stem, kind.extension
    else:
        # No extension, or a dot inside a name ("v2.1 final"): keep it all.
        stem, extension = name, kind.extension
    if stem.lower().endswith(kind.extension):
        stem, extension = stem[: -len(extension)], stem[-len(extension) :]
    return f"{stem[: 255 - len(extension)]}{extension}"


def _office_type(upload: BinaryIO) -> DocumentType | None:
    try:
        _check_central_directory(upload)
        with zipfile.ZipFile(upload) as archive:
            _check_entries(archive)
            names = set(archive.namelist())
            # ODF puts an uncompressed "mimetype" entry first, naming the kind.
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(200).decode("ascii", "replace").strip()
                return ODT if mimetype == ODT.content_type else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (
        zipfile.BadZipFile,
        OSError,
        KeyError,
        RuntimeError,  # an encrypted entry
        EOFError,
        NotImplementedError,
        ValueError,
        struct.error,
        zlib.error,
    ):
        return None
    return None


def _check_central_directory(upload: BinaryIO) -> None:
    # The end record ZipFile itself will trust, read before ZipFile builds an object
    # for every entry the directory lists.
    end = zipfile._EndRecData(upload)
    upload.seek(0)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES:
        raise UnsafeArchive(TOO_MANY_PARTS)
    if end[zipfile._ECD_SIZE] > MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnsafeArchive(TOO_MANY_PARTS)


def _check_entries(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnsafeArchive(TOO_MANY_PARTS)
    if any(entry.compress_type not in SAFE_COMPRESSION for entry in entries):
        raise UnsafeArchive(UNSUPPORTED_COMPRESSION)
    if sum(entry.file_size for entry in entries) > MAX_EXPANDED_BYTES:
        raise UnsafeArchive(TOO_LARGE_EXPANDED)
    inflated = 0
    for entry in entries:
        size = _inflated_size(archive, entry, limit=MAX_EXPANDED_BYTES - inflated)
        if size != entry.file_size:
            raise UnsafeArchive(DAMAGED)
        inflated += size


def _inflated_size(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, *, limit: int) -> int:
    # ZipFile stops reading an entry at its declared size, which would hide a stream
    # that goes on inflating; declaring more than can be read before the limit is
    # passed shows the real size. The CRC is checked where the stream really ends, so
    # altered data is refused as well.
    probe = copy.copy(entry)
    probe.file_size = limit + CHUNK_BYTES + 1
    size = 0
    with archive.open(probe) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise UnsafeArchive(TOO_LARGE_EXPANDED)
    return size
