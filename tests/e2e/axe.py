"""axe-core (from npm, node_modules/axe-core) in every page the journeys open.

Two ways in, one verdict:
- every HTML page of the top frame runs axe by itself once it has loaded (an init script of the browser context) and
  logs its serious and critical violations to the console, where the `page` fixture collects them: a test fails at its
  end if any page it opened had one, whether or not the test looked at that page closely;
- `check_accessible(page)` runs axe now on the page as it stands, at the current width and at phone width, and fails
  at once; `check_page` calls it for every main page.

Only violations whose impact is serious or critical count (the issue's bar: WCAG 2.1 AA, contrast included);
moderate and minor ones are not reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tests.e2e.browser import PHONE

AXE_FILE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
MARKER = "AXE-VIOLATIONS:"
COUNTED = ("serious", "critical")

# One runner on the page: axe refuses to run twice at once, so the automatic run and an explicit one queue.
_RUNNER = """
(() => {
  if (window.top !== window || !document.contentType || !document.contentType.includes('html')) return;
  const counted = %(counted)s;
  window.__thiduaAxe = (context) => {
    const run = () => axe.run(document, {resultTypes: ['violations']}).then((result) => ({
      url: location.pathname + location.search,
      width: window.innerWidth,
      context: context,
      violations: result.violations.filter((v) => counted.includes(v.impact)).map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' ← ' + (n.failureSummary || '').split('\\n')[1]),
        count: v.nodes.length,
      })),
    }));
    window.__thiduaAxeQueue = (window.__thiduaAxeQueue || Promise.resolve()).then(run, run);
    return window.__thiduaAxeQueue;
  };
  window.addEventListener('load', () => setTimeout(() => {
    window.__thiduaAxe('tự chạy khi trang tải xong').then((report) => {
      if (report.violations.length) console.log('%(marker)s' + JSON.stringify(report));
    }).catch(() => {});
  }, 150));
})();
"""


def init_script() -> str:
    """axe-core itself and the runner, added to every page of a browser context."""
    runner = _RUNNER % {"counted": json.dumps(COUNTED), "marker": MARKER}
    return AXE_FILE.read_text(encoding="utf-8") + "\n" + runner


def describe(report: dict) -> str:
    lines = [f"{report['url']} ở chiều rộng {report['width']} px ({report['context']}):"]
    for violation in report["violations"]:
        lines.append(f"  [{violation['impact']}] {violation['id']} ×{violation['count']}: {violation['help']}")
        lines += [f"      {target}" for target in violation["targets"]]
    return "\n".join(lines)


@dataclass
class AxeLog:
    """The violations the automatic runs logged in one test's pages."""

    reports: list[dict] = field(default_factory=list)

    def record(self, text: str) -> None:
        if text.startswith(MARKER):
            self.reports.append(json.loads(text[len(MARKER) :]))

    def summary(self) -> str:
        return "\n".join(describe(report) for report in self.reports)


def run_axe(page, context: str) -> dict:
    return page.evaluate("(context) => window.__thiduaAxe(context)", context)


def check_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it stands, at its width and at phone width."""
    page.wait_for_load_state("load")  # after a click that navigates: the new page with its stylesheet, not a half
    reports = [run_axe(page, "kiểm tra trên trang")]
    size = page.viewport_size
    if size and size["width"] != PHONE["width"]:
        page.set_viewport_size(PHONE)
        try:
            reports.append(run_axe(page, "kiểm tra ở khổ điện thoại"))
        finally:
            page.set_viewport_size(size)
    failing = [report for report in reports if report["violations"]]
    assert not failing, "Lỗi truy cập (axe-core, mức nghiêm trọng trở lên):\n" + "\n".join(map(describe, failing))
