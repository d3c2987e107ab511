"""Extract-transform-load example written with the TaskFlow API (Airflow 3 task SDK).

Everything that touches the outside world happens inside tasks, never at import
time: the dag-processor parses this file continuously. The load step updates the
``orders_summary`` asset, which starts ``orders_report`` (asset_consumer.py).
"""
from __future__ import annotations

import json
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

ORDERS_SUMMARY = Asset(name="orders_summary", uri="file:///opt/airflow/data/orders_summary.json")

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
}


@dag(
    dag_id="etl_taskflow",
    description="Small TaskFlow ETL: extract orders, total them per customer, load the summary.",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "taskflow"],
)
def etl_taskflow():
    @task
    def extract() -> list[dict]:
        # A real pipeline would call an API or query a database here, inside the task.
        raw = '[{"customer": "a", "amount": 12.5}, {"customer": "b", "amount": 3}, {"customer": "a", "amount": 1.5}]'
        return json.loads(raw)

    @task
    def transform(orders: list[dict]) -> dict[str, float]:
        totals: dict[str, float] = {}
        for order in orders:
            totals[order["customer"]] = totals.get(order["customer"], 0.0) + float(order["amount"])
        return totals

    @task(outlets=[ORDERS_SUMMARY])
    def load(totals: dict[str, float]) -> None:
        for customer, amount in sorted(totals.items()):
            print(f"customer={customer} total={amount:.2f}")

    load(transform(extract()))


etl_taskflow()
