"""BAD EXAMPLE - DO NOT COPY.

This DAG is here on purpose so the SonarCloud scan in the DAG pipeline has a real
security finding to report and the quality gate (new_security_rating) has something
to fail on. It creates a temporary file the unsafe way:

* tempfile.mktemp() only returns a name; another process can create that path
  before we open it (a race that can be used to overwrite or read files);
* a fixed, predictable path under /tmp is shared by every task on the worker.

The safe way is tempfile.NamedTemporaryFile() / tempfile.mkstemp() /
tempfile.TemporaryDirectory(), which create the file atomically with private
permissions. Delete this DAG once you have seen the finding in the editor.
"""
from __future__ import annotations

import tempfile
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 0,
    "retry_delay": timedelta(minutes=1),
}


@dag(
    dag_id="bad_tempfile_example",
    description="BAD EXAMPLE: insecure temporary files, kept to demonstrate the SonarCloud gate.",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "bad-practice"],
)
def bad_tempfile_example():
    @task
    def write_report_unsafely() -> str:
        # BAD: the name is chosen now, the file is created later -> race condition.
        path = tempfile.mktemp(suffix=".csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("id,value\n1,42\n")
        # BAD: hard-coded, world-writable, predictable location.
        with open("/tmp/airflow_report.csv", "w", encoding="utf-8") as handle:
            handle.write("id,value\n1,42\n")
        return path

    write_report_unsafely()


bad_tempfile_example()
