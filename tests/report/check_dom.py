#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the DOM Chromium dumped from a dialtone report against the tables it was made from.

Usage: check_dom.py DOM.html CHECK ARGS...
  worst STATS.csv TOP [NAMES.txt]  the #worst table: its rows are the TOP regions with the largest
                                   share unserved (exact fractions; ties: more unserved, then id),
                                   every number as in STATS.csv; NAMES.txt: "GEOID<TAB>NAME" lines
  sorted STATS.csv KEY TOP         after #sort=KEY: every region in descending KEY order, the
                                   first TOP shown
  prices STATS.csv                 the #price-table holds the priced regions, highest price first
  change DIFF.csv                  the change tables hold the sums of the diff table's columns
  ready                            the page's script ran (data-ready) and says where the map is
Prints "ok NAME" or "FAIL NAME: why" per check; exits 1 on any failure.
"""
import csv
import sys
from fractions import Fraction
from html.parser import HTMLParser


class Tables(HTMLParser):
    """Every table by id: header keys and rows of (text, data-value) cells; <html> attributes."""

    def __init__(self):
        super().__init__()
        self.tables, self.root, self.current, self.cell, self.row = {}, {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        elif tag == "table":
            self.current = {"keys": [], "rows": []}
            self.tables[a.get("id", "")] = self.current
        elif tag == "tr" and self.current is not None:
            self.row = []
            self.row_hidden = "more" in (a.get("class") or "").split()
        elif tag in ("td", "th") and self.row is not None:
            self.cell = {"tag": tag, "text": "", "value": a.get("data-value"), "key": a.get("data-key")}

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[0]["tag"] == "th":
                self.current["keys"] = [c["key"] for c in self.row]
            elif self.row:
                self.current["rows"].append(self.row)
                self.current.setdefault("hidden", []).append(self.row_hidden)
            self.row = None
        elif tag == "table":
            self.current = None


failures = 0


def check(name, ok, why=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    failures += not ok


def shown(text):
    """A cell as shown, back to the table's text: no thousands separators, no % sign."""
    return text.replace(",", "").replace("%", "").strip()


def by_key(table, row):
    return {k: c for k, c in zip(table["keys"], row)}


def worst_order(rows):
    return sorted(rows, key=lambda r: (-Fraction(int(r["unserved"]), int(r["locations"])),
                                       -int(r["unserved"]), r["geoid"]))


def visible(table):
    """The rows shown before "Show all": those not marked as more."""
    return dict(table, rows=[r for r, h in zip(table["rows"], table.get("hidden", [])) if not h])


def compare_rows(name, table, want, names=None):
    got = table["rows"]
    check(name + ": row count", len(got) == len(want), "%d rows, expected %d" % (len(got), len(want)))
    bad = []
    for i, (row, expected) in enumerate(zip(got, want)):
        cells = by_key(table, row)
        for key, cell in cells.items():
            if key in expected:
                # numbers carry the table's text as data-value; text cells are compared as shown
                value_ok = cell["value"] is None or cell["value"] == expected[key]
                text = shown(cell["text"])
                if key.endswith("_share") and expected[key] != "":
                    # a share (0 to 1) is shown as a percentage: exactly 100 times it
                    text_ok = cell["text"].endswith("%") and Fraction(text) == 100 * Fraction(expected[key])
                else:
                    text_ok = text == expected[key]
                if not value_ok or not text_ok:
                    bad.append("row %d %s: shown %r, data-value %r, table %r"
                               % (i + 1, key, cell["text"], cell["value"], expected[key]))
            elif key == "name" and names is not None:
                if cell["text"] != names.get(expected["geoid"], ""):
                    bad.append("row %d name %r, layer %r" % (i + 1, cell["text"], names.get(expected["geoid"])))
            elif key == "rank" and cell["text"] != str(i + 1) and name.startswith("worst"):
                bad.append("row %d rank %r" % (i + 1, cell["text"]))
    check(name + ": every number as in the table", not bad, "; ".join(bad[:5]))


def main():
    dom = open(sys.argv[1], encoding="utf-8").read()
    parser = Tables()
    parser.feed(dom)
    what = sys.argv[2]
    if what == "ready":
        check("the page's script ran", parser.root.get("data-ready") == "1", "no data-ready")
        box = parser.root.get("data-map-box", "")
        check("the script reports where the map is", len(box.split(",")) == 4, repr(box))
        print("box " + box)
        return
    rows = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
    if what == "worst":
        top = int(sys.argv[4])
        names = None
        if len(sys.argv) > 5:
            names = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[5], encoding="utf-8") if "\t" in line)
        table = parser.tables.get("worst")
        check("worst: the table is there", table is not None)
        if table:
            # shown: the TOP worst; in the page (collapsed): every region, in the same order
            compare_rows("worst", visible(table), worst_order(rows)[:top], names)
            compare_rows("worst, the full table", table, worst_order(rows), names)
    elif what == "sorted":
        key, top = sys.argv[4], int(sys.argv[5])
        table = parser.tables.get("worst")
        # sorting sorts every region by KEY (descending, stable from the worst order), then
        # shows the first TOP of the new order
        want = sorted(worst_order(rows), key=lambda r: -float(r[key]))
        compare_rows("sorted by " + key, visible(table), want[:top])
        compare_rows("sorted by " + key + ", every region", table, want)
        header = [c for c in table["keys"]]
        check("sorted by " + key + ": header marked", key in header)
    elif what == "change":
        def total(column):
            return sum(int(r[column]) for r in rows)
        table = parser.tables.get("change-totals")
        got = [[shown(c["text"]) for c in row] for row in table["rows"]] if table else []
        want = []
        for label, key in (("Locations", "locations"), ("Served", "served"),
                           ("Underserved", "underserved"), ("Unserved", "unserved")):
            old, new = total(key + "_old"), total(key + "_new")
            want.append([label, str(old), str(new), ("+" if new >= old else "") + str(new - old)])
        check("change: totals of both releases", got == want, "%r, expected %r" % (got, want))
        sentence = "%s locations moved up a class and %s moved down; %s appeared and %s vanished." % (
            total("upgraded"), total("downgraded"), total("appeared"), total("vanished"))
        check("change: the sentence's counts", sentence in dom.replace(",", ""), sentence)
        table = parser.tables.get("change-technology")
        got = [[shown(c["text"]) for c in row][1:] for row in table["rows"]] if table else []
        techs = ["fiber", "cable", "copper", "licensed_fw", "lbr_fw", "unlicensed_fw"]
        want = [[str(total("upgraded_" + t)), str(total("downgraded_" + t))] for t in techs]
        check("change: upgrades and downgrades by technology", got == want,
              "%r, expected %r" % (got, want))
    elif what == "prices":
        table = parser.tables.get("price-table")
        check("prices: the table is there", table is not None)
        priced = [r for r in rows if r["median_served_price"] != ""]
        want = sorted(priced, key=lambda r: -float(r["median_served_price"]))
        if table:
            compare_rows("prices", table, want)


main()
sys.exit(1 if failures else 0)
