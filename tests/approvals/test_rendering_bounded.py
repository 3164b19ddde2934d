"""Finding D (issue 9): rendering bounded, previews kept, oversized records refused at
submission.

Every rendering here is real (a child process running WeasyPrint, approvals/pdf.py);
the PDFs are parsed back with pypdf. Limits are set tiny with the settings, never
waited for: the time limit is a fraction of a second against a rendering that takes
seconds.
"""

import ctypes
import errno
import html
import logging
import multiprocessing
import os
import re
import resource
import select
import signal
import subprocess
import sys
import textwrap
import threading
import time
from io import BytesIO
from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from pypdf import PdfReader

from approvals import pdf, pdf_render, previews
from approvals.selectors import decision_with_parts
from approvals.services import decision_submit
from core.errors import DomainError
from core.forms import MAX_SECTION_LINES, MAX_SECTION_PARAGRAPHS
from decisions.models import Decision
from decisions.part_one_size import MAX_PART_ONE_PARAGRAPHS
from tests.factories import DecisionFactory, SupportingReportFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db

# 6,666 paragraphs of one character: 19,996 characters, under the 20,000 of a section.
SIX_THOUSAND_PARAGRAPHS = "\n\n".join("x" for _ in range(6_666))
REFUSAL = (
    "Introduction and background has 6,666 paragraphs; a section may have at most "
    f"{MAX_SECTION_PARAGRAPHS}. Join short paragraphs or move detail to a background paper."
)


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Previews kept in this test's own folder, so none is left from another test."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def no_child_left():
    """Every test ends with no rendering process alive (nor a zombie: multiprocessing
    reaps a process when it is joined, and active_children() joins the finished)."""
    yield
    assert multiprocessing.active_children() == []


@pytest.fixture
def children(monkeypatch) -> list[int]:
    """The process ids of the rendering children started during the test."""
    started = []
    answer = pdf._answer

    def spy(connection, process, **kwargs):
        started.append(process.pid)
        return answer(connection, process, **kwargs)

    monkeypatch.setattr(pdf, "_answer", spy)
    return started


def assert_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The HTML of every rendering (a real one) during the test."""
    seen = []
    real = pdf.html_to_pdf

    def counting(document: str) -> bytes:
        seen.append(document)
        return real(document)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return seen


def kept_previews(decision) -> dict[str, bytes]:
    """The files kept in the record's preview folder, by name, with their bytes."""
    folder = f"previews/{decision.pk}"
    if not default_storage.exists(folder):
        return {}
    kept = {}
    for name in default_storage.listdir(folder)[1]:
        with default_storage.open(f"{folder}/{name}", "rb") as stored:
            kept[f"{folder}/{name}"] = stored.read()
    return kept


def text_of(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages
    )


def errors_in(response) -> list[str]:
    page = response.content.decode()
    summary = page.split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(m) for m in re.findall(r'<a href="#[^"]*">([^<]*)</a>', summary)]


@pytest.fixture
def long_record(officer):
    """A record with a section of 150 paragraphs: under every bound, seconds to render."""
    decision = DecisionFactory(
        drafting_officer=officer,
        title="Custody suite refit",
        introduction="\n\n".join(f"Paragraph {n} of the background." for n in range(150)),
    )
    SupportingReportFactory(decision=decision)
    return decision_with_parts(pk=decision.pk)


# --- Refused beside the field and at submission ------------------------------------------


def test_finding_d_a_section_of_6666_short_paragraphs_is_refused_beside_the_field(client, officer):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    url = reverse("decisions:draft_part_one", args=[decision.pk, "introduction"])
    response = client.post(
        url, {"lock_version": decision.lock_version, "text": SIX_THOUSAND_PARAGRAPHS}
    )
    assert response.status_code == 400
    assert errors_in(response) == [REFUSAL]
    page = response.content.decode()
    # Beside the field, and the typed text kept in it.
    beside = re.search(r'<p id="([^"]*)" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert (
        html.unescape(beside[2]) == f'<span class="govuk-visually-hidden">Error:</span> {REFUSAL}'
    )
    textarea = re.search(
        rf'<textarea[^>]*aria-describedby="[^"]*{beside[1]}[^"]*"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert html.unescape(textarea[1]).strip() == SIX_THOUSAND_PARAGRAPHS
    assert Decision.objects.get(pk=decision.pk).introduction == decision.introduction


def test_finding_d_a_paragraph_of_too_many_lines_is_refused_beside_the_field(client, officer):
    decision = DecisionFactory(drafting_officer=officer)
    client.force_login(officer)
    text = "\n".join("x" for _ in range(MAX_SECTION_LINES + 1))
    response = client.post(
        reverse("decisions:draft_title_summary", args=[decision.pk]),
        {"lock_version": decision.lock_version, "title": "A title", "executive_summary": text},
    )
    assert response.status_code == 400
    assert errors_in(response) == [
        f"Executive summary has {MAX_SECTION_LINES + 1:,} lines; a section may have at most "
        f"{MAX_SECTION_LINES}. Join short lines or move detail to a background paper."
    ]


def test_finding_d_a_section_of_6666_short_paragraphs_is_refused_at_submission(
    client, officer, ready_draft, renders
):
    # Written before the bound (or through the admin): submission names the section.
    decision = ready_draft(introduction=SIX_THOUSAND_PARAGRAPHS)
    client.force_login(officer)
    # The task list marks the section; the check page says why before the button.
    tasks = client.get(reverse("approvals:task_list", args=[decision.pk])).content.decode()
    assert re.search(
        r'id="task-introduction-status">\s*<strong class="govuk-tag govuk-tag--red">Too long<',
        tasks,
    )
    check = client.get(reverse("approvals:check", args=[decision.pk]))
    assert REFUSAL in html.unescape(check.content.decode())
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]), {"lock_version": decision.lock_version}
    )
    assert response.status_code == 400
    assert errors_in(response) == [REFUSAL]
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    assert decision.number is None
    # Refused by its size: nothing was rendered.
    assert renders == []
    # The service refuses it too, whoever calls it.
    with pytest.raises(DomainError, match=re.escape(REFUSAL)):
        decision_submit(decision_id=decision.pk, user=officer, lock_version=decision.lock_version)


def test_finding_d_a_part_one_over_its_bound_in_all_is_refused_naming_the_largest_section(
    client, officer, ready_draft
):
    per_section = MAX_SECTION_PARAGRAPHS
    sections = ["introduction", "issues_for_consideration", "legal_comments"]
    assert per_section * len(sections) > MAX_PART_ONE_PARAGRAPHS
    decision = ready_draft(
        **{field: "\n\n".join("y" for _ in range(per_section)) for field in sections},
        financial_comments="\n\n".join("z" for _ in range(per_section)),
    )
    client.force_login(officer)
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]), {"lock_version": decision.lock_version}
    )
    assert response.status_code == 400
    [message] = errors_in(response)
    assert message.startswith(
        f"Part 1 has {per_section * 4 + 2:,} paragraphs in all; it may have at most "
        f"{MAX_PART_ONE_PARAGRAPHS}. The largest section is "
    )
    assert "shorten it or move detail to a background paper" in message


def test_finding_d_submission_refuses_a_part_one_the_renderer_cannot_finish(
    client, officer, ready_draft, settings, children
):
    # Within the bounds, but the trial rendering is over the time limit (made tiny):
    # refused at submission naming the largest section, the record still a draft.
    introduction = "\n\n".join(f"Paragraph {n}." for n in range(150))
    decision = ready_draft(introduction=introduction)
    settings.PDF_RENDER_TIMEOUT = 0.05
    client.force_login(officer)
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]), {"lock_version": decision.lock_version}
    )
    assert response.status_code == 400
    assert errors_in(response) == [
        "Part 1 cannot be made into a PDF (Rendering the PDF took longer than 0.05 seconds). "
        f"The largest section is Introduction and background (150 paragraphs, "
        f"{len(introduction):,} characters): shorten it or move detail to a background paper."
    ]
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    [pid] = children
    assert_gone(pid)


def test_finding_d_submission_renders_the_preview_once_and_keeps_it(
    client, officer, ready_draft, renders
):
    decision = ready_draft(title="Fleet tablets")
    client.force_login(officer)
    response = client.post(
        reverse("approvals:submit", args=[decision.pk]), {"lock_version": decision.lock_version}
    )
    assert response.status_code == 302
    [document] = renders
    [(name, data)] = kept_previews(decision).items()
    assert name == previews.preview_name(decision, document, data)
    assert "Fleet tablets" in text_of(data)


# --- The limits of a rendering -----------------------------------------------------------


def test_finding_d_a_render_over_the_time_limit_is_killed(settings, long_record, children):
    settings.PDF_RENDER_TIMEOUT = 0.05
    with pytest.raises(
        pdf.PdfRenderError, match=r"^Rendering the PDF took longer than 0.05 seconds$"
    ):
        pdf.render_part_one_pdf(decision=long_record)
    [pid] = children
    assert_gone(pid)


def test_finding_d_a_pdf_over_the_size_limit_is_refused(settings, long_record, children):
    settings.PDF_MAX_BYTES = 20_000
    with pytest.raises(pdf.PdfRenderError, match=r"^The PDF would be larger than 20,000 bytes$"):
        pdf.render_part_one_pdf(decision=long_record)
    [pid] = children
    assert_gone(pid)


def test_finding_d_the_rendering_process_killed_mid_render_is_an_error(
    monkeypatch, long_record, children
):
    # The child asks for the stylesheet while it renders: that moment, it is killed.
    read = pdf.read_static_file

    def kill_the_child(url):
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)
        return read(url)

    monkeypatch.setattr(pdf, "read_static_file", kill_the_child)
    with pytest.raises(pdf.PdfRenderError, match=r"^The rendering process stopped \(signal 9\)$"):
        pdf.render_part_one_pdf(decision=long_record)
    [pid] = children
    assert_gone(pid)


def test_finding_d_a_rendering_over_its_memory_is_an_error(settings, long_record, children):
    # Less address space than the process already has: the child cannot render at all.
    settings.PDF_RENDER_MAX_MEMORY = 64 * 1024 * 1024
    with pytest.raises(pdf.PdfRenderError):
        pdf.render_part_one_pdf(decision=long_record)
    [pid] = children
    assert_gone(pid)


def test_finding_d_within_the_limits_the_pdf_is_whole(long_record, children):
    data = pdf.render_part_one_pdf(decision=long_record)
    text = text_of(data)
    assert "1.1. Paragraph 0 of the background." in text
    assert "1.150. Paragraph 149 of the background." in text
    [pid] = children
    assert_gone(pid)


def test_the_renderers_warnings_are_logged_by_the_web_process(caplog):
    # WeasyPrint warns in the child; the parent logs it under WeasyPrint's own name.
    document = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Test</title></head>'
        '<body><p style="colour: red">Text</p></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert pdf.html_to_pdf(document).startswith(b"%PDF-")
    assert any(r.name == "weasyprint" and "colour" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("message", "logged"),
    [
        (["log", "weasyprint", logging.WARNING, "Ignored colour"], ("weasyprint", "WARNING")),
        (["log", "weasyprint.css", logging.ERROR, "Bad"], ("weasyprint.css", "ERROR")),
        (["log", "fontTools.subset", logging.WARNING, "Glyph"], ("fontTools.subset", "WARNING")),
        # Capped: a child raises no CRITICAL alarm, nor a level of its own.
        (["log", "weasyprint", logging.CRITICAL, "Alarm"], ("weasyprint", "ERROR")),
        (["log", "weasyprint", 35, "Between"], ("weasyprint", "WARNING")),
        # Dropped: another logger, one only named alike, below a warning, not a number.
        (["log", "django.security.csrf", logging.ERROR, "Forged"], None),
        (["log", "", logging.ERROR, "Root"], None),
        (["log", "weasyprintx", logging.ERROR, "Alike"], None),
        (["log", "weasyprint", logging.INFO, "Chatter"], None),
        (["log", "weasyprint", "40", "A string"], None),
        (["log", "weasyprint", True, "A truth"], None),
        (["log", ["weasyprint"], logging.ERROR, "A list"], None),
        (["log", "weasyprint", logging.ERROR, {"not": "text"}], None),
        (["log", "weasyprint", logging.ERROR], None),
    ],
)
def test_a_childs_log_message_is_logged_only_under_the_renderers_names(caplog, message, logged):
    with caplog.at_level(logging.DEBUG):
        pdf.log_from_child(message)
    assert [(r.name, r.levelname) for r in caplog.records] == ([logged] if logged else [])


def test_a_childs_log_message_is_cut_short(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.log_from_child(["log", "weasyprint", logging.WARNING, "x" * 100_000])
    [record] = caplog.records
    assert record.getMessage() == "x" * pdf.MAX_CHILD_LOG


def _subverted_child(connection) -> None:
    # A child that rendering hostile content had taken over: it logs as it pleases.
    pdf_render.send(connection, "log", "django.security.csrf", logging.CRITICAL, "Forged")
    pdf_render.send(connection, "log", "weasyprint", logging.CRITICAL, "Kept, as an error")
    pdf_render.send(connection, "pdf", 5)
    connection.send_bytes(b"%PDF-")


def test_a_crafted_log_message_through_the_pipe_is_dropped(caplog):
    context = multiprocessing.get_context("fork")
    connection, child_end = context.Pipe(duplex=True)
    process = context.Process(target=_subverted_child, args=(child_end,))
    process.start()
    child_end.close()
    try:
        with caplog.at_level(logging.DEBUG):
            assert pdf._answer(connection, process, timeout=30, max_bytes=100) == b"%PDF-"
    finally:
        connection.close()
        process.join()
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("weasyprint", "ERROR", "Kept, as an error")
    ]


# --- The preview, rendered once per content ----------------------------------------------


def test_finding_d_the_preview_is_rendered_once_per_content(client, officer, renders):
    decision = DecisionFactory(
        drafting_officer=officer, title="Custody suite refit", introduction="The cells leak."
    )
    SupportingReportFactory(decision=decision)
    client.force_login(officer)
    url = reverse("approvals:pdf_preview", args=[decision.pk])

    first = client.get(url)
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert "1.1. The cells leak." in text_of(first.content)
    [document] = renders
    kept = previews.preview_name(decision, document, first.content)
    assert kept_previews(decision) == {kept: first.content}

    # Unchanged: served as kept, nothing rendered.
    second = client.get(url)
    assert second.status_code == 200
    assert "no-store" in second["Cache-Control"]
    assert second.content == first.content
    assert len(renders) == 1

    # Changed: a new preview, with the new words.
    edit = client.post(
        reverse("decisions:draft_part_one", args=[decision.pk, "introduction"]),
        {"lock_version": decision.lock_version, "text": "The cells leak and the roof too."},
    )
    assert edit.status_code == 302
    third = client.get(url)
    assert third.status_code == 200
    assert len(renders) == 2
    assert "1.1. The cells leak and the roof too." in text_of(third.content)
    # The new one kept, the old one gone.
    assert kept_previews(decision) == {
        previews.preview_name(decision, renders[1], third.content): third.content
    }


def test_finding_d_a_preview_over_the_limits_answers_503_with_the_reason(
    client, officer, settings, long_record
):
    settings.PDF_MAX_BYTES = 20_000
    client.force_login(officer)
    response = client.get(reverse("approvals:pdf_preview", args=[long_record.pk]))
    assert response.status_code == 503
    assert "The PDF would be larger than 20,000 bytes." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # Nothing kept of a failed rendering.
    assert kept_previews(long_record) == {}


@pytest.fixture
def small_record(officer):
    decision = DecisionFactory(
        drafting_officer=officer, title="Custody suite refit", introduction="The cells leak."
    )
    SupportingReportFactory(decision=decision)
    return decision_with_parts(pk=decision.pk)


def test_finding_d_a_kept_preview_cut_short_is_never_served_but_rendered_again(
    small_record, renders
):
    whole = previews.preview_pdf(decision=small_record)
    [document] = renders
    name = previews.preview_name(small_record, document, whole)
    # As a reader found it while another request wrote it, or as a failed write left it.
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(whole[: len(whole) // 3])) == name

    served = previews.preview_pdf(decision=small_record)
    assert len(renders) == 2
    assert "1.1. The cells leak." in text_of(served)
    assert len(PdfReader(BytesIO(served)).pages) == len(PdfReader(BytesIO(whole)).pages)
    # The short file gone; the whole one kept in its place, and served as kept.
    assert kept_previews(small_record) == {
        previews.preview_name(small_record, document, served): served
    }
    assert previews.preview_pdf(decision=small_record) == served
    assert len(renders) == 2


def test_finding_d_a_kept_preview_whose_bytes_changed_is_never_served(small_record, renders):
    whole = previews.preview_pdf(decision=small_record)
    name = previews.preview_name(small_record, renders[0], whole)
    default_storage.delete(name)
    # As long as the whole one, one byte in its middle other.
    middle = len(whole) // 2
    changed = whole[:middle] + bytes([whole[middle] ^ 1]) + whole[middle + 1 :]
    default_storage.save(name, ContentFile(changed))
    served = previews.preview_pdf(decision=small_record)
    assert len(renders) == 2
    assert served != changed
    assert list(kept_previews(small_record).values()) == [served]


def test_finding_d_a_preview_whose_write_fails_is_served_and_nothing_of_it_kept(
    small_record, renders, monkeypatch
):
    # The disk fills halfway through the write.
    real_save = FileSystemStorage._save

    def half_then_full(storage, name, content):
        real_save(storage, name, ContentFile(content.read()[:1000]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", half_then_full)
    served = previews.preview_pdf(decision=small_record)
    assert "1.1. The cells leak." in text_of(served)
    assert kept_previews(small_record) == {}
    # Rendered again next time, and kept once the disk has room.
    monkeypatch.setattr(FileSystemStorage, "_save", real_save)
    again = previews.preview_pdf(decision=small_record)
    assert len(renders) == 2
    assert list(kept_previews(small_record).values()) == [again]


def test_finding_d_a_preview_being_kept_is_never_read_in_part(small_record):
    # A reader of the file system reads the preview's name again and again while it is
    # written: it finds no file or the whole one, never the first megabytes of it.
    # (Django's storage writes in chunks under the final name: a reader got 2.7 of 8 MB.)
    data = os.urandom(8 * 1024 * 1024)
    name = previews.preview_name(small_record, "<html></html>", data)
    path = default_storage.path(name)
    partial, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                with open(path, "rb") as kept:
                    length = len(kept.read())
            except FileNotFoundError:
                continue
            if length != len(data):
                partial.append(length)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            assert previews._keep(name, data)
    finally:
        stop.set()
        reader.join()
    assert partial == []
    assert kept_previews(small_record) == {name: data}


def test_renders_started_from_threads_at_once_each_get_their_own_pdf(children):
    # Four requests of one process rendering at the same moment: each child is forked
    # from a process with other threads running, and each answer is its own.
    def document(n: int) -> str:
        return (
            f'<!DOCTYPE html><html lang="en-GB"><head><title>Document {n}</title></head>'
            f"<body><p>Document number {n}.</p></body></html>"
        )

    results = run_together(*[lambda n=n: pdf.html_to_pdf(document(n)) for n in range(4)])
    assert [f"Document number {n}." in text_of(data) for n, data in enumerate(results)] == [
        True
    ] * 4
    assert len(set(children)) == 4
    for pid in children:
        assert_gone(pid)


# --- The rendering process ends with its parent --------------------------------------------

SMALL_DOCUMENT = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Held</title>'
    '<link rel="stylesheet" href="{stylesheet}"></head><body><p>Held.</p></body></html>'
)

# A web process that starts a rendering and, when the child asks it for the stylesheet,
# says the child's process id and waits there (for its SIGKILL): the child is mid-render,
# waiting on the pipe.
HOLDING_PARENT = textwrap.dedent(
    """
    import multiprocessing, sys, time
    import django
    django.setup()
    from approvals import pdf

    def hold(url):
        [child] = multiprocessing.active_children()
        print(child.pid, flush=True)
        time.sleep(600)

    pdf.read_static_file = hold
    pdf.html_to_pdf(sys.argv[1])
    """
)


def gone(pid: int) -> bool:
    """No such process, or one that has ended and waits only to be reaped (a zombie:
    this container's first process may never reap the orphans given to it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def read_line(stream, seconds: float) -> str:
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_finding_d_the_rendering_process_ends_when_its_parent_is_killed(tmp_path):
    # The parent is a real process, killed as a worker is (SIGKILL) while its child
    # renders. Before, the child kept the parent's end of the pipe open itself and
    # waited on it forever, under PID 1, with the web process's sockets.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_MEDIA_ROOT": str(tmp_path),
        "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    document = SMALL_DOCUMENT.format(stylesheet=urljoin(pdf.static_base_url(), pdf.STYLESHEET))
    parent = subprocess.Popen(  # noqa: S603 - this interpreter, the script above
        [sys.executable, "-c", HOLDING_PARENT, document],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = read_line(parent.stdout, 60)
        assert line.strip().isdigit(), "the parent never started its rendering"
        child = int(line)
        assert not gone(child)
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 10
    while not gone(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(child), f"rendering process {child} outlived its parent"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_finding_d_the_rendering_process_holds_no_descriptor_of_its_parent_but_its_pipe(
    monkeypatch,
):
    # Held while it waits for the stylesheet: its descriptors are read from /proc. The
    # test process has many open (the database, temporary files, this pipe's other end).
    open_here = open(__file__, "rb")  # noqa: SIM115 - held open for the fork to inherit
    seen = {}
    answer, read = pdf._answer, pdf.read_static_file

    def spy(connection, process, **kwargs):
        seen["parent_end"] = os.fstat(connection.fileno()).st_ino
        seen["pid"] = process.pid
        return answer(connection, process, **kwargs)

    def inspect(url):
        folder = f"/proc/{seen['pid']}/fd"
        seen["fds"] = {int(fd): os.readlink(f"{folder}/{fd}") for fd in os.listdir(folder)}
        return read(url)

    monkeypatch.setattr(pdf, "_answer", spy)
    monkeypatch.setattr(pdf, "read_static_file", inspect)
    try:
        document = SMALL_DOCUMENT.format(stylesheet=urljoin(pdf.static_base_url(), pdf.STYLESHEET))
        assert pdf.html_to_pdf(document).startswith(b"%PDF-")
    finally:
        open_here.close()
    fds = seen["fds"]
    # Standard input (/dev/null), output and error, and one socket: its own end.
    assert fds[0] == os.devnull
    [(number, own)] = [(fd, target) for fd, target in fds.items() if fd > 2]
    assert re.fullmatch(r"socket:\[\d+\]", own), own
    assert own != f"socket:[{seen['parent_end']}]"
    assert_gone(seen["pid"])


def _report_bounds(connection, parent_pid: int) -> None:
    # In a forked child, as child_main begins: what the kernel holds for it.
    pdf_render.detach_from_parent(connection, parent_pid, 0.05)
    signal_number = ctypes.c_int()
    ctypes.CDLL(None).prctl(2, ctypes.byref(signal_number), 0, 0, 0)  # PR_GET_PDEATHSIG
    pdf_render.send(connection, signal_number.value, resource.getrlimit(resource.RLIMIT_CPU))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's prctl and /proc")
def test_finding_d_the_rendering_process_dies_with_its_parent_and_within_a_processor_limit():
    context = multiprocessing.get_context("fork")
    connection, child_end = context.Pipe(duplex=True)
    process = context.Process(target=_report_bounds, args=(child_end, os.getpid()))
    process.start()
    child_end.close()
    try:
        assert connection.poll(30)
        death_signal, cpu_limit = pdf_render.receive(connection)
    finally:
        connection.close()
        process.join()
    assert death_signal == signal.SIGKILL
    # The time limit (0.05 s here) rounded up, and the margin.
    assert cpu_limit == [1 + pdf_render.CPU_MARGIN] * 2
    assert process.exitcode == 0


def test_a_rendering_process_whose_parent_is_already_gone_ends_at_once():
    # Its parent changed before it could ask for the death signal: it ends, unasked.
    context = multiprocessing.get_context("fork")
    connection, child_end = context.Pipe(duplex=True)
    process = context.Process(target=_report_bounds, args=(child_end, os.getpid() + 1))
    process.start()
    child_end.close()
    try:
        process.join(30)
        with pytest.raises(EOFError):  # nothing said before it ended
            connection.recv_bytes()
    finally:
        connection.close()
    assert process.exitcode == 1
