"""A DAG whose second task fails on purpose, to show what a failed run looks like.

``check_orders`` raises a ``ValueError`` with a readable message when fewer orders
arrive than the ``expected_orders`` param asks for (5 by default, 3 arrive), so
the editor's Airflow view has a red task and its log has the error to show.
Trigger it with ``{"expected_orders": 3}`` and it succeeds. There are no retries:
one run, one try. Trigger it by hand (no schedule).
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

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
    params={"expected_orders": Param(5, type="integer", minimum=1, description="How many orders the export must have")},
)
def failing_task_example():
    @task
    def count_orders() -> int:
        print("counted 3 orders")
        return 3

    @task
    def check_orders(count: int, params=None) -> None:
        expected = params["expected_orders"]
        print(f"checking {count} orders against the expected {expected}")
        if count < expected:
            raise ValueError(f"expected {expected} orders, found {count}: the upstream export is incomplete")
        print("all orders arrived")

    check_orders(count_orders())


failing_task_example()
