"""ruff over the whole tree, with RUF100: a `# noqa` that suppresses nothing is itself an error."""

import subprocess
import sys
from pathlib import Path


def test_ruff_is_clean():
    root = Path(__file__).parent.parent
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=root,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
