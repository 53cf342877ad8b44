"""Start, watch and stop the embedded llama.cpp server in a child process.

The engine runs apart from us so that whatever kills it (an illegal instruction on a
CPU the build does not suit, a corrupt GGUF, memory) cannot kill the batch: the next
call finds the child gone and raises `EngineError` with one line saying what happened
and what to do. The child binds loopback only, on a free port, and answers only
requests that carry a token made for this process.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from extractor.llm.base import EngineError

START_TIMEOUT = 300.0  # loading a 1-2 GB GGUF from a cold disk can take a while

_HINTS = {
    signal.SIGILL: (
        "illegal instruction: this CPU lacks an instruction the engine was built for; "
        "reinstall the portable wheel (pip install --force-reinstall --no-cache-dir xllamacpp) "
        "or point --base-url at another OpenAI-compatible server"
    ),
    signal.SIGKILL: "killed (often the kernel's out-of-memory killer: try a smaller model "
    "or --n-ctx)",
    signal.SIGSEGV: "segmentation fault: the GGUF file may be corrupt or unsupported",
}


def describe_exit(returncode: int) -> str:
    """Why a child process ended, for people."""
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode)
        except ValueError:
            return f"killed by signal {-returncode}"
        hint = _HINTS.get(sig)
        return f"killed by {sig.name}" + (f" ({hint})" if hint else "")
    return f"exited with status {returncode}"


class LocalEngine:
    """One llama.cpp server child for one GGUF; started on first use, stopped at exit."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int,
        threads: int,
        seed: int = 0,
        timeout: float = 3600,
        metrics: bool = False,
    ) -> None:
        """`metrics` turns on llama.cpp's /metrics (token totals), for benchmarks."""
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.threads = threads
        self.seed = seed
        self.timeout = timeout
        self.metrics = metrics
        self.token = secrets.token_urlsafe(24)  # never logged: the child's access key
        self.url: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> str:
        """The server's base URL, starting the child if needed."""
        with self._lock:
            if self.url is not None:
                if (dead := self.failure()) is not None:
                    raise EngineError(dead)
                return self.url
            # Kept open for the engine's lifetime (closed in `stop`): its last error line
            # goes into the message when the engine dies.
            self._log = tempfile.TemporaryFile("w+", prefix="litextract-engine-")  # noqa: SIM115
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "extractor.llm.local_server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                text=True,
                env=env,
            )
            atexit.register(self.stop)
            settings = {
                "model_path": str(self.model_path),
                "n_ctx": self.n_ctx,
                "threads": self.threads,
                "seed": self.seed,
                "token": self.token,
                "timeout": int(self.timeout),
                "metrics": self.metrics,
            }
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(settings) + "\n")
            self._process.stdin.flush()
            self.url = self._await_ready()
            return self.url

    def _await_ready(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self._process.stdout], [], [], 0.5)
            if ready:
                line = self._process.stdout.readline()
                if line.startswith("READY "):
                    return line.split(" ", 1)[1].strip()
                if not line:  # stdout closed: the child is gone
                    self._process.wait(timeout=10)
                    break
            elif self._process.poll() is not None:
                break
        if self._process.poll() is None:
            self.stop()
            raise EngineError(
                f"{self._name}: the engine did not start within {START_TIMEOUT:.0f} s"
            )
        raise EngineError(self._failure_message(self._process.returncode, starting=True))

    @property
    def _name(self) -> str:
        return f"local model {self.model_path.name}"

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def failure(self) -> str | None:
        """A one-line message if the engine was started and is gone, else None."""
        if self._process is None or self._process.poll() is None:
            return None
        return self._failure_message(self._process.returncode, starting=False)

    def _failure_message(self, returncode: int, *, starting: bool) -> str:
        when = "could not start" if starting else "stopped working"
        detail = self._last_log_line()
        message = f"{self._name}: the embedded engine {when}: {describe_exit(returncode)}"
        return f"{message}; last engine message: {detail}" if detail else message

    def _last_log_line(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0)
            lines = [line.strip() for line in self._log.read().splitlines() if line.strip()]
        except (OSError, ValueError):
            return ""
        # llama.cpp's first error line names the root cause ("bad GGUF version"); the
        # rest is progress chatter. Without one, a Python traceback's last line.
        engine_errors = [line.split(" E ", 1)[1].strip() for line in lines if " E " in line]
        python_errors = [line for line in lines if "Error" in line.split(":", 1)[0]]
        detail = (engine_errors[:1] or python_errors[-1:] or [""])[0]
        return detail[:300].replace(self.token, "***")

    def stop(self) -> None:
        process, self._process = self._process, None
        self.url = None
        if process is None:
            return
        if process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.close()  # the child's signal to exit cleanly
                process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
