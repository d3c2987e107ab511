"""DagBag checks: import errors and cycles. They need Airflow itself."""
from __future__ import annotations

import importlib.util
import os
import unittest

from dag_static_checks import DAGS_DIR

AIRFLOW_AVAILABLE = importlib.util.find_spec("airflow") is not None
SKIP_REASON = (
    "Airflow is not installed: the DagBag checks run in the Airflow image "
    "(pip install -r requirements with the Airflow constraints file); "
    "the static checks in test_dag_static.py still run."
)


@unittest.skipUnless(AIRFLOW_AVAILABLE, SKIP_REASON)
class DagBagTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        from airflow.models import DagBag  # imported lazily: Airflow is optional here

        cls.dagbag = DagBag(dag_folder=DAGS_DIR, include_examples=False)

    def test_no_import_errors(self):
        self.assertEqual(dict(self.dagbag.import_errors), {})

    def test_dags_loaded(self):
        self.assertGreaterEqual(len(self.dagbag.dags), 3)

    def test_no_cycles(self):
        from airflow.utils.dag_cycle_tester import check_cycle

        for dag in self.dagbag.dags.values():
            with self.subTest(dag_id=dag.dag_id):
                check_cycle(dag)  # raises AirflowDagCycleException on a cycle

    def test_owner_and_retries(self):
        for dag in self.dagbag.dags.values():
            with self.subTest(dag_id=dag.dag_id):
                self.assertTrue(dag.default_args.get("owner"))
                self.assertIn("retries", dag.default_args)


if __name__ == "__main__":
    unittest.main()
