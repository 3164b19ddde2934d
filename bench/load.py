"""Load and soak: public readers and staff at work at once, on gunicorn with production settings.

Makes a throwaway database (a temporary SQLite file, or with --database-url a fresh
PostgreSQL database named after the given one with "_load" added, dropped after),
migrates it, collects the static files into a temporary folder, loads the demo data
and adds --records published records (text drawn from PCD 1069, as bench_register.py
does) and --approvals records waiting for the DMPC's decision (taken there by the
workflow's services, as tests/workflow.py does). Then it starts gunicorn on
config.wsgi with config.settings.production and runs, for --duration seconds:

- --public clients reading the register: the list, searches, a record's page, its
  PDF, the Atom feed, the CSV and JSON exports, the sitemap;
- --staff clients signing in through the sign-in form and then, through the real
  forms with their CSRF tokens: the DMPC approving the waiting records (a third of
  them; each approval publishes the record, rendering its PDF, in the request with
  the immediate task backend, else in the worker), reviewers previewing the Part 1 PDF and opening the record
  page (a third), drafting officers starting a record and saving its sections (the rest).

It reports the requests, the errors (any 5xx, a connection error or timeout, or a
status other than the one the step expects) and the median and p95 of each kind of
request, and exits non-zero on any error.

    .venv/bin/python bench/load.py                       # SQLite, 50 + 10 clients, 60 s
    .venv/bin/python bench/load.py --duration 10 --public 10 --staff 4    # a smoke run
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/decisions_dev

Only the standard library drives the clients (threads, http.client); the setup uses
the test factories (factory-boy, requirements-dev.txt). Where the production settings
name a task backend other than the immediate one, `manage.py db_worker` runs beside
gunicorn, as in production.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-decisions-2026"  # demo/users.py  # noqa: S105
SEARCHES = ["custody", "procurement", "tablets fleet", '"custody suites"', "kestrel", "video"]
REQUEST_TIMEOUT = 60  # seconds: longer than gunicorn's worker timeout (30 s)


# Setup (in a child process with the production settings: --prepare).


def prepare(records: int, approvals: int) -> None:
    """Add the published records and the records waiting for the DMPC; print their
    addresses as JSON on the last line."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime
    import hashlib

    from bench_register import TOPICS, sentences
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db.models import Max
    from django.test import override_settings

    from accounts.models import User
    from approvals.clearance import form_lines
    from approvals.services import chief_executive_sign, clearance_confirm, decision_submit
    from decisions.canonical import decision_content_hash
    from decisions.models import Decision, DeclarationLine, FormType
    from tests.factories import (
        DecisionFactory,
        DeclarationLineFactory,
        ExpenditureLineFactory,
        RecommendationFactory,
    )

    rng = random.Random(1069)
    pool = sentences()
    form_type = FormType.objects.select_related("series").order_by("pk").first()
    series = form_type.series
    officer = User.objects.get(username="officer")
    pdf = b"%PDF-1.7\n% load benchmark\n%%EOF\n"
    stored = default_storage.save("published/load.pdf", ContentFile(pdf))
    first = (Decision.objects.aggregate(top=Max("number"))["top"] or 1000) + 1000
    start = datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC)
    rows = []
    for n in range(records):
        topic = TOPICS[n % len(TOPICS)]
        body = " ".join(rng.sample(pool, k=min(60, len(pool))))
        rows.append(
            Decision(
                form_type=form_type,
                series=series,
                number=first + n,
                title=f"{topic} {n}",
                executive_summary=f"This decision seeks approval for {topic.lower()} ({n}).",
                drafting_officer=officer,
                decision_maker="dmpc",
                status=Decision.Status.PUBLISHED,
                submitted_at=start + datetime.timedelta(hours=12 * n - 48),
                decided_at=start + datetime.timedelta(hours=12 * n - 24),
                published_at=start + datetime.timedelta(hours=12 * n),
                publication_state=Decision.PublicationState.PUBLISHED,
                published_pdf=stored,
                published_pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                search_text=f"{topic} {n} {body}",
            )
        )
    Decision.objects.bulk_create(rows, batch_size=500)
    series.next_number = first + records
    series.save(update_fields=["next_number"])

    people = {u.username: u for u in User.objects.all()}
    # The services check each signer's password: with the production hasher that is
    # about half a second a signature, so the setup signs with a fast hash and gives
    # every account its real one afterwards.
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(
        PASSWORD_HASHERS=fast, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    ):
        for user in people.values():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        waiting = []
        for n in range(approvals):
            decision = DecisionFactory(
                drafting_officer=officer,
                form_type=form_type,
                series=series,
                title=f"Load test record {n} for the DMPC",
                publication_answered=True,
            )
            RecommendationFactory(decision=decision)
            ExpenditureLineFactory(decision=decision, amount="1482400.00")
            DeclarationLineFactory(
                decision=decision,
                kind=DeclarationLine.Kind.DRAFTING_OFFICER,
                statement="Craig James has drafted this report in accordance with MOPAC procedures.",
                ticked=True,
            )
            decision = decision_submit(
                decision_id=decision.pk, user=officer, lock_version=decision.lock_version
            )
            for line, form_line in form_lines(decision):
                decision.refresh_from_db()
                clearance_confirm(
                    decision_id=decision.pk,
                    user=people[USERNAMES[line.role]],
                    content_hash=decision_content_hash(decision=decision),
                    kind=line.kind,
                    statement=form_line.options[0],
                    password=DEMO_PASSWORD,
                )
            decision.refresh_from_db()
            chief_executive_sign(
                decision_id=decision.pk,
                user=people["ceo"],
                lock_version=decision.lock_version,
                password=DEMO_PASSWORD,
            )
            decision.refresh_from_db()
            assert decision.status == Decision.Status.DECISION_MAKER, decision.status
            waiting.append(decision.pk)
    for user in people.values():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    slugs = [
        f"{series.prefix.lower()}-{first + n}" for n in range(0, records, max(1, records // 50))
    ]
    demo = list(
        Decision.objects.filter(
            series=series, status=Decision.Status.PUBLISHED, number__lt=first
        ).values_list("number", flat=True)
    )
    slugs += [f"{series.prefix.lower()}-{number}" for number in demo]
    print(json.dumps({"waiting": waiting, "slugs": slugs}))


USERNAMES = {
    "finance": "finance",
    "legal": "legal",
    "equalities": "equalities",
    "commercial": "commercial",
    "information_rights": "inforights",
    "director": "director",
}


# The clients.


class Stats:
    """Timings and errors of every request, by kind; shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.timings[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


class Client:
    """One browser: a connection, its cookies, and timed requests that check their status."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, kind, method, path, *, expect=(200,), form=None, referer=None):
        """Send one request; returns (status, headers, body), or None after an error."""
        headers = {"Host": "127.0.0.1", "User-Agent": "bench/load.py"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException) as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            self.stats.add(kind, time.perf_counter() - began, f"{method} {path}: {error!r}")
            return None
        elapsed = time.perf_counter() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        error = None
        if response.status not in expect:
            error = f"{method} {path}: {response.status} (expected {expect})"
        self.stats.add(kind, elapsed, error)
        return None if error else (response.status, response.headers, content)


def field(page: bytes, name: str) -> str | None:
    found = re.search(rb'name="' + name.encode() + rb'"[^>]*value="([^"]*)"', page)
    return found.group(1).decode() if found else None


def sign_in(client: Client, username: str) -> bool:
    got = client.request("staff: sign-in page", "GET", "/login/")
    if got is None:
        return False
    token = field(got[2], "csrfmiddlewaretoken")
    form = {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    return client.request("staff: sign in", "POST", "/login/", expect=(302,), form=form) is not None


def post_form(client: Client, kind: str, path: str, data: dict) -> bool:
    """GET a form, then POST it with its CSRF token and version: a redirect expected."""
    got = client.request(f"{kind} (form)", "GET", path)
    if got is None:
        return False
    form = {"csrfmiddlewaretoken": field(got[2], "csrfmiddlewaretoken"), **data}
    version = field(got[2], "lock_version")
    if version is not None:
        form["lock_version"] = version
    return client.request(kind, "POST", path, expect=(302,), form=form) is not None


def public_client(port, stats, slugs, stop):
    client = Client(port, stats)
    rng = random.Random()
    while not stop.is_set():
        slug = rng.choice(slugs)
        kind, path = rng.choice(
            [
                ("public: list", "/decisions/"),
                ("public: list, page 3", "/decisions/?page=3"),
                (
                    "public: search",
                    "/decisions/?" + urllib.parse.urlencode({"q": rng.choice(SEARCHES)}),
                ),
                ("public: record page", f"/decisions/{slug}/"),
                ("public: record page", f"/decisions/{slug}/"),
                ("public: PDF", f"/decisions/{slug}.pdf"),
                ("public: feed", "/decisions/feed/"),
                ("public: CSV export", "/decisions/export.csv"),
                ("public: JSON export", "/decisions/export.json"),
                ("public: sitemap", "/sitemap.xml"),
            ]
        )
        client.request(kind, "GET", path)


def approver(port, stats, waiting, stop):
    """The DMPC approves waiting records (each taken by one client) until none is left,
    then reads their pages."""
    client = Client(port, stats)
    if not sign_in(client, "dmpc"):
        return
    done = []
    while not stop.is_set():
        try:
            pk = waiting.pop()
        except IndexError:
            if not done:
                time.sleep(0.5)
                continue
            client.request("staff: record page", "GET", f"/records/{random.choice(done)}/")
            continue
        data = {"has_interest": "False", "approve": "True", "password": DEMO_PASSWORD}
        if post_form(client, "staff: approve", f"/records/{pk}/decide/", data):
            done.append(pk)


def reviewer(port, stats, readable, username, stop):
    client = Client(port, stats)
    if not sign_in(client, username):
        return
    rng = random.Random()
    while not stop.is_set():
        pk = rng.choice(readable)
        client.request("staff: record page", "GET", f"/records/{pk}/")
        client.request("staff: preview PDF", "GET", f"/records/{pk}/preview.pdf")
        client.request("staff: home", "GET", "/")


def drafter(port, stats, stop):
    client = Client(port, stats)
    if not sign_in(client, "officer"):
        return
    n = 0
    while not stop.is_set():
        n += 1
        got = client.request("staff: start (form)", "GET", "/records/new/")
        if got is None:
            continue
        form_type = re.search(rb'name="form_type"[^>]*value="(\d+)"', got[2]) or re.search(
            rb'<option value="(\d+)"', got[2]
        )
        form = {
            "csrfmiddlewaretoken": field(got[2], "csrfmiddlewaretoken"),
            "form_type": form_type.group(1).decode() if form_type else "",
            "title": f"Load drafting {threading.get_ident()} {n}",
        }
        started = client.request("staff: start", "POST", "/records/new/", expect=(302,), form=form)
        if started is None:
            continue
        draft = urllib.parse.urlsplit(started[1]["Location"]).path  # /records/<pk>/draft/
        client.request("staff: task list", "GET", draft)
        post_form(
            client,
            "staff: save section",
            f"{draft}title-summary/",
            {"title": form["title"], "executive_summary": "Approval is sought for a thing."},
        )
        for section in ("introduction", "issues-for-consideration"):
            text = "\n\n".join(f"Paragraph {i} of the {section}." for i in range(20))
            post_form(client, "staff: save section", f"{draft}part-one/{section}/", {"text": text})


# The run.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict, what: str) -> str:
    began = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own commands)
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    print(f"  {what}: {time.perf_counter() - began:.1f} s", flush=True)
    return result.stdout


def postgres_database(url: str, *, drop_only: bool = False) -> str:
    """A fresh database beside the one of `url` ("<name>_load"); its URL."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_load"
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password or None, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


COUNT_PUBLICATION = """
import json
from decisions.models import Decision
ids = json.loads({ids!r})
approved = Decision.objects.filter(pk__in=ids, decided_at__isnull=False)
states = list(approved.values_list("publication_state", flat=True))
print(json.dumps({{
    "published": states.count("published"),
    "failed": states.count("failed"),
    "waiting": sum(1 for s in states if s in ("pending", "in_progress")),
}}))
"""


def publication_outcome(env: dict, ids: list[int], *, wait: float) -> dict:
    """How the approved records' publications ended: waits up to `wait` seconds for the
    task worker to finish those still pending."""
    started = time.perf_counter()
    command = [
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        COUNT_PUBLICATION.format(ids=json.dumps(ids)),
    ]
    while True:
        out = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout
        counts = json.loads(out.strip().splitlines()[-1])
        seconds = time.perf_counter() - started
        if not counts["waiting"] or seconds > wait:
            return {**counts, "seconds": seconds}
        time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--public", type=int, default=50, help="public clients")
    parser.add_argument("--staff", type=int, default=10, help="staff clients")
    parser.add_argument("--records", type=int, default=500, help="published records added")
    parser.add_argument("--approvals", type=int, default=60, help="records waiting for the DMPC")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--database-url", help="PostgreSQL to run on (else SQLite)")
    parser.add_argument(
        "--publish-wait", type=float, default=180,
        help="seconds to wait after the load for the worker to publish what was approved",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.records, args.approvals)
        return 0

    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    database_url = (
        postgres_database(args.database_url)
        if args.database_url
        else f"sqlite:///{work / 'db.sqlite3'}"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no proxy in front to speak HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # Links in mail: the served address, its port set once gunicorn's is chosen.
        "DJANGO_SITE_URL": "http://127.0.0.1",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        # The workflow mails whoever acts next: nobody here.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
    }
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Setting up on {vendor} in {work}", flush=True)
    server = worker = None
    try:
        python = sys.executable
        run([python, "manage.py", "migrate", "--noinput"], env, "migrate")
        run([python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")
        run([python, "manage.py", "load_demo", "--allow-production"], env, "load_demo")
        out = run(
            [python, str(Path(__file__).resolve()), "--prepare", "--records", str(args.records),
             "--approvals", str(args.approvals)],
            env, f"{args.records} published records, {args.approvals} waiting for the DMPC",
        )  # fmt: skip
        data = json.loads(out.strip().splitlines()[-1])
        show_backend = (
            "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
        )
        backend = run([python, "manage.py", "shell", "-c", show_backend], env, "task backend")
        backend = backend.strip().splitlines()[-1]

        port = free_port()
        env["DJANGO_SITE_URL"] = f"http://127.0.0.1:{port}"
        log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        if "immediate" not in backend.lower():
            # Rendering and publication run in the task worker, as in production.
            worker = subprocess.Popen(  # noqa: S603
                [python, "manage.py", "db_worker"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.time() + 30
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/decisions/", headers={"Host": "127.0.0.1"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                sys.exit(f"gunicorn did not start:\n{(work / 'gunicorn.log').read_text()[-3000:]}")
            time.sleep(0.3)

        stats, stop = Stats(), threading.Event()
        waiting = list(data["waiting"])
        threads = [
            threading.Thread(
                target=public_client, args=(port, stats, data["slugs"], stop), daemon=True
            )
            for _ in range(args.public)
        ]
        reviewers = ["ceo", "finance", "admin", "legal"]
        for n in range(args.staff):
            if n % 3 == 0:
                target, extra = approver, (waiting,)
            elif n % 3 == 1:
                target, extra = reviewer, (data["waiting"], reviewers[n // 3 % len(reviewers)])
            else:
                target, extra = drafter, ()
            threads.append(
                threading.Thread(target=target, args=(port, stats, *extra, stop), daemon=True)
            )
        print(
            f"Load: {args.public} public and {args.staff} staff clients for {args.duration:g} s "
            f"on gunicorn ({args.workers} workers), {vendor}, tasks: {backend}",
            flush=True,
        )
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT + 5)
        elapsed = time.perf_counter() - began
        publication = publication_outcome(env, data["waiting"], wait=args.publish_wait)
    finally:
        for process in (server, worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if args.database_url:
            postgres_database(args.database_url, drop_only=True)

    total = sum(len(t) for t in stats.timings.values())
    approved = len(data["waiting"]) - len(waiting)
    print(f"\n{total:,} requests in {elapsed:.1f} s ({total / elapsed:.1f}/s), "
          f"{len(stats.errors)} errors, {approved} records approved\n")  # fmt: skip
    print("| Kind | Requests | Median ms | p95 ms |\n|---|---:|---:|---:|")
    for kind in sorted(stats.timings):
        values = stats.timings[kind]
        print(
            f"| {kind} | {len(values):,} | {statistics.median(values) * 1000:.0f} "
            f"| {percentile(values, 0.95) * 1000:.0f} |"
        )
    print(
        f"\nPublication of the {approved} approved: {publication['published']} published, "
        f"{publication['failed']} failed, {publication['waiting']} still pending "
        f"{publication['seconds']:.0f} s after the load ended"
    )
    lost = publication["failed"] + publication["waiting"]
    for error in stats.errors[:20]:
        print(f"ERROR {error}")
    server_errors = [
        line for line in (work / "gunicorn.log").read_text().splitlines() if "Error" in line
    ]
    for line in server_errors[:10]:
        print(f"SERVER {line}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"\nKept {work}")
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
