#!/usr/bin/env python3
"""Wait for a SonarCloud analysis, check the quality gate, save the findings.

Run after `sonar-scanner` in the DAG pipeline (../codebuild/buildspec-dags.yml):

  1. reads the scanner's report-task.txt (ceTaskId, projectKey) and polls
     api/ce/task?id=... until the background task is SUCCESS or FAILED (with a timeout);
  2. reads api/qualitygates/project_status?analysisId=... (or projectKey + branch);
  3. fails (exit 1) when a watched condition (default: new_security_rating) is ERROR;
  4. saves api/issues/search (all pages, ps=500) to sonar-findings.json and a summary
     to results.json, and prints why the gate passed or failed.

Standard library only. The token comes from SONAR_TOKEN and is sent in the
Authorization header (Bearer by default, Basic with SONAR_AUTH_SCHEME=basic); it is
never printed, it is never sent over plain http except to a loopback host, and redirects
are refused, so it never follows one to another host (or from https to http).

Exit codes: 0 gate passed, 1 gate failed (or the analysis failed), 2 could not
decide (bad configuration, HTTP error, timeout).
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2

ISSUES_PAGE_SIZE = 500          # the API maximum
ISSUES_REACHABLE_LIMIT = 10000  # api/issues/search never returns results past this
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class GateError(Exception):
    """A problem that prevents a decision; the message is meant for the build log."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows redirects with the same headers, the token included: refuse them instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        fp.close()
        origin = urllib.parse.urlparse(req.full_url)
        raise GateError(
            f"{origin.scheme}://{origin.netloc} answered HTTP {code}, redirecting to {newurl}; redirects are refused "
            f"so SONAR_TOKEN goes only to the configured host. Set SONAR_HOST_URL (or --host) to the server's real address."
        )


class SonarClient:
    def __init__(self, host: str, token: str | None, auth_scheme: str = "bearer", timeout: float = 30.0):
        parsed = urllib.parse.urlparse(host)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise GateError(f"The Sonar host must be an http(s) URL, got {host!r}.")
        if token and parsed.scheme == "http" and parsed.hostname not in LOOPBACK_HOSTS:
            raise GateError(
                f"Refusing to send SONAR_TOKEN over plain http to {parsed.hostname}; use https."
            )
        self.host = host.rstrip("/")
        self._token = token
        self._auth_scheme = auth_scheme.lower()
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_RefuseRedirects())

    def redact(self, text: str) -> str:
        if self._token:
            text = text.replace(self._token, "***")
        return text

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "airflow-ecs-quality-gate"}
        if self._token:
            if self._auth_scheme == "basic":
                raw = base64.b64encode(f"{self._token}:".encode()).decode()
                headers["Authorization"] = f"Basic {raw}"
            else:
                headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def get(self, path: str, params: dict[str, object]) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
        url = f"{self.host}/{path.lstrip('/')}?{query}"
        request = urllib.request.Request(url, headers=self._headers(), method="GET")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                body = response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            raise GateError(self._explain_http_error(err, path)) from None
        except urllib.error.URLError as err:
            raise GateError(f"Could not reach {self.host} ({err.reason}).") from None
        try:
            return json.loads(body)
        except json.JSONDecodeError:
            raise GateError(f"{path} did not return JSON.") from None

    def _explain_http_error(self, err: urllib.error.HTTPError, path: str) -> str:
        detail = ""
        try:
            payload = json.loads(err.read().decode("utf-8") or "{}")
            messages = [e.get("msg", "") for e in payload.get("errors", []) if isinstance(e, dict)]
            detail = "; ".join(m for m in messages if m)
        except (ValueError, OSError):
            pass
        detail = f" Server said: {self.redact(detail)}" if detail else ""
        if err.code == 401:
            hint = ("SONAR_TOKEN is not set" if not self._token else
                    "the token in SONAR_TOKEN is wrong, expired or revoked")
            return (f"{self.host} rejected the request to {path} with HTTP 401 (not authenticated): {hint}. "
                    f"Create a token under My Account > Security and store it in the secret the build reads."
                    f"{detail}")
        if err.code == 403:
            return (f"{self.host} answered HTTP 403 (forbidden) for {path}: the token is valid but its user "
                    f"may not browse this project or organization. Grant 'Browse' on the project or use "
                    f"another token.{detail}")
        if err.code == 404:
            return (f"{self.host} answered HTTP 404 (not found) for {path}: check the host URL, the project key, "
                    f"the organization and the analysis/task id.{detail}")
        return f"{self.host} answered HTTP {err.code} for {path}.{detail}"


def read_report_task(path: str) -> dict[str, str]:
    """Parses the scanner's key=value report-task.txt."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        raise GateError(f"{path} not found: run sonar-scanner first (it writes the analysis task id there).") from None
    values: dict[str, str] = {}
    for line in lines:
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def task_id_from(report: dict[str, str]) -> str | None:
    if report.get("ceTaskId"):
        return report["ceTaskId"]
    url = report.get("ceTaskUrl")
    if url:
        ids = urllib.parse.parse_qs(urllib.parse.urlparse(url).query).get("id")
        if ids:
            return ids[0]
    return None


def wait_for_analysis(client: SonarClient, task_id: str, timeout: float, interval: float,
                      log=print, clock=time.monotonic, sleep=time.sleep) -> dict:
    """Polls api/ce/task until the task ends; returns the task object."""
    deadline = clock() + timeout
    last_status = None
    while True:
        task = client.get("api/ce/task", {"id": task_id}).get("task", {})
        status = task.get("status")
        if status != last_status:
            log(f"Analysis task {task_id}: {status}")
            last_status = status
        if status == "SUCCESS":
            return task
        if status in ("FAILED", "CANCELED"):
            message = task.get("errorMessage") or "no error message"
            raise AnalysisFailed(f"The SonarCloud analysis task {task_id} ended {status}: {message}.")
        if clock() >= deadline:
            raise GateError(f"Timed out after {timeout:g}s waiting for analysis task {task_id} (last status {status}).")
        sleep(interval)


class AnalysisFailed(Exception):
    pass


def fetch_findings(client: SonarClient, project_key: str, branch: str | None,
                   pull_request: str | None, organization: str | None) -> dict:
    """All unresolved issues of the project/branch, every page, in one api/issues/search shaped document."""
    issues: list[dict] = []
    components: dict[str, dict] = {}
    rules: dict[str, dict] = {}
    total = 0
    page = 1
    while True:
        data = client.get("api/issues/search", {
            "componentKeys": project_key, "branch": branch, "pullRequest": pull_request,
            "organization": organization, "resolved": "false", "additionalFields": "_all",
            "ps": ISSUES_PAGE_SIZE, "p": page,
        })
        page_issues = data.get("issues", [])
        issues.extend(page_issues)
        for component in data.get("components", []):
            components[component.get("key")] = component
        for rule in data.get("rules", []):
            rules[rule.get("key")] = rule
        total = int(data.get("total", data.get("paging", {}).get("total", len(issues))))
        reachable = min(total, ISSUES_REACHABLE_LIMIT)
        if not page_issues or len(issues) >= reachable:
            break
        page += 1
    return {
        "total": total,
        "truncated": total > len(issues),
        "paging": {"pageSize": ISSUES_PAGE_SIZE, "pages": page, "total": total},
        "issues": issues,
        "components": list(components.values()),
        "rules": list(rules.values()),
    }


WHOLE_GATE = "*"


def evaluate(project_status: dict, metrics: list[str]) -> dict:
    """Decides from projectStatus which watched conditions failed. With metrics ["*"] the
    gate's own overall status decides, and every failing condition is listed."""
    conditions = project_status.get("conditions", []) or []
    if metrics == [WHOLE_GATE]:
        failed = [c for c in conditions if c.get("status") == "ERROR"]
        return {
            "passed": project_status.get("status") != "ERROR" and not failed,
            "gateStatus": project_status.get("status"),
            "checkedMetrics": metrics,
            "failedConditions": failed,
            "otherFailedConditions": [],
            "missingMetrics": [],
            "conditions": conditions,
        }
    by_metric = {c.get("metricKey"): c for c in conditions}
    failed = [c for c in conditions if c.get("metricKey") in metrics and c.get("status") == "ERROR"]
    other_errors = [c for c in conditions if c.get("metricKey") not in metrics and c.get("status") == "ERROR"]
    missing = [m for m in metrics if m not in by_metric]
    return {
        "passed": not failed,
        "gateStatus": project_status.get("status"),
        "checkedMetrics": metrics,
        "failedConditions": failed,
        "otherFailedConditions": other_errors,
        "missingMetrics": missing,
        "conditions": conditions,
    }


def describe(condition: dict) -> str:
    return (f"{condition.get('metricKey')} is {condition.get('actualValue', '?')} "
            f"(threshold {condition.get('comparator', '')} {condition.get('errorThreshold', '?')})").replace("  ", " ")


RATING_NAMES = {"1": "A", "2": "B", "3": "C", "4": "D", "5": "E"}


def explain(result: dict) -> list[str]:
    lines: list[str] = []
    if result["passed"]:
        checked = "every condition" if result["checkedMetrics"] == [WHOLE_GATE] else ", ".join(result["checkedMetrics"])
        lines.append(f"Quality gate PASSED for {checked} "
                     f"(overall gate status {result.get('gateStatus')}).")
    else:
        lines.append("Quality gate FAILED:")
        for c in result["failedConditions"]:
            rating = RATING_NAMES.get(str(c.get("actualValue")))
            suffix = f" - rating {rating}" if rating and c.get("metricKey", "").endswith("rating") else ""
            lines.append(f"  - {describe(c)}{suffix}")
        lines.append("Fix the new security findings listed in sonar-findings.json, or review them on SonarCloud.")
    for c in result.get("otherFailedConditions", []):
        lines.append(f"Note: {describe(c)} is ERROR but is not one of the blocking metrics.")
    for m in result.get("missingMetrics", []):
        lines.append(f"Warning: the quality gate has no condition on {m}; it cannot block this build. "
                     f"Add the condition to the gate on SonarCloud.")
    return lines


def write_json(path: str | None, payload: dict) -> None:
    if not path:
        return
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True)
        handle.write("\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Wait for a SonarCloud analysis and enforce the quality gate.")
    parser.add_argument("--host", default=env("SONAR_HOST_URL"),
                        help="Sonar server URL (env SONAR_HOST_URL; default: serverUrl from report-task.txt, else https://sonarcloud.io)")
    parser.add_argument("--report-task", default=env("SONAR_REPORT_TASK", ".scannerwork/report-task.txt"))
    parser.add_argument("--metrics", default=env("QUALITY_GATE_METRICS", "new_security_rating"),
                        help="comma-separated metric keys whose ERROR fails the build; * for the gate's overall status")
    parser.add_argument("--project-key", default=env("SONAR_PROJECT_KEY"))
    parser.add_argument("--organization", default=env("SONAR_ORGANIZATION"))
    parser.add_argument("--branch", default=env("SONAR_BRANCH"))
    parser.add_argument("--pull-request", default=env("SONAR_PULL_REQUEST"))
    parser.add_argument("--findings", default=env("SONAR_FINDINGS_FILE", "sonar-findings.json"))
    parser.add_argument("--results", default=env("QUALITY_GATE_RESULTS_FILE", "results.json"))
    parser.add_argument("--timeout", type=float, default=float(env("QUALITY_GATE_TIMEOUT", "300")))
    parser.add_argument("--poll-interval", type=float, default=float(env("QUALITY_GATE_POLL_INTERVAL", "5")))
    parser.add_argument("--auth-scheme", choices=("bearer", "basic"), default=env("SONAR_AUTH_SCHEME", "bearer"))
    parser.add_argument("--no-wait", action="store_true",
                        help="skip report-task.txt; read the gate of --project-key/--branch directly")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    token = os.environ.get("SONAR_TOKEN") or None
    results: dict = {"passed": False, "checkedMetrics": metrics, "findingsFile": args.findings}
    client: SonarClient | None = None
    try:
        report = {} if args.no_wait else read_report_task(args.report_task)
        host = args.host or report.get("serverUrl") or "https://sonarcloud.io"
        client = SonarClient(host, token, args.auth_scheme)
        if not token:
            print("Warning: SONAR_TOKEN is not set; calling the API anonymously (works only for public projects).")
        project_key = args.project_key or report.get("projectKey")
        if not project_key:
            raise GateError("No project key: pass --project-key / SONAR_PROJECT_KEY or run sonar-scanner first.")
        results.update({"projectKey": project_key, "branch": args.branch, "host": client.host,
                        "dashboardUrl": report.get("dashboardUrl")})

        params: dict[str, object]
        if args.no_wait:
            params = {"projectKey": project_key, "branch": args.branch, "pullRequest": args.pull_request}
        else:
            task_id = task_id_from(report)
            if not task_id:
                raise GateError(f"{args.report_task} has no ceTaskId/ceTaskUrl.")
            task = wait_for_analysis(client, task_id, args.timeout, args.poll_interval)
            analysis_id = task.get("analysisId")
            results["analysisId"] = analysis_id
            results["ceTaskId"] = task_id
            params = ({"analysisId": analysis_id} if analysis_id else
                      {"projectKey": project_key, "branch": args.branch, "pullRequest": args.pull_request})

        status = client.get("api/qualitygates/project_status", params).get("projectStatus", {})
        results.update(evaluate(status, metrics))

        try:
            findings = fetch_findings(client, project_key, args.branch, args.pull_request, args.organization)
            write_json(args.findings, findings)
            results["findingsCount"] = findings["total"]
            print(f"Saved {len(findings['issues'])} of {findings['total']} open findings to {args.findings}.")
        except GateError as err:
            results["findingsError"] = str(err)
            print(f"Warning: could not save the findings: {err}")

        lines = explain(results)
        results["reason"] = lines[0]
        write_json(args.results, results)
        print("\n".join(lines))
        return EXIT_PASSED if results["passed"] else EXIT_FAILED
    except AnalysisFailed as err:
        message = client.redact(str(err)) if client else str(err)
        results["reason"] = message
        write_json(args.results, results)
        print(f"Quality gate FAILED: {message}", file=sys.stderr)
        return EXIT_FAILED
    except GateError as err:
        message = client.redact(str(err)) if client else str(err)
        if token:
            message = message.replace(token, "***")
        results["reason"] = message
        results["error"] = True
        write_json(args.results, results)
        print(f"Quality gate could not be checked: {message}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
