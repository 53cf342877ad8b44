"""The one error tree: every error a user can meet is a `LitextractError`.

The root lives on the bottom floor so that every package can raise into it. Each error's
message is one line a person can act on (the file named, then the problem); the CLI prints
it as is, and a batch records it and goes on with the other papers.

    LitextractError                       schemas/errors.py
    ├── InputError                        a bad input file: "path: reason"
    │   └── GoldFileError                 eval/gold.py
    ├── FormError                         an unknown form or an unusable YAML form
    ├── RuleError                         a form rule outside the rule language
    ├── LLMError                          extractor/llm/base.py: no usable answer
    │   ├── RefusalError
    │   ├── TruncatedError
    │   ├── NoStructuredOutputError
    │   ├── TransientError
    │   ├── EngineError
    │   └── ContextOverflowError
    ├── ExtractionError                   extractor/tally.py: a record that was not made
    ├── StoreError                        extractor/review/store.py
    ├── FolderBusyError                   extractor/folder_lock.py: one run per folder
    │   └── ReviewBusyError               extractor/review/lock.py
    ├── ServerUnreachableError            extractor/llm/endpoint.py: checked before a batch
    └── CorrectionError                   extractor/review/corrections.py
        └── VersionConflict

FormError and RuleError are also `ValueError`s, as they were before the tree existed.
"""

from __future__ import annotations


class LitextractError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(LitextractError):
    """A bad input file (PDF, form, gold, targets): `path: reason`."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Picklable with its two arguments, so it crosses process pools (parse_many).
        return (type(self), (self.path, self.reason))


class FormError(LitextractError, ValueError):
    """A form name or YAML form file that cannot be used (the message names the file)."""


class RuleError(LitextractError, ValueError):
    """A rule that is not in the rule language (the message says where)."""
