"""A custom import-linter contract: no module imports another module's private names.

A leading underscore says "this module's own business". Importing `_Tally` or `_badness`
from elsewhere ties two modules to each other's insides; the fix is to make the name
public where it belongs, or to move it to the floor both can import. Registered in
pyproject.toml as the `private_names` contract type (`make test` runs it with
PYTHONPATH=tests/support, so nothing of it ships in the package).
"""

from __future__ import annotations

import ast
import importlib.util

from importlinter import Contract, ContractCheck, fields, output


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


class PrivateNamesContract(Contract):
    type_name = "private_names"

    # Modules whose private names nobody outside them may import (with descendants).
    modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:  # type: ignore[no-untyped-def]
        roots = tuple(str(m) for m in self.modules)  # type: ignore[attr-defined]
        violations: list[str] = []
        for module in sorted(graph.modules):
            if not module.startswith(roots):
                continue
            spec = importlib.util.find_spec(module)
            if spec is None or not spec.origin or not spec.origin.endswith(".py"):
                continue
            with open(spec.origin, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            is_package = spec.origin.endswith("__init__.py")
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom):
                    continue
                source = _resolve(module, is_package, node)
                if not source.startswith(roots) or source == module:
                    continue
                for alias in node.names:
                    name = alias.name
                    if name.startswith("_") and not name.startswith("__"):
                        violations.append(
                            f"{module} imports {name} from {source} (l.{node.lineno})"
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["violations"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()
