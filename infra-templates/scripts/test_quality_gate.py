"""Tests for quality_gate.py against a local fake SonarCloud (standard library only).

Run from the repository root:
    python3 -m unittest discover -s infra-templates/scripts -p 'test_*.py'
The script runs as a real subprocess, so exit codes and printed output are the ones a
CodeBuild log would show.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "quality_gate.py")
TOKEN = "squ_test_token_7f3a9c"  # fake; the tests check it never reaches the output

sys.path.insert(0, os.path.dirname(SCRIPT))
import quality_gate  # noqa: E402


def condition(metric: str, status: str, actual: str, threshold: str = "1") -> dict:
    return {"metricKey": metric, "status": status, "actualValue": actual,
            "comparator": "GT", "errorThreshold": threshold}


class FakeSonar:
    """Serves api/ce/task, api/qualitygates/project_status and api/issues/search."""

    def __init__(self):
        self.ce_statuses = ["SUCCESS"]
        self.gate = {"status": "OK", "conditions": [condition("new_security_rating", "OK", "1")]}
        self.issue_count = 3
        self.accepted_token = TOKEN
        self.redirect_to: str | None = None
        self.requests: list[tuple[str, dict, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                parsed = urllib.parse.urlparse(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                auth = self.headers.get("Authorization")
                fake.requests.append((parsed.path, query, auth))
                if fake.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", fake.redirect_to + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if not fake.authorised(auth):
                    # Real servers do not echo tokens; this one does, to prove redaction works.
                    presented = (auth or "").split(" ", 1)[-1]
                    return self.reply(401, {"errors": [{"msg": f"Invalid token {presented}"}]})
                route = {
                    "/api/ce/task": fake.ce_task,
                    "/api/qualitygates/project_status": fake.project_status,
                    "/api/issues/search": fake.issues,
                }.get(parsed.path)
                if route is None:
                    return self.reply(404, {"errors": [{"msg": "Unknown url"}]})
                status, body = route(query)
                return self.reply(status, body)

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def authorised(self, header: str | None) -> bool:
        if header == f"Bearer {self.accepted_token}":
            return True
        basic = base64.b64encode(f"{self.accepted_token}:".encode()).decode()
        return header == f"Basic {basic}"

    def ce_task(self, query):
        if query.get("id") != "AX-task-1":
            return 404, {"errors": [{"msg": "No activity found for task"}]}
        status = self.ce_statuses.pop(0) if len(self.ce_statuses) > 1 else self.ce_statuses[0]
        task = {"id": "AX-task-1", "type": "REPORT", "componentKey": "airflow-ecs_dags", "status": status}
        if status == "SUCCESS":
            task["analysisId"] = "AY-analysis-1"
        if status == "FAILED":
            task["errorMessage"] = "Unsupported file encoding"
        return 200, {"task": task}

    def project_status(self, query):
        if query.get("analysisId") != "AY-analysis-1" and query.get("projectKey") != "airflow-ecs_dags":
            return 404, {"errors": [{"msg": "Analysis not found"}]}
        return 200, {"projectStatus": self.gate}

    def issues(self, query):
        page, size = int(query.get("p", "1")), int(query.get("ps", "100"))
        start = (page - 1) * size
        issues = [{"key": f"I{i}", "rule": "pythonsecurity:S5445", "severity": "CRITICAL",
                   "component": "airflow-ecs_dags:dags/bad_tempfile_example.py", "line": 40 + i % 5,
                   "message": "Make sure this temporary file is created securely.", "type": "VULNERABILITY"}
                  for i in range(start, min(start + size, self.issue_count))]
        return 200, {"total": self.issue_count, "p": page, "ps": size,
                     "paging": {"pageIndex": page, "pageSize": size, "total": self.issue_count},
                     "issues": issues,
                     "components": [{"key": "airflow-ecs_dags:dags/bad_tempfile_example.py",
                                     "path": "dags/bad_tempfile_example.py"}]}


class QualityGateScriptTest(unittest.TestCase):
    def setUp(self):
        self.sonar = FakeSonar()
        self.addCleanup(self.sonar.close)
        self.work = tempfile.TemporaryDirectory()
        self.addCleanup(self.work.cleanup)
        os.makedirs(os.path.join(self.work.name, ".scannerwork"))
        with open(os.path.join(self.work.name, ".scannerwork", "report-task.txt"), "w", encoding="utf-8") as f:
            f.write(
                "organization=airflow-ecs\nprojectKey=airflow-ecs_dags\n"
                f"serverUrl={self.sonar.url}\n"
                "dashboardUrl=https://sonarcloud.io/dashboard?id=airflow-ecs_dags\n"
                "ceTaskId=AX-task-1\n"
                f"ceTaskUrl={self.sonar.url}/api/ce/task?id=AX-task-1\n"
            )

    def run_gate(self, *extra: str, token: str | None = TOKEN):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SONAR_", "QUALITY_GATE_"))}
        if token is not None:
            env["SONAR_TOKEN"] = token
        proc = subprocess.run(
            [sys.executable, SCRIPT, "--host", self.sonar.url, "--poll-interval", "0.01", "--timeout", "5", *extra],
            cwd=self.work.name, env=env, capture_output=True, text=True, timeout=60,
        )
        return proc

    def results(self) -> dict:
        with open(os.path.join(self.work.name, "results.json"), encoding="utf-8") as f:
            return json.load(f)

    def findings(self) -> dict:
        with open(os.path.join(self.work.name, "sonar-findings.json"), encoding="utf-8") as f:
            return json.load(f)

    def assertTokenNotLeaked(self, proc):
        self.assertNotIn(TOKEN, proc.stdout)
        self.assertNotIn(TOKEN, proc.stderr)
        path = os.path.join(self.work.name, "results.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.assertNotIn(TOKEN, f.read())

    def test_gate_passes(self):
        self.sonar.issue_count = 620  # two pages of 500
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("PASSED", proc.stdout)
        results = self.results()
        self.assertTrue(results["passed"])
        self.assertEqual(results["analysisId"], "AY-analysis-1")
        self.assertEqual(results["failedConditions"], [])
        findings = self.findings()
        self.assertEqual(findings["total"], 620)
        self.assertEqual(len(findings["issues"]), 620)
        self.assertEqual(len({i["key"] for i in findings["issues"]}), 620)
        pages = [(q["p"], q["ps"]) for path, q, _ in self.sonar.requests if path == "/api/issues/search"]
        self.assertEqual(pages, [("1", "500"), ("2", "500")])
        gate_queries = [q for path, q, _ in self.sonar.requests if path == "/api/qualitygates/project_status"]
        self.assertEqual(gate_queries, [{"analysisId": "AY-analysis-1"}])
        self.assertTrue(all(auth == f"Bearer {TOKEN}" for _, _, auth in self.sonar.requests))
        self.assertTokenNotLeaked(proc)

    def test_gate_fails_on_new_security_rating(self):
        self.sonar.gate = {"status": "ERROR", "conditions": [
            condition("new_security_rating", "ERROR", "4"),
            condition("new_coverage", "OK", "85.0", "80"),
        ]}
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("FAILED", proc.stdout)
        self.assertIn("new_security_rating is 4", proc.stdout)
        self.assertIn("rating D", proc.stdout)
        results = self.results()
        self.assertFalse(results["passed"])
        self.assertEqual([c["metricKey"] for c in results["failedConditions"]], ["new_security_rating"])
        self.assertIn("FAILED", results["reason"])
        self.assertEqual(len(self.findings()["issues"]), 3)

    def test_error_on_an_unwatched_metric_does_not_block(self):
        self.sonar.gate = {"status": "ERROR", "conditions": [
            condition("new_security_rating", "OK", "1"), condition("new_coverage", "ERROR", "10", "80")]}
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("new_coverage is 10", proc.stdout)
        self.assertEqual(self.results()["otherFailedConditions"][0]["metricKey"], "new_coverage")

    def test_metric_list_is_configurable(self):
        self.sonar.gate = {"status": "ERROR", "conditions": [
            condition("new_security_rating", "OK", "1"), condition("new_coverage", "ERROR", "10", "80")]}
        proc = self.run_gate("--metrics", "new_security_rating,new_coverage")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)

    def test_star_fails_on_the_overall_gate_status(self):
        self.sonar.gate = {"status": "ERROR", "conditions": [
            condition("new_security_rating", "OK", "1"), condition("new_coverage", "ERROR", "10", "80")]}
        proc = self.run_gate("--metrics", "*")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("new_coverage is 10", proc.stdout)
        self.assertEqual([c["metricKey"] for c in self.results()["failedConditions"]], ["new_coverage"])

    def test_star_passes_a_passing_gate(self):
        self.sonar.gate = {"status": "OK", "conditions": [condition("new_security_rating", "OK", "1")]}
        proc = self.run_gate("--metrics", "*")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("PASSED for every condition", proc.stdout)

    def test_pending_then_in_progress_then_success(self):
        self.sonar.ce_statuses = ["PENDING", "IN_PROGRESS", "SUCCESS"]
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        polls = [q for path, q, _ in self.sonar.requests if path == "/api/ce/task"]
        self.assertEqual(len(polls), 3)
        for status in ("PENDING", "IN_PROGRESS", "SUCCESS"):
            self.assertIn(f"AX-task-1: {status}", proc.stdout)

    def test_failed_analysis_fails_the_build(self):
        self.sonar.ce_statuses = ["IN_PROGRESS", "FAILED"]
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 1)
        self.assertIn("Unsupported file encoding", proc.stderr)
        self.assertFalse(self.results()["passed"])

    def test_timeout_while_pending(self):
        self.sonar.ce_statuses = ["PENDING"]
        proc = self.run_gate("--timeout", "0.2")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("Timed out", proc.stderr)

    def test_401_gives_a_clear_message_and_never_prints_the_token(self):
        self.sonar.accepted_token = "a-different-token"
        proc = self.run_gate()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("HTTP 401", proc.stderr)
        self.assertIn("SONAR_TOKEN", proc.stderr)
        self.assertIn("***", proc.stderr)  # the server's echo of the token was redacted
        self.assertTokenNotLeaked(proc)
        results = self.results()
        self.assertFalse(results["passed"])
        self.assertIn("401", results["reason"])

    def test_404_explains_what_to_check(self):
        proc = self.run_gate("--no-wait", "--project-key", "no-such-project")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("HTTP 404", proc.stderr)
        self.assertIn("project key", proc.stderr)

    def test_basic_auth_scheme(self):
        proc = self.run_gate("--auth-scheme", "basic")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(all(auth.startswith("Basic ") for _, _, auth in self.sonar.requests))
        self.assertTokenNotLeaked(proc)

    def test_a_redirect_is_refused_and_the_token_never_reaches_its_target(self):
        elsewhere = FakeSonar()
        self.addCleanup(elsewhere.close)
        self.sonar.redirect_to = elsewhere.url
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("HTTP 302", proc.stderr)
        self.assertIn("redirects are refused", proc.stderr)
        self.assertEqual(len(self.sonar.requests), 1, "stopped at the first redirect")
        self.assertEqual(elsewhere.requests, [], "the redirect target was never asked, so it never saw the token")
        self.assertTokenNotLeaked(proc)

    def test_missing_report_task(self):
        os.remove(os.path.join(self.work.name, ".scannerwork", "report-task.txt"))
        proc = self.run_gate()
        self.assertEqual(proc.returncode, 2)
        self.assertIn("run sonar-scanner first", proc.stderr)


class QualityGateLogicTest(unittest.TestCase):
    def test_refuses_token_over_plain_http_to_a_remote_host(self):
        with self.assertRaises(quality_gate.GateError):
            quality_gate.SonarClient("http://sonar.example.com", TOKEN)
        quality_gate.SonarClient("http://127.0.0.1:9000", TOKEN)  # loopback is fine

    def test_task_id_from_ce_task_url(self):
        self.assertEqual(quality_gate.task_id_from({"ceTaskUrl": "https://sonarcloud.io/api/ce/task?id=AB12"}), "AB12")

    def test_missing_watched_metric_is_reported(self):
        result = quality_gate.evaluate({"status": "OK", "conditions": []}, ["new_security_rating"])
        self.assertTrue(result["passed"])
        self.assertEqual(result["missingMetrics"], ["new_security_rating"])
        self.assertTrue(any("no condition on new_security_rating" in line for line in quality_gate.explain(result)))


if __name__ == "__main__":
    unittest.main()
