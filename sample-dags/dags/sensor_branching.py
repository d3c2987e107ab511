"""Waits for a marker file on the shared EFS volume, then branches on its content."""
from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.sensors.filesystem import FileSensor
from airflow.sdk import DAG, task

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 1,
    "retry_delay": timedelta(minutes=2),
}

MARKER_PATH = os.path.join(os.environ.get("AIRFLOW_DATA_DIR", "/opt/airflow/data"), "ready.flag")

with DAG(
    dag_id="sensor_branching",
    description="FileSensor followed by a @task.branch decision.",
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "sensor", "branching"],
) as dag:
    wait_for_marker = FileSensor(
        task_id="wait_for_marker",
        filepath=MARKER_PATH,
        poke_interval=60,
        timeout=60 * 30,
        mode="reschedule",
    )

    @task.branch(task_id="choose_path")
    def choose_path(path: str = MARKER_PATH) -> str:
        with open(path, encoding="utf-8") as handle:
            content = handle.read().strip().lower()
        return "full_refresh" if content == "full" else "incremental"

    full_refresh = EmptyOperator(task_id="full_refresh")
    incremental = EmptyOperator(task_id="incremental")
    done = EmptyOperator(task_id="done", trigger_rule="none_failed_min_one_success")

    wait_for_marker >> choose_path() >> [full_refresh, incremental]
    [full_refresh, incremental] >> done
