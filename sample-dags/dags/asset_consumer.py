"""Runs whenever etl_taskflow updates the orders_summary asset (data-aware scheduling)."""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}


@dag(
    dag_id="orders_report",
    description="Reports on the orders summary each time etl_taskflow refreshes it.",
    schedule=[Asset(name="orders_summary", uri="file:///opt/airflow/data/orders_summary.json")],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "assets"],
)
def orders_report():
    @task
    def report(**context) -> int:
        events = context["triggering_asset_events"]
        count = sum(len(batch) for batch in events.values())
        print(f"orders_summary updated {count} time(s) since the last report")
        return count

    report()


orders_report()
