"""A DAG whose second task fails on purpose, to show what a failed run looks like.

``check_orders`` raises a ``ValueError`` with a readable message, so the editor's
Airflow view has a red task and its log has the error to show. There are no
retries: one run, one failed try. Trigger it by hand (no schedule).
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 0,
    "retry_delay": timedelta(minutes=1),
}


@dag(
    dag_id="failing_task_example",
    description="Fails on purpose: check_orders raises a ValueError, to show a failed task and its log.",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "failing"],
)
def failing_task_example():
    @task
    def count_orders() -> int:
        print("counted 3 orders")
        return 3

    @task
    def check_orders(count: int) -> None:
        print(f"checking {count} orders against the expected 5")
        raise ValueError(f"expected 5 orders, found {count}: the upstream export is incomplete")

    check_orders(count_orders())


failing_task_example()
