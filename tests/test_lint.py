"""ruff over the whole tree, with RUF100: a `# noqa` that suppresses nothing is itself an error.
And a service module stays small enough to be named for the one rule it holds."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

# The demo generator writes a whole county's history: one long recipe, not a rule.
SERVICE_LINES = 400
LONG_SERVICES_ALLOWED = {"demo.py"}


def test_ruff_is_clean():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_service_module_is_over_400_lines():
    long = {p.name: n for p in (ROOT / "kjtui" / "services").glob("*.py")
            if p.name not in LONG_SERVICES_ALLOWED
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > SERVICE_LINES}
    assert not long, f"split these by the rules they hold (docs/ARCHITECTURE.md, section 5): {long}"


def test_nothing_cites_a_design_file_the_repository_lacks():
    """The design of record is docs/ARCHITECTURE.md (and docs/*.md): a citation must be followable."""
    design = "DES" + "IGN"  # spelled apart so that this file does not cite it
    cited = [f"{p.relative_to(ROOT)}:{i}"
             for top in ("kjtui", "sync", "docs", "tests", "benchmarks", "README.md")
             for p in ([ROOT / top] if top.endswith(".md") else (ROOT / top).rglob("*"))
             if p.suffix in (".py", ".md", ".toml", ".tcss")
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if f"{design}.md" in line or f"{design} §" in line]
    assert not cited, cited


def test_pilot_tests_wait_for_conditions_only():
    """One wait, pilot_wait.until: no test pauses a number of times or waits for the workers
    alone (a result's message may still be on its way), and no test makes its own app."""
    patterns = ("pilot.pause(", "workers.wait_for_complete(", "def settle(", "KjtuiApp(")
    found = [f"{p.name}: {what}" for p in (ROOT / "tests").glob("*.py")
             if p.name not in ("pilot_wait.py", "conftest.py", "test_lint.py")
             for what in patterns if what in p.read_text(encoding="utf-8")]
    assert not found, found
