"""Accessibility checks with axe-core, the version pinned in package.json.

The script is read from node_modules and injected as an inline script tag. The
app's Content Security Policy (script-src 'self') blocks inline scripts, so this
works only in a browser context made with bypass_csp=True, as the `page` fixture
in conftest.py does. The CSP stays on for everything the app itself serves.
"""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    if not AXE_PATH.is_file():
        raise FileNotFoundError(
            f"{AXE_PATH} is missing: run `make setup` (npm ci) to install axe-core."
        )
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page, tags: list[str] | None = None) -> list[dict]:
    """Run axe on the page, once it has loaded, and return its violations.

    A click that navigates returns once the new document is committed, when it
    may not yet have a <head> to take the script: wait for the load event first.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags or WCAG_TAGS,
    )
    return results["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail, listing each rule and the elements it found, if axe finds WCAG A/AA issues."""
    violations = axe_violations(page)
    if violations:
        report = format_violations(violations)
        print(report)
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n{report}"
        )
