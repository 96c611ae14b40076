"""axe-core run inside the page: the automated accessibility check of the browser tests.

axe.min.js comes from the pinned PyPI package axe-playwright-python (it bundles axe-core;
only its script is used here), so nothing but pip is needed to get it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from playwright.sync_api import Page

BLOCKING = ("serious", "critical")
# WCAG 2.x A and AA plus axe's best practices (landmarks, headings, region …).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class AxeResult:
    url: str
    version: str
    violations: list[dict[str, Any]]

    @property
    def blocking(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] in BLOCKING]

    @property
    def minor(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] not in BLOCKING]

    def summary(self, violations: list[dict[str, Any]] | None = None) -> str:
        lines = []
        for v in self.violations if violations is None else violations:
            targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
            more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} — {'; '.join(targets)}{more}")
        return "\n".join(lines) or "  none"


def run_axe(page: Page) -> AxeResult:
    """axe-core on the whole document as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return {
                version: r.testEngine.version,
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
                })),
            };
        }""",
        TAGS,
    )
    return AxeResult(page.url, result["version"], result["violations"])
