"""Checks Airflow settings given as AIRFLOW__SECTION__KEY environment variables against the
Airflow that is installed: every option must exist (core or provider configuration), and
`airflow config lint` must find nothing removed or renamed.

Input: a JSON object {"<where>": {"AIRFLOW__...": "value", ...}, ...} on stdin.
Output: a JSON object {"<where>": ["problem", ...]} in the file named by the first argument
(Airflow logs to stdout); exit code 0 either way.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

SUFFIXES = ("_CMD", "_SECRET")


def known_options() -> set[tuple[str, str]]:
    from airflow.configuration import conf

    # Provider options (celery, fab, amazon...) are part of the description once providers load.
    return {
        (section, option)
        for section, body in conf.configuration_description.items()
        for option in (body.get("options") or {})
    }


def option_of(name: str, known: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The (section, option) a variable sets; _CMD and _SECRET forms name the option before them
    (jwt_secret is an option of its own, so the plain name is tried first)."""
    match = re.fullmatch(r"AIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)", name)
    if not match:
        return None
    section, option = match.group(1).lower(), match.group(2).lower()
    if (section, option) in known:
        return section, option
    for suffix in SUFFIXES:
        if option.endswith(suffix.lower()):
            return section, option[: -len(suffix)]
    return section, option


def lint(env: dict[str, str], known: set[tuple[str, str]]) -> list[str]:
    """`airflow config lint` on these settings; _CMD/_SECRET forms are given as plain values so
    nothing is executed or fetched."""
    plain = {}
    for name, value in env.items():
        option = option_of(name, known)
        if option:
            plain[f"AIRFLOW__{option[0].upper()}__{option[1].upper()}"] = value or "x"
    with tempfile.TemporaryDirectory() as home:
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
        child_env.update(plain, AIRFLOW_HOME=home)
        airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
        out = subprocess.run([airflow, "config", "lint"], env=child_env, capture_output=True, text=True, timeout=300)
    problems = []
    for line in out.stdout.splitlines():
        line = line.strip()
        # "Changed default value ..." only informs that a default moved; it is not a problem.
        if line.startswith("- ") and not line.startswith("- Changed default value"):
            problems.append(f"airflow config lint: {line[2:]}")
    return problems


def main() -> int:
    groups: dict[str, dict[str, str]] = json.load(sys.stdin)
    known = known_options()
    report: dict[str, list[str]] = {}
    for where, env in groups.items():
        problems = []
        for name in sorted(env):
            option = option_of(name, known)
            if name.startswith("AIRFLOW__") and option is None:
                problems.append(f"{name} is not of the form AIRFLOW__SECTION__KEY")
            elif option and option not in known:
                problems.append(f"{name}: Airflow has no option [{option[0]}] {option[1]}")
        problems.extend(lint(env, known))
        report[where] = problems
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
