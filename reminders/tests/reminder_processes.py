"""Helpers for tests that run sweepers and the reminder loop as real processes on the test database."""

import queue
import subprocess
import sys
import threading

from django.conf import settings

from tracker.tests.servers import BASE_DIR, NO_REDIS_URL, script_env


def django_env(**overrides: str) -> dict[str, str]:
    """A Django process's environment on the test database, with this test's Redis key prefix."""
    return script_env(
        **{
            "REDIS_URL": NO_REDIS_URL,
            "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
            "LOG_LEVEL": "INFO",
            **overrides,
        }
    )


class Process:
    """A Python subprocess whose output lines can be awaited (stderr merged into stdout)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new_lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self._new_lines.put(line)
        self._new_lines.put(None)

    def wait_for(self, text: str, timeout: float = 60, occurrence: int = 1) -> str:
        """The `occurrence`th output line containing `text` (the first by default); fails with the
        whole output if it does not come within `timeout` seconds."""
        seen = [line for line in self.lines if text in line]
        if len(seen) >= occurrence:
            return seen[occurrence - 1]
        while True:
            try:
                line = self._new_lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {text!r} within {timeout} s:\n{self.output()}") from None
            if line is None:
                raise AssertionError(f"exited before {text!r}:\n{self.output()}")
            self.lines.append(line)
            if text in line:
                seen.append(line)
                if len(seen) == occurrence:
                    return line

    def send(self, text: str) -> None:
        self.popen.stdin.write(text)
        self.popen.stdin.flush()

    def finish(self, timeout: float = 60) -> int:
        returncode = self.popen.wait(timeout=timeout)
        self.popen.stdin.close()
        while (line := self._new_lines.get(timeout=timeout)) is not None:
            self.lines.append(line)
        return returncode

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()
