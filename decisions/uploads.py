"""What an uploaded background paper really is, judged by its content, not its name."""

import zipfile
from typing import NamedTuple

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DocumentType(NamedTuple):
    extension: str
    content_type: str


PDF = DocumentType(".pdf", "application/pdf")
DOCX = DocumentType(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = DocumentType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = DocumentType(".odt", "application/vnd.oasis.opendocument.text")


def detect_document_type(upload) -> DocumentType | None:
    """PDF, DOCX, XLSX or ODT by their bytes; None for anything else (an executable renamed
    .pdf, a zip that is no office document, a damaged file)."""
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


def _office_type(upload) -> DocumentType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            # ODF puts an uncompressed "mimetype" entry first, naming the kind.
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if mimetype == ODT.content_type else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None
