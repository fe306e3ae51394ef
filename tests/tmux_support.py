"""Drive the real app in a real terminal: tmux at 80×24, keys sent as a person types them, the
screen read back with capture-pane. Waits poll the screen until the expected words show (a
deadline only turns a hang into a failure; nothing is asserted about time)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, command: str, width: int = 80, height: int = 24, env: dict | None = None):
        self.name = f"kjtui-{uuid.uuid4().hex[:8]}"
        # A tmux server already running passes its own environment: set what matters here.
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **(env or {})}
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        # exec: the pane's process is the app itself, so its pid is the app's.
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width),
                        "-y", str(height), f"export {exports}; exec {command}"], check=True)
        subprocess.run(["tmux", "set-option", "-t", self.name, "remain-on-exit", "on"], check=True)

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "send-keys", "-t", self.name]
        subprocess.run(args + (["-l"] if literal else []) + list(keys), check=True)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], check=True,
                              capture_output=True, text=True).stdout

    def wait_for(self, *words: str, deadline: float = 20.0) -> str:
        end = time.monotonic() + deadline
        while True:
            text = self.screen()
            if all(w in text for w in words):
                return text
            if time.monotonic() > end:
                raise AssertionError(f"{words} never showed; the screen was:\n{text}")
            time.sleep(0.1)

    def pid(self) -> int:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.name, "#{pane_pid}"],
                             check=True, capture_output=True, text=True).stdout
        return int(out.strip())

    def dead(self) -> bool:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.name, "#{pane_dead}"],
                             capture_output=True, text=True).stdout
        return out.strip() == "1"

    def wait_exit(self, deadline: float = 20.0) -> None:
        end = time.monotonic() + deadline
        while not self.dead():
            if time.monotonic() > end:
                raise AssertionError("the app did not exit; the screen was:\n" + self.screen())
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
