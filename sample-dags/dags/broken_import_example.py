"""BAD EXAMPLE - DO NOT COPY.

This DAG file fails to import on purpose: it uses an operator from a provider that
is not installed in the Airflow image. Airflow lists it under import errors instead
of running it, and the "Airflow on ECS" extension shows that error on this file.
The DagBag test in tests/test_dag_integrity.py expects exactly this one import
error; delete the file (and that expectation) once you have seen it.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.snowflake.operators.snowflake import SnowflakeSqlApiOperator
from airflow.sdk import dag

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 0,
    "retry_delay": timedelta(minutes=1),
}


@dag(
    dag_id="broken_import_example",
    description="BAD EXAMPLE: imports a provider the image lacks, to show an import error.",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["example", "bad-practice"],
)
def broken_import_example():
    SnowflakeSqlApiOperator(task_id="load", sql="select 1")


broken_import_example()
