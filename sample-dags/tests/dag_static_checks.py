"""Checks on DAG files that need nothing but the standard library.

They read the source with ``ast`` instead of importing it, so they run in CI
images without Airflow and catch the mistakes that hurt most on a cluster:
duplicate dag ids, missing owner/retries, and work done at import time (the
scheduler re-imports every DAG file continuously on every node).
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

DAGS_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dags"))

# Modules whose calls talk to the network or a database.
NETWORK_MODULES = {
    "requests", "urllib", "urllib3", "httpx", "http", "socket", "psycopg2",
    "pymysql", "sqlalchemy", "boto3", "botocore", "redis", "smtplib", "ftplib",
}
# Airflow calls that hit the metadata database when executed.
DB_CALLS = {("Variable", "get"), ("Variable", "set"), ("Connection", "get_connection_from_secrets"),
            ("BaseHook", "get_connection"), ("XCom", "get_one")}
REQUIRED_DEFAULT_ARGS = ("owner", "retries")


@dataclass
class DagFileReport:
    path: str
    syntax_error: str | None = None
    dag_ids: list[str] = field(default_factory=list)
    default_args_keys: list[set[str]] = field(default_factory=list)
    top_level_calls: list[str] = field(default_factory=list)


def dag_files(directory: str = DAGS_DIR) -> list[str]:
    return sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.endswith(".py") and not name.startswith("_")
    )


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _imported_aliases(tree: ast.Module) -> dict[str, str]:
    """Maps local names to the module they come from (``import boto3 as b`` -> b: boto3)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[(alias.asname or alias.name).split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _module_level_nodes(tree: ast.Module):
    """Yields every node evaluated at import time: skips function bodies and lambdas,
    but enters `with DAG(...)` blocks, ifs, loops and class bodies."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            # Decorators and default values are evaluated at import time.
            if not isinstance(node, ast.Lambda):
                stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _is_network_call(call: ast.Call, aliases: dict[str, str]) -> str | None:
    name = _dotted(call.func)
    if not name:
        return None
    parts = name.split(".")
    origin = aliases.get(parts[0], parts[0])
    root_module = origin.split(".")[0]
    if root_module in NETWORK_MODULES:
        return name
    last_two = tuple(parts[-2:]) if len(parts) >= 2 else None
    if last_two in DB_CALLS:
        return name
    return None


def _default_args_keys(tree: ast.Module) -> list[set[str]]:
    """Keys of each default_args dict, following a module-level name if needed."""
    assigned: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = node.value
    found: list[set[str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg != "default_args":
                continue
            value = kw.value
            if isinstance(value, ast.Name):
                value = assigned.get(value.id, value)
            keys: set[str] = set()
            if isinstance(value, ast.Dict):
                keys = {k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            elif isinstance(value, ast.Call) and _dotted(value.func) == "dict":
                keys = {k.arg for k in value.keywords if k.arg}
            found.append(keys)
    return found


def _dag_ids(tree: ast.Module) -> list[str]:
    ids: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (_dotted(node.func) or "").split(".")[-1] in ("DAG", "dag"):
            for kw in node.keywords:
                if kw.arg == "dag_id" and isinstance(kw.value, ast.Constant):
                    ids.append(str(kw.value.value))
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                ids.append(node.args[0].value)
    return ids


def analyse_source(source: str, path: str = "<string>") -> DagFileReport:
    report = DagFileReport(path=path)
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as err:
        report.syntax_error = f"{path}:{err.lineno}: {err.msg}"
        return report
    aliases = _imported_aliases(tree)
    for node in _module_level_nodes(tree):
        if isinstance(node, ast.Call):
            hit = _is_network_call(node, aliases)
            if hit:
                report.top_level_calls.append(f"{path}:{node.lineno}: {hit}()")
    report.dag_ids = _dag_ids(tree)
    report.default_args_keys = _default_args_keys(tree)
    return report


def analyse_file(path: str) -> DagFileReport:
    with open(path, encoding="utf-8") as handle:
        return analyse_source(handle.read(), path)
