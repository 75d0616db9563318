# SPDX-License-Identifier: MIT
"""Tests of the Python module against the command line and the independent references.

The references are the generator's own arithmetic (bench/gen_bdc.py --truth, and the bundled
sample's datasets/kansas/truth_*.csv, made the same way); the command line's CSV is compared
cell for cell with the values the module returns. Run by tests/install/run.sh with
DIALTONE_LIBRARY (the installed library), DIALTONE_BIN (the command line) and PYTHONPATH set.
Usage: python3 python/tests/test_dialtone.py
"""

import csv
import glob
import os
import subprocess
import sys
import tempfile
import unittest

import dialtone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("DIALTONE_BIN", os.path.join(ROOT, "bin", "dialtone"))
KANSAS = os.path.join(ROOT, "datasets", "kansas")
SAMPLE = sorted(glob.glob(os.path.join(KANSAS, "bdc_20_*")))
INTEGER_COLUMNS = {"locations", "unserved", "underserved", "served", "providers"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def typed(rows):
    """CSV text as the module types it: geoid text, counts int, empty None, the rest float."""
    out = []
    for row in rows:
        d = {}
        for k, v in row.items():
            if k == "geoid":
                d[k] = v
            elif v == "":
                d[k] = None
            elif k in INTEGER_COLUMNS or k.startswith("served_providers_"):
                d[k] = int(v)
            else:
                d[k] = float(v)
        out.append(d)
    return out


def cli_stats(tmp, files, *options):
    path = os.path.join(tmp, "cli.csv")
    subprocess.run([BIN, "stats", "-q", *options, "-o", path, *files], check=True)
    return read_csv(path)


class Stats(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def check(self, rows, cli, truth):
        self.assertEqual(rows, typed(cli))
        self.assertEqual(rows, typed(read_csv(truth)))
        for row in rows:
            self.assertEqual(row["unserved"] + row["underserved"] + row["served"], row["locations"])

    def test_sample_every_level_and_fabric(self):
        fabric = os.path.join(KANSAS, "fabric.csv")
        for by in ("county", "tract"):
            for with_fabric in (False, True):
                opts = ["--by", by] + (["--fabric", fabric] if with_fabric else [])
                rows = dialtone.stats(SAMPLE, by=by, fabric=fabric if with_fabric else None)
                truth = "truth_%s%s.csv" % (by, "_fabric" if with_fabric else "")
                self.check(rows, cli_stats(self.tmp, SAMPLE, *opts), os.path.join(KANSAS, truth))

    def test_generated_state_with_leading_zero(self):
        gen = os.path.join(self.tmp, "gen")
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "gen_bdc.py"), "--out", gen,
             "--state", "08", "--seed", "7", "--files", "3", "--blocks", "900", "--zip-some",
             "--fabric", "--truth", "--plans"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        files = sorted(glob.glob(os.path.join(gen, "bdc_*")))
        fabric = os.path.join(gen, "fabric.csv")
        rows = dialtone.stats(files, by="tract", fabric=fabric, ulfw=True, threads=2)
        cli = cli_stats(self.tmp, files, "--by", "tract", "--fabric", fabric, "--ulfw")
        self.check(rows, cli, os.path.join(gen, "truth_tract_ulfw_fabric.csv"))
        self.assertTrue(all(r["geoid"].startswith("08") and len(r["geoid"]) == 11 for r in rows))
        # price, speed and income columns: empty cells (no price) come back as None
        opts = dict(plans=os.path.join(gen, "plans.csv"), income=os.path.join(gen, "income.csv"),
                    speed=True)
        rows = dialtone.stats(files, **opts)
        cli = cli_stats(self.tmp, files, "--plans", opts["plans"], "--income", opts["income"],
                        "--speed")
        self.check(rows, cli, os.path.join(gen, "truth_county_prices.csv"))

    def test_output_written_only_when_asked(self):
        cwd = os.getcwd()
        os.chdir(self.tmp)
        try:
            notes = []
            rows = dialtone.stats(SAMPLE, note=notes.append)
            self.assertEqual(os.listdir(self.tmp), [])
            self.assertTrue(any("counts cover reported locations only" in n for n in notes))
            out = os.path.join(self.tmp, "county.csv")
            self.assertEqual(dialtone.stats(SAMPLE, output=out), rows)
            with open(out, "rb") as f, open(os.path.join(KANSAS, "truth_county.csv"), "rb") as t:
                self.assertEqual(f.read(), t.read())
        finally:
            os.chdir(cwd)

    def test_errors_carry_the_message(self):
        missing = os.path.join(self.tmp, "missing.csv")
        with self.assertRaises(dialtone.DialtoneError) as e:
            dialtone.stats([missing])
        self.assertEqual(e.exception.file, missing)
        self.assertIn("cannot open", e.exception.message)
        self.assertTrue(str(e.exception).startswith(missing + ": "))
        with self.assertRaises(dialtone.DialtoneError) as e:
            dialtone.stats(SAMPLE, served="100/x")
        self.assertEqual(e.exception.status, 5)  # DT_ERR_USAGE
        self.assertEqual(os.listdir(self.tmp), [])

    def test_progress_can_cancel(self):
        with self.assertRaises(dialtone.DialtoneError) as e:
            dialtone.stats(SAMPLE, progress=lambda frac, msg: False)
        self.assertEqual(e.exception.status, 6)  # DT_ERR_CANCEL

    def test_argv(self):
        self.assertEqual(
            dialtone.argv(["a.csv"], by="tract", id_field="GEOID", ulfw=True, fabric=None,
                          blocks=["x.gpkg", "y.gpkg"], output="o.gpkg", layer_name="r"),
            ["--by", "tract", "--id-field", "GEOID", "--ulfw", "--blocks", "x.gpkg", "--blocks",
             "y.gpkg", "-o", "o.gpkg", "-nln", "r", "a.csv"])

    def test_frame_when_pandas_is_there(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed")
        df = dialtone.stats(SAMPLE, frame=True)
        self.assertEqual(list(df["geoid"]), [r["geoid"] for r in dialtone.stats(SAMPLE)])


class Commands(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def test_map_plan_report_write_what_the_command_line_writes(self):
        stats_csv = os.path.join(KANSAS, "truth_county.csv")
        png = os.path.join(self.tmp, "map.png")
        got = dialtone.map(png, regions=os.path.join(KANSAS, "counties.gpkg"), stats=stats_csv,
                           column="pct_unserved")
        self.assertEqual(got, [png])
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        data = os.path.join(ROOT, "tests", "data", "plan")
        opts = ["--budget", "100000", "--costs", os.path.join(data, "costs.csv"),
                "--land", os.path.join(data, "land.csv")]
        plan_csv, plan_png = os.path.join(self.tmp, "plan.csv"), os.path.join(self.tmp, "p.png")
        got = dialtone.plan(os.path.join(data, "stats.csv"), plan_csv, budget=100000,
                            costs=os.path.join(data, "costs.csv"),
                            land=os.path.join(data, "land.csv"))
        self.assertEqual(got, [plan_csv])
        cli_plan = os.path.join(self.tmp, "cli_plan.csv")
        subprocess.run([BIN, "plan", "-q", *opts, "-o", cli_plan, os.path.join(data, "stats.csv")],
                       check=True)
        with open(plan_csv, "rb") as a, open(cli_plan, "rb") as b:
            self.assertEqual(a.read(), b.read())
        html = os.path.join(self.tmp, "report.html")
        self.assertEqual(dialtone.report(html, stats=stats_csv), [html])
        with open(html, encoding="utf-8") as f:
            self.assertIn("<html", f.read(2000).lower())

    def test_plan_and_diff_tables_equal_the_golden_files(self):
        """The plan and the diff in memory against tests/expected, worked out by hand."""
        data = os.path.join(ROOT, "tests", "data", "plan")
        rows = dialtone.plan_table(os.path.join(data, "stats.csv"), 100000,
                                   costs=os.path.join(data, "costs.csv"),
                                   land=os.path.join(data, "land.csv"))
        with open(os.path.join(ROOT, "tests", "expected", "plan", "budget_100k_exact.csv")) as f:
            golden = list(csv.DictReader(f))
        self.assertEqual(len(rows), len(golden))
        for got, want in zip(rows, golden):
            self.assertEqual(got["geoid"], want["geoid"])
            self.assertEqual(got["rank"], int(want["rank"]))
            self.assertEqual(got["funded"], want["funded"])
            self.assertEqual(got["cost"], float(want["cost"]))
        diff_data = os.path.join(ROOT, "tests", "data", "diff")
        rows = dialtone.diff(os.path.join(diff_data, "old"), os.path.join(diff_data, "new"))
        with open(os.path.join(ROOT, "tests", "expected", "diff", "county.csv")) as f:
            golden = list(csv.DictReader(f))
        self.assertEqual([r["geoid"] for r in rows], [g["geoid"] for g in golden])
        for got, want in zip(rows, golden):
            for column, text in want.items():
                self.assertEqual(got[column], text if column == "geoid" else int(text), column)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print("python: %d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    sys.exit(1 if failed else 0)
