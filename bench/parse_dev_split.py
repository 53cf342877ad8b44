"""Split ../shared/corpus/parse_dev once into a tuning and a test part, by publisher.

    .venv/bin/python bench/parse_dev_split.py          # writes bench/parse_dev_split.json

The publisher of a paper is read from its DOI prefix (the registrant), mapped to the
publishing house: JATS `<publisher-name>` is unreliable in this set (Wiley journals name
"Springer" or "Morgan Kaufmann", BMC appears as "BMC" and "BioMed Central"). Houses that
share a typesetting family (Nature, Scientific Reports, BMC and Springer journals) are one
publisher, so no layout family is in both parts.

Rule: publishers sorted by the SHA-256 of their name; walking that order, each publisher
goes to the part that holds fewer papers so far (the test part on a tie), which keeps the
two parts near half each whatever the publisher sizes.
Nothing about the papers' scores enters the rule. The file is written once and committed;
the benchmark reads it and never re-splits.
"""

from __future__ import annotations

import hashlib
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_jats import CORPUS, SPLIT_FILE

_PUBLISHER_BY_PREFIX = {
    "10.1038": "Springer Nature",
    "10.1186": "Springer Nature",
    "10.1007": "Springer Nature",
    "10.1371": "PLOS",
    "10.1177": "SAGE",
    "10.5334": "Ubiquity Press",
    "10.3389": "Frontiers",
    "10.1093": "Oxford University Press",
    "10.1111": "Wiley",
    "10.1002": "Wiley",
    "10.1029": "Wiley",  # AGU journals are typeset by Wiley
    "10.2196": "JMIR",
    "10.4103": "Wolters Kluwer Medknow",
    "10.1016": "Elsevier",
    "10.1017": "Cambridge University Press",
    "10.1192": "Cambridge University Press",  # RCPsych journals are typeset by CUP
    "10.3390": "MDPI",
    "10.1136": "BMJ",
    "10.1080": "Taylor & Francis",
    "10.1155": "Hindawi",
    "10.17912": "Caltech Library",
    "10.1590": "SciELO",
}


def publisher(nxml: Path) -> str:
    root = ET.parse(nxml).getroot()
    doi = next((e.text or "" for e in root.iter("article-id") if e.get("pub-id-type") == "doi"), "")
    prefix = doi.strip().split("/", 1)[0]
    if prefix not in _PUBLISHER_BY_PREFIX:
        raise SystemExit(f"{nxml.name}: DOI prefix {prefix!r} has no publisher; add it")
    return _PUBLISHER_BY_PREFIX[prefix]


def split(folder: Path) -> dict[str, object]:
    papers: dict[str, list[str]] = {}
    for nxml in sorted(folder.glob("*.nxml")):
        if nxml.with_suffix(".pdf").exists():
            papers.setdefault(publisher(nxml), []).append(nxml.stem)
    order = sorted(papers, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    parts: dict[str, dict[str, list[str]]] = {"test": {}, "tuning": {}}
    size = {"test": 0, "tuning": 0}
    for name in order:
        part = "test" if size["test"] <= size["tuning"] else "tuning"
        parts[part][name] = papers[name]
        size[part] += len(papers[name])
    return {
        "rule": (
            "publisher = DOI prefix mapped to its publishing house (bench/parse_dev_split.py); "
            "publishers sorted by sha256(name); each goes to the part holding fewer papers "
            "so far (test on a tie)"
        ),
        **{
            part: {
                "publishers": sorted(by_pub),
                "papers": sorted(p for ps in by_pub.values() for p in ps),
            }
            for part, by_pub in parts.items()
        },
    }


def main() -> None:
    folder = CORPUS / "parse_dev"
    if not folder.is_dir():
        print("corpus not found; nothing to split")
        return
    if SPLIT_FILE.exists() and "--force" not in sys.argv:
        print(f"{SPLIT_FILE.name} exists: the split is made once (--force to redo)")
        return
    data = split(folder)
    SPLIT_FILE.write_text(json.dumps(data, indent=1) + "\n")
    for part in ("tuning", "test"):
        info = data[part]
        assert isinstance(info, dict)
        print(f"{part}: {len(info['papers'])} papers, publishers {info['publishers']}")


if __name__ == "__main__":
    main()
