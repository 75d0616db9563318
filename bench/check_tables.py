#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent check of `dialtone stats --by-technology` and `--providers-out`.

Reads BDC availability CSVs with Python's csv module and computes, from the definitions in
man/dialtone-stats.1 (not from dialtone's code), the by-technology table and the provider table
by county, then compares them with the files dialtone wrote, line for line.

Usage: check_tables.py [--fabric FABRIC_CSV] [--locations LAYER_CSV] TECH_CSV PROVIDERS_CSV BDC_CSV...
  (exit 1 on the first difference). --locations: the location layer of --locations-out
  FILE.gpkg turned into CSV (ogr2ogr -f CSV), checked location by location: region (county),
  class, served_providers and served_technologies (reported locations only; fabric-only ones
  must be unserved with none). --fabric: the run's fabric, whose locations with bsl_flag true
  and no row join the universe (biz_res all only).
"""
import csv
import sys
from collections import Counter, defaultdict
from decimal import Decimal

TIERS = [("0.2", "0.2"), ("10", "1"), ("25", "3"), ("100", "20"), ("250", "25"), ("1000", "100")]
TIERS = [(Decimal(d), Decimal(u)) for d, u in TIERS]
GROUPS = {10: "Copper", 40: "Cable", 50: "Fiber", 71: "Licensed Fixed Wireless",
          72: "Licensed Fixed Wireless", 70: "Unlicensed Fixed Wireless",
          60: "Geostationary Satellite", 61: "Non-geostationary Satellite"}
WIRED = ["Copper", "Cable", "Fiber"]
ROWS = [("Copper", ["Copper"]), ("Cable", ["Cable"]), ("Fiber", ["Fiber"]),
        ("Licensed Fixed Wireless", ["Licensed Fixed Wireless"]),
        ("Unlicensed Fixed Wireless", ["Unlicensed Fixed Wireless"]),
        ("Geostationary Satellite", ["Geostationary Satellite"]),
        ("Non-geostationary Satellite", ["Non-geostationary Satellite"]),
        ("Other", ["Other"]),
        ("All Cable or Fiber", ["Cable", "Fiber"]),
        ("All Fixed Wireless", ["Licensed Fixed Wireless", "Unlicensed Fixed Wireless"]),
        ("All Satellite", ["Geostationary Satellite", "Non-geostationary Satellite"]),
        ("All Terrestrial", WIRED + ["Licensed Fixed Wireless", "Unlicensed Fixed Wireless"]),
        ("All Wired", WIRED),
        ("All Wired and Licensed Fixed Wireless", WIRED + ["Licensed Fixed Wireless"]),
        ("All Technologies", None)]
RELIABLE = {10, 40, 50, 71, 72}


def share(num, den):
    q = (20000 * num + den) // (2 * den)  # round half up, 4 decimals, in integers
    return "%d.%04d" % (q // 10000, q % 10000)


def id_key(text):
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def main():
    args = sys.argv[1:]
    layer_path = fabric_path = None
    while args[:1] in (["--locations"], ["--fabric"]):
        if args[0] == "--locations":
            layer_path = args[1]
        else:
            fabric_path = args[1]
        args = args[2:]
    tech_path, prov_path, inputs = args[0], args[1], args[2:]
    served_techs = defaultdict(set)  # location -> technologies of reliable rows at 100/20
    under = set()                    # locations with a reliable row at 25/3
    met = defaultdict(set)     # location -> {(group, tier)}
    use = defaultdict(int)     # location -> 1 residential row, 2 business row
    county = {}
    pairs = defaultdict(lambda: [set(), False, False, False])  # (loc, pid) -> techs, served, R, B
    brands = defaultdict(Counter)
    for path in inputs:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                loc, pid, tech = r["location_id"], r["provider_id"], int(r["technology"])
                down = Decimal(r["max_advertised_download_speed"])
                up = Decimal(r["max_advertised_upload_speed"])
                code = r["business_residential_code"]
                county[loc] = r["block_geoid"][:5]
                group = GROUPS.get(tech, "Other")
                for t, (d, u) in enumerate(TIERS):
                    if down >= d and up >= u:
                        met[loc].add((group, t))
                bits = (1 if code in "RX" else 0) | (2 if code in "BX" else 0)
                use[loc] |= bits
                p = pairs[(loc, pid)]
                p[0].add(tech if tech in GROUPS or tech == 0 else 0)
                reliable = tech in RELIABLE and r["low_latency"].lower() in ("1", "true", "t", "yes", "y")
                p[1] = p[1] or (reliable and down >= 100 and up >= 20)
                if reliable and down >= 100 and up >= 20:
                    served_techs[loc].add(tech)
                if reliable and down >= 25 and up >= 3:
                    under.add(loc)
                p[2] = p[2] or bits & 1 == 1
                p[3] = p[3] or bits & 2 == 2
                brands[pid][r["brand_name"]] += 1
    reported = set(county)
    if fabric_path:
        with open(fabric_path, newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                if r["bsl_flag"].lower() in ("1", "true", "t", "yes", "y"):
                    county.setdefault(r["location_id"], r["block_geoid"][:5])
    by_region = defaultdict(list)
    for loc, c in county.items():
        by_region[c].append(loc)
    lines = ["geoid,biz_res,technology,total_locations,speed_02_02,speed_10_1,speed_25_3,"
             "speed_100_20,speed_250_25,speed_1000_100"]
    for c in sorted(by_region):
        locs = by_region[c]
        for biz, keep in (("R", lambda u: u & 1), ("B", lambda u: u & 2), ("X", lambda u: u == 3),
                          ("all", lambda u: True)):
            chosen = [l for l in locs if keep(use[l])]
            if not chosen:
                continue
            masks = []
            for l in chosen:
                per = {}
                for g, t in met[l]:
                    per[g] = per.get(g, 0) | 1 << t
                masks.append(per)
            for name, groups in ROWS:
                counts = [0] * 6
                for per in masks:
                    m = 0
                    for g in (groups or per):
                        m |= per.get(g, 0)
                    for t in range(6):
                        counts[t] += m >> t & 1
                lines.append("%s,%s,%s,%d,%s" % (c, biz, name, len(chosen),
                                                 ",".join(share(k, len(chosen)) for k in counts)))
    compare(tech_path, lines)
    totals = {c: (len(ls), sum(1 for l in ls if use[l] & 1), sum(1 for l in ls if use[l] & 2))
              for c, ls in by_region.items()}
    agg = defaultdict(lambda: [set(), 0, 0, 0, 0])
    for (loc, pid), (techs, served, res, bus) in pairs.items():
        a = agg[(county[loc], pid)]
        a[0] |= techs
        a[1] += 1
        a[2] += served
        a[3] += res
        a[4] += bus
    lines = ["geoid,provider_id,brand_name,technologies,locations,served_locations,share,"
             "res_share,bus_share"]
    for (c, pid) in sorted(agg, key=lambda k: (k[0], id_key(k[1]))):
        techs, n, served, res, bus = agg[(c, pid)]
        brand = min(brands[pid].items(), key=lambda kv: (-kv[1], kv[0].encode()))[0]
        if any(ch in brand for ch in ',"\n'):
            brand = '"%s"' % brand.replace('"', '""')
        tot = totals[c]
        lines.append("%s,%s,%s,%s,%d,%d,%s,%s,%s" % (
            c, pid, brand, ";".join(str(t) for t in sorted(techs)), n, served, share(n, tot[0]),
            share(res, tot[1]) if tot[1] else "", share(bus, tot[2]) if tot[2] else ""))
    compare(prov_path, lines)
    if layer_path:
        check_layer(layer_path, county, reported, pairs, served_techs, under)
    print("check_tables: the tables agree (%d locations, %d regions)" % (len(county), len(by_region)))


def check_layer(path, county, reported, pairs, served_techs, under):
    served_by = defaultdict(list)
    for (loc, pid), (_, served, _, _) in pairs.items():
        if served:
            served_by[loc].append(pid)
    seen = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            loc = row["location_id"]
            if loc not in reported:  # from the fabric only
                want = ("unserved", "", "")
                if row["region"] != county.get(loc):
                    sys.exit("check_tables: %s: fabric location %s in region %s" % (path, loc, row["region"]))
            else:
                seen += 1
                cls = "served" if served_techs[loc] else "underserved" if loc in under else "unserved"
                want = (cls, ";".join(sorted(served_by[loc], key=id_key)),
                        ";".join(str(t) for t in sorted(served_techs[loc])))
                if row["region"] != county[loc]:
                    sys.exit("check_tables: %s: location %s in region %s, expected %s"
                             % (path, loc, row["region"], county[loc]))
            have = (row["class"], row["served_providers"], row["served_technologies"])
            if have != want:
                sys.exit("check_tables: %s: location %s has %s, expected %s" % (path, loc, have, want))
    if seen != len(reported):
        sys.exit("check_tables: %s holds %d reported locations, expected %d" % (path, seen, len(reported)))


def compare(path, want):
    with open(path, newline="") as f:
        have = f.read().splitlines()
    for i, (a, b) in enumerate(zip(want, have)):
        if a != b:
            sys.exit("check_tables: %s line %d:\n  want %s\n  have %s" % (path, i + 1, a, b))
    if len(want) != len(have):
        sys.exit("check_tables: %s has %d lines, expected %d" % (path, len(have), len(want)))


if __name__ == "__main__":
    main()
