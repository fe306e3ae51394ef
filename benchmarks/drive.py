"""Run one app headless in this fresh process, note when its first screen with its data has been
drawn, then quit. Run as a script (not -m) so that nothing but the app itself is imported.

    python benchmarks/drive.py bare
    python benchmarks/drive.py kjtui DB_PATH [--station CODE | --hub]

Prints one JSON line: {"drawn": perf_counter at the first drawn screen, "maxrss_kb": peak RSS}.
perf_counter is CLOCK_MONOTONIC, shared by every process, so the parent subtracts the moment it
started us: interpreter start and imports count.
"""

from __future__ import annotations

import json
import resource
import sys
import time

SIZE = (80, 24)
result: dict = {}


def mark(app) -> None:
    result["drawn"] = time.perf_counter()
    app.call_later(app.exit)  # once the app has done its own start-up: the clock has stopped


def bare() -> int:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("客户经理工作本 — bare Textual app")
            yield Footer()

        def on_mount(self) -> None:
            self.screen.call_after_refresh(mark, self)

    Bare().run(headless=True, size=SIZE)
    return 0


def kjtui(argv: list[str]) -> int:
    """The user's own path: `kjtui open --db PATH`, with the app made headless and timed."""
    import kjtui.app as appmod
    from kjtui.screens.home import HomeScreen

    original_loaded = HomeScreen.on_home_loaded

    def on_home_loaded(self, message) -> None:
        # The home screen has put its data in its widgets: wait for that paint. (Hooked here,
        # not where the message bubbles up to the app: the app's queue reaches it only after
        # its own mount work, a wait the user does not see, while the bare app's clock stops
        # at the first paint.)
        original_loaded(self, message)
        self.call_after_refresh(mark, self.app)

    original_run = appmod.KjtuiApp.run

    def run(self, *args, **kwargs):
        return original_run(self, headless=True, size=SIZE)

    HomeScreen.on_home_loaded = on_home_loaded
    appmod.KjtuiApp.run = run
    from kjtui.cli import main

    return main(["open", "--db", argv[0], *argv[1:]])


if __name__ == "__main__":
    kind = sys.argv[1]
    code = bare() if kind == "bare" else kjtui(sys.argv[2:])
    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))
    sys.exit(code or (0 if "drawn" in result else 3))
