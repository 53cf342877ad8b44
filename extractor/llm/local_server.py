"""The embedded engine's child process: llama.cpp's OpenAI-compatible server (xllamacpp).

Run by `LocalEngine` as `python -m extractor.llm.local_server`, never by hand. The
settings arrive as one JSON line on stdin (so the access token never shows in a
process listing); the child answers `READY <url>` on stdout once the model is loaded,
then serves on loopback until its stdin closes, which happens when the parent exits
for any reason. An engine that dies (a CPU instruction the build needs, a bad GGUF,
memory) takes only this process down: the parent turns that into an error message.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    settings = json.loads(sys.stdin.readline())
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = settings["model_path"]
    params.n_ctx = settings["n_ctx"]
    params.n_parallel = 1  # one slot: the whole window serves one request at a time
    params.cpuparams.n_threads = settings["threads"]
    params.cpuparams_batch.n_threads = settings["threads"]
    params.sampling.seed = settings["seed"]
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # any free port; the URL is reported back
    params.api_keys = [settings["token"]]
    params.endpoint_props = True
    params.endpoint_metrics = bool(settings.get("metrics", False))
    params.timeout_read = settings["timeout"]
    params.timeout_write = settings["timeout"]
    server = xllamacpp.Server(params)
    print(f"READY {server.listening_address}", flush=True)
    sys.stdin.read()  # blocks until the parent closes the pipe (or dies)
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
