"""A member of the public, not signed in, finds PCD 1069 on the register and downloads its PDF."""

import hashlib
import re

import pytest
from playwright.sync_api import Page, expect

from decisions.models import Decision
from demo.loader import demo_load
from tests.browser.axe import assert_no_axe_violations

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def results(page: Page) -> list[str]:
    """The references listed, in order."""
    headings = page.locator("#results h3").all_inner_texts()
    return [heading.split(":")[0] for heading in headings]


def test_the_public_searches_opens_pcd_1069_and_downloads_its_pdf(page: Page, live_server):
    demo_load()
    pcd1069 = Decision.objects.get(series__prefix="PCD", number=1069)
    assert pcd1069.status == Decision.Status.PUBLISHED

    page.goto("/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Published decisions")
    # No staff navigation for the public, and every published demo record is listed.
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_have_count(0)
    assert "PCD 1069" in results(page)
    assert_no_axe_violations(page)

    page.get_by_label("Search decisions").fill("IVMA")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/decisions/\?q=IVMA"))
    expect(page.get_by_role("heading", name="1 decision found")).to_be_visible()
    assert results(page) == ["PCD 1069"]
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Accelerated IVMA Improvements").click()
    expect(page).to_have_url(re.compile(r"/decisions/pcd-1069/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accelerated IVMA Improvements")
    main = page.locator("main")
    expect(main).to_contain_text(pcd1069.published_pdf_sha256)
    expect(main).to_contain_text("Tethered In Vehicle Mobile Application (IVMA)")
    assert_no_axe_violations(page)

    link = page.get_by_role("link", name=re.compile(r"^PCD 1069 \(PDF, .+\)$"))
    href = link.get_attribute("href")
    assert href == "/decisions/pcd-1069.pdf"
    # Fetched as the browser would, in the same context (not signed in).
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == pcd1069.published_pdf_sha256
    assert response.headers["etag"] == f'"{pcd1069.published_pdf_sha256}"'

    page.get_by_role("link", name="Open data").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    assert_no_axe_violations(page)

    page.goto("/decisions/pcd-1071/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_no_axe_violations(page)


def test_filters_and_pages_pass_axe(page: Page, live_server):
    demo_load()
    page.goto("/decisions/?year=1999&page=abc")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "Year published: that choice is not available, so it was not applied."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Decision maker").select_option(label="Deputy Mayor for Policing and Crime")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"decision_maker=dmpc"))
    assert sorted(results(page)) == ["PCD 1069", "PCD 1070"]
    assert_no_axe_violations(page)
