"""Background papers: zip bombs refused with bounded memory (finding E), and the name a
paper is stored and served under follows its real type (finding J)."""

import io
import re
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.models import BackgroundPaper
from decisions.uploads import (
    DAMAGED,
    MAX_ENTRIES,
    ODT,
    TOO_LARGE_EXPANDED,
    TOO_MANY_PARTS,
    UNSUPPORTED_COMPRESSION,
    UnsafeArchive,
    detect_document_type,
    download_name,
)
from tests.factories import DecisionFactory, SupportingReportFactory

MB = 1024 * 1024
INFLATED = 400 * MB


@pytest.fixture
def draft(officer):
    decision = DecisionFactory(drafting_officer=officer)
    SupportingReportFactory(decision=decision)
    return decision


def upload(client, decision, name: str, content: bytes):
    return client.post(
        reverse("decisions:draft_papers", args=[decision.pk]),
        {
            "lock_version": decision.lock_version,
            "title": "Business case",
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        },
    )


def file_error(page: str) -> str:
    """The message shown beside the file field."""
    match = re.search(r'<p id="id_file-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert match, "no error beside the file field"
    return match[1].replace('<span class="govuk-visually-hidden">Error:</span>', "").strip()


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """A deflate stream of `size` zero bytes and its CRC, built in a fraction of a second:
    after a full flush the compressor starts afresh, so every megabyte deflates the same."""
    chunk = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(chunk, crc)
    return block * (size // MB) + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc


def archive_of(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated (name, data, CRC, inflated size) entries."""
    body, directory = b"", b""
    for name, data, crc, size in entries:
        encoded = name.encode()
        # version, flags, method, time, date, CRC, sizes: as zipfile's own headers.
        common = (0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(data), size, len(encoded))
        directory += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, *common, 0, 0, 0, 0, 0, len(body)
        )
        directory += encoded
        body += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, *common, 0) + encoded + data
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def deflated(text: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(text) + compressor.flush(), zlib.crc32(text), len(text)


def bomb_of(names: list[str], bomb_name: str, *, inflated: int = INFLATED) -> bytes:
    """An archive whose entry `bomb_name` inflates to `inflated` zero bytes: about 400 KB."""
    entries = [(name, *deflated(b"<x/>")) for name in names]
    data, crc = deflated_zeros(inflated)
    return archive_of([(bomb_name, data, crc, inflated), *entries])


def odt_bomb(*, inflated: int = INFLATED) -> bytes:
    return bomb_of(["content.xml"], "mimetype", inflated=inflated)


def declaring(content: bytes, name: str, size: int) -> bytes:
    """The archive with the entry `name` lying about its uncompressed size, in both the
    local header and the central directory."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<L", data, info.header_offset + 22, size)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            struct.pack_into("<L", data, position + 24, size)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    assert position != -1
    return bytes(data)


def peak_memory_detecting(content: bytes) -> tuple[int, Exception | None]:
    tracemalloc.start()
    try:
        detect_document_type(io.BytesIO(content))
        refused = None
    except UnsafeArchive as error:
        refused = error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, refused


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return odt_bomb()


def test_finding_e_a_zip_bomb_is_small_on_disk_and_huge_inflated(bomb):
    assert len(bomb) < 1 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("mimetype").file_size == INFLATED


def test_finding_e_a_zip_bomb_declaring_its_size_is_refused_in_bounded_memory(bomb):
    peak, refused = peak_memory_detecting(bomb)
    assert str(refused) == TOO_LARGE_EXPANDED
    assert peak < 2 * MB


def test_finding_e_a_zip_bomb_lying_about_its_size_is_refused_in_bounded_memory(bomb):
    # It says its mimetype is 39 bytes; the stream goes on to 400 MB. Inflated in
    # chunks, counted, and given up as soon as the total passes the limit.
    liar = declaring(bomb, "mimetype", len(ODT.content_type))
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert archive.getinfo("mimetype").file_size == len(ODT.content_type)
    peak, refused = peak_memory_detecting(liar)
    assert str(refused) == TOO_LARGE_EXPANDED
    assert peak < 2 * MB


def test_finding_e_an_entry_smaller_than_it_declares_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT.content_type)
    liar = declaring(buffer.getvalue(), "mimetype", 1000)
    with pytest.raises(UnsafeArchive, match=DAMAGED):
        detect_document_type(io.BytesIO(liar))


@pytest.mark.parametrize("name", ["report.odt", "report.docx", "report.xlsx"])
def test_finding_e_a_zip_bomb_upload_is_refused_beside_the_file_field(
    client, officer, draft, bomb, name
):
    client.force_login(officer)
    tracemalloc.start()
    try:
        response = upload(client, draft, name, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    page = response.content.decode()
    assert file_error(page) == TOO_LARGE_EXPANDED
    assert 'value="Business case"' in page
    assert not BackgroundPaper.objects.exists()
    # The whole request, the 400 KB upload and the page included.
    assert peak < 8 * MB


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_finding_e_office_open_xml_bombs_are_refused(kind):
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    honest = bomb_of(["[Content_Types].xml"], part)
    liar = declaring(honest, part, 11)
    for content in (honest, liar):
        peak, refused = peak_memory_detecting(content)
        assert str(refused) == TOO_LARGE_EXPANDED
        assert peak < 2 * MB


def test_finding_e_too_many_entries_are_refused_before_they_are_listed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(MAX_ENTRIES):
            archive.writestr(f"{number}", b"")
    with pytest.raises(UnsafeArchive, match=TOO_MANY_PARTS):
        detect_document_type(io.BytesIO(buffer.getvalue()))


def test_finding_e_compression_documents_never_use_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnsafeArchive, match=UNSUPPORTED_COMPRESSION):
        detect_document_type(io.BytesIO(buffer.getvalue()))


def test_finding_e_a_damaged_entry_is_not_a_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" * 100)
        archive.writestr("word/document.xml", "<document/>" * 100)
    data = bytearray(buffer.getvalue())
    data[40:60] = bytes(20)  # inside the first entry's deflated data
    assert detect_document_type(io.BytesIO(bytes(data))) is None


def test_finding_e_real_documents_still_pass():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT.content_type)
        archive.writestr("content.xml", "<office:document-content/>" * 1000)
    assert detect_document_type(io.BytesIO(buffer.getvalue())) == ODT


# Finding J: the name follows the type found in the content.


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("evil.html", "evil.pdf"),
        ("report.pdf.exe", "report.pdf"),
        ("Report.PDF", "Report.PDF"),
        ("minutes", "minutes.pdf"),
        ("v2.1 final", "v2.1 final.pdf"),
    ],
)
def test_finding_j_a_paper_is_stored_and_served_under_the_extension_of_its_content(
    client, officer, draft, sent, stored
):
    client.force_login(officer)
    assert upload(client, draft, sent, pdf_bytes()).status_code == 302
    paper = BackgroundPaper.objects.get(decision=draft)
    assert paper.original_filename == stored
    assert re.fullmatch(r"papers/[0-9a-f]{32}\.pdf", paper.file.name)
    download = client.get(reverse("decisions:paper_download", args=[draft.pk, paper.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="{stored}"' in download["Content-Disposition"]


def test_finding_j_a_paper_stored_under_a_misleading_name_is_served_under_a_safe_one(
    client, officer, draft
):
    paper = BackgroundPaper.objects.create(
        decision=draft,
        title="Paper",
        file=SimpleUploadedFile("x.pdf", pdf_bytes()),
        original_filename="evil.html",
        content_type="application/pdf",
        size=10,
        uploaded_by=officer,
    )
    client.force_login(officer)
    download = client.get(reverse("decisions:paper_download", args=[draft.pk, paper.pk]))
    assert 'filename="evil.pdf"' in download["Content-Disposition"]


def test_finding_j_a_long_name_keeps_its_extension():
    name = download_name("a" * 300 + ".html", ODT.content_type)
    assert len(name) == 255
    assert name.endswith("a.odt")
