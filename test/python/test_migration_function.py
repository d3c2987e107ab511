"""The database-migration custom resource of airflow-ecs.yaml, run for real: the inline Lambda
code is taken from the template, its ECS calls are checked against botocore's service model by
botocore's Stubber, and its answer to CloudFormation goes over HTTP to a local server."""
from __future__ import annotations

import http.server
import json
import os
import threading
import types
import unittest

import boto3
import yaml
from botocore.stub import Stubber

TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "infra-templates", "cloudformation", "airflow-ecs.yaml")
CLUSTER = "airflow-ecs-cluster"
TASK_ARN = f"arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/0123456789abcdef"


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def load_function_source() -> str:
    with open(TEMPLATE, encoding="utf-8") as handle:
        template = yaml.load(handle, Loader=_CfnLoader)
    return template["Resources"]["DatabaseMigrationFunction"]["Properties"]["Code"]["ZipFile"]


class ResponseServer(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_PUT(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ResponseServer.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class MigrationFunctionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), ResponseServer)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def setUp(self):
        ResponseServer.received.clear()
        self.module = types.ModuleType("index")
        exec(compile(load_function_source(), "index.py", "exec"), self.module.__dict__)
        self.module.ecs = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        self.stub = Stubber(self.module.ecs)
        self.stub.activate()
        self.context = types.SimpleNamespace(log_stream_name="2026/12/01/[$LATEST]abc", get_remaining_time_in_millis=lambda: 120_000)

    def tearDown(self):
        self.stub.deactivate()

    def event(self, request_type="Create"):
        return {
            "RequestType": request_type,
            "ResponseURL": f"http://127.0.0.1:{self.server.server_port}/response",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/airflow-ecs/abc-123",
            "RequestId": "req-1",
            "LogicalResourceId": "DatabaseMigration",
            "ResourceProperties": {
                "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:airflow-ecs-db-migration",
                "Cluster": CLUSTER,
                "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/airflow-ecs-migrate:7",
                "ContainerName": "migrate",
                "Subnets": ["subnet-0123456789abcdef0"],
                "SecurityGroups": ["sg-0123456789abcdef0"],
                "AssignPublicIp": "DISABLED",
                "PollSeconds": 0,
            },
        }

    def expect_run_task(self, failures=None):
        response = {"tasks": [] if failures else [{"taskArn": TASK_ARN, "lastStatus": "PROVISIONING"}], "failures": failures or []}
        self.stub.add_response("run_task", response, {
            "cluster": CLUSTER,
            "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/airflow-ecs-migrate:7",
            "launchType": "FARGATE",
            "count": 1,
            "startedBy": "airflow-db-migrate",
            "networkConfiguration": {"awsvpcConfiguration": {
                "subnets": ["subnet-0123456789abcdef0"], "securityGroups": ["sg-0123456789abcdef0"], "assignPublicIp": "DISABLED"}},
        })

    def expect_describe(self, status, exit_code=None, reason=None):
        container = {"name": "migrate", "lastStatus": status}
        if exit_code is not None:
            container["exitCode"] = exit_code
        task = {"taskArn": TASK_ARN, "lastStatus": status, "containers": [container]}
        if reason:
            task["stoppedReason"] = reason
        self.stub.add_response("describe_tasks", {"tasks": [task], "failures": []}, {"cluster": CLUSTER, "tasks": [TASK_ARN]})

    def answer(self) -> dict:
        self.assertEqual(len(ResponseServer.received), 1, ResponseServer.received)
        return ResponseServer.received[0]

    def test_waits_for_the_task_and_succeeds_on_exit_code_0(self):
        self.expect_run_task()
        self.expect_describe("RUNNING")
        self.expect_describe("STOPPED", exit_code=0, reason="Essential container in task exited")
        self.module.handler(self.event(), self.context)
        answer = self.answer()
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        self.assertEqual(answer["Data"], {"TaskArn": TASK_ARN})
        self.assertEqual(answer["PhysicalResourceId"], "DatabaseMigration-abc-123")
        self.stub.assert_no_pending_responses()

    def test_a_failed_migration_fails_the_stack_update_with_the_exit_code(self):
        self.expect_run_task()
        self.expect_describe("STOPPED", exit_code=1, reason="Essential container in task exited")
        self.module.handler(self.event("Update"), self.context)
        answer = self.answer()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("exit code 1", answer["Reason"])
        self.assertIn(TASK_ARN, answer["Reason"])

    def test_a_refused_run_task_is_reported(self):
        self.expect_run_task(failures=[{"arn": CLUSTER, "reason": "MISSING"}])
        self.module.handler(self.event(), self.context)
        answer = self.answer()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("RunTask was refused", answer["Reason"])

    def test_delete_succeeds_without_touching_ecs(self):
        self.module.handler(self.event("Delete"), self.context)
        self.assertEqual(self.answer()["Status"], "SUCCESS")
        self.stub.assert_no_pending_responses()

    def test_an_unexpected_error_still_answers_cloudformation(self):
        self.stub.add_client_error("run_task", service_error_code="AccessDeniedException", service_message="not allowed")
        self.module.handler(self.event(), self.context)
        answer = self.answer()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("AccessDenied", answer["Reason"])


if __name__ == "__main__":
    unittest.main()
