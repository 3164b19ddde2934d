import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations

# The live server answers from another thread, so the data must be committed
# (transaction=True). serialized_rollback=True puts back what migrations made
# (the role groups) after any earlier transactional test flushed the tables.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
]


def test_officer_finds_pcd_1069_and_both_pages_pass_axe(page, live_server, login):
    # Test settings run with DEBUG off, which load_demo takes for a real site.
    call_command("load_demo", allow_production=True, verbosity=0)

    login(page, live_server, "officer")
    page.goto("/")
    main = page.locator("main")
    expect(main).to_contain_text("PCD 1069")
    expect(main).to_contain_text("Accelerated IVMA Improvements")
    assert_no_axe_violations(page)

    record_link = re.compile(r"PCD 1069|Accelerated IVMA Improvements")
    main.get_by_role("link", name=record_link).first.click()
    expect(page).to_have_url(re.compile(r"/records/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accelerated IVMA Improvements")
    assert_no_axe_violations(page)
