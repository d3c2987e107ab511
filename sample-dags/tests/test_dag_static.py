"""Static DAG checks that always run (standard library only)."""
from __future__ import annotations

import collections
import os
import unittest

from dag_static_checks import REQUIRED_DEFAULT_ARGS, analyse_file, analyse_source, dag_files


class DagFilesStaticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = dag_files()
        cls.reports = [analyse_file(path) for path in cls.files]

    def test_there_are_dag_files(self):
        self.assertGreaterEqual(len(self.files), 3, self.files)

    def test_every_file_parses(self):
        errors = [r.syntax_error for r in self.reports if r.syntax_error]
        self.assertEqual(errors, [])

    def test_every_file_defines_a_dag_id(self):
        missing = [os.path.basename(r.path) for r in self.reports if not r.dag_ids]
        self.assertEqual(missing, [], "files without a literal dag_id")

    def test_dag_ids_are_unique(self):
        counts = collections.Counter(dag_id for r in self.reports for dag_id in r.dag_ids)
        duplicates = sorted(d for d, n in counts.items() if n > 1)
        self.assertEqual(duplicates, [])

    def test_default_args_have_owner_and_retries(self):
        problems = []
        for report in self.reports:
            if not report.default_args_keys:
                problems.append(f"{os.path.basename(report.path)}: no default_args")
            for keys in report.default_args_keys:
                missing = [k for k in REQUIRED_DEFAULT_ARGS if k not in keys]
                if missing:
                    problems.append(f"{os.path.basename(report.path)}: default_args lacks {missing}")
        self.assertEqual(problems, [])

    def test_no_network_or_database_calls_at_import_time(self):
        calls = [c for r in self.reports for c in r.top_level_calls]
        self.assertEqual(calls, [])

    def test_bad_example_is_marked(self):
        path = next(p for p in self.files if p.endswith("bad_tempfile_example.py"))
        with open(path, encoding="utf-8") as handle:
            self.assertIn("BAD EXAMPLE - DO NOT COPY", handle.read())


class CheckerCatchesMistakesTest(unittest.TestCase):
    """The checks above are only worth something if they can fail."""

    def test_syntax_error_is_reported(self):
        self.assertIsNotNone(analyse_source("def broken(:\n    pass\n").syntax_error)

    def test_top_level_requests_call_is_reported(self):
        report = analyse_source("import requests\nDATA = requests.get('https://example.com').json()\n")
        self.assertEqual(len(report.top_level_calls), 1)
        self.assertIn("requests.get", report.top_level_calls[0])

    def test_aliased_boto3_client_and_variable_get_are_reported(self):
        source = (
            "import boto3 as b\n"
            "from airflow.models import Variable\n"
            "s3 = b.client('s3')\n"
            "with DAG(dag_id='x', default_args={'owner': 'o', 'retries': 1}) as dag:\n"
            "    bucket = Variable.get('bucket')\n"
        )
        calls = analyse_source(source).top_level_calls
        self.assertEqual(len(calls), 2, calls)

    def test_calls_inside_tasks_are_allowed(self):
        source = (
            "import requests\n"
            "def fetch(url='x'):\n"
            "    return requests.get(url)\n"
        )
        self.assertEqual(analyse_source(source).top_level_calls, [])

    def test_default_args_through_a_name_and_missing_retries(self):
        source = "ARGS = {'owner': 'me'}\nDAG(dag_id='a', default_args=ARGS)\n"
        report = analyse_source(source)
        self.assertEqual(report.dag_ids, ["a"])
        self.assertEqual(report.default_args_keys, [{"owner"}])


if __name__ == "__main__":
    unittest.main()
