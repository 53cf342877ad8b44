"""`python -m extractor.examples OUT_DIR`: write the example papers and their gold files."""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.examples import write_examples


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in {"-h", "--help"}:
        print("usage: python -m extractor.examples OUT_DIR")
        return 2
    examples = write_examples(Path(argv[0]))
    for path in [*examples.pdfs, examples.gold_fm_imaging, examples.targets_rct, examples.gold_rct]:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
