#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate small adversarial BDC cases for the invariance harness, with their truth.

Everything written is SYNTHETIC. Each case is a directory caseNNNNN/ holding:

  case.txt                 the manifest the driver (tests/invariance/driver.c) reads:
                             kind stats|diff
                             seed N                  the driver's own seed (orders, chunk sizes)
                             expect ok|fail WHY      runs without --fabric
                             expect_fabric ok|fail WHY   runs with --fabric (when there is one)
                             files F...              the BDC files, in the generator's order
                             fabric FILE             the location fabric (optional)
                             plans FILE              a plans file for --plans --speed (optional)
                             partial SS FABRIC|- F...   state SS's rows only, for --partial-out
                             old F... / new F...     (kind diff) the two releases
  fK.csv                   BDC files: states in separate and in mixed files, header-only files
                           (often first), columns in another order, extra columns, LF / CRLF /
                           lone CR / mixed line ends, a BOM, quoted fields ("Viasat, Inc.", ""
                           quotes, a quoted newline), boundary speeds (100/20, 25/3, 99.999999,
                           0.768, 100.000001, .5, 5.), duplicate rows, ids 7 and 007, ids that
                           are not numbers or longer than 18 digits, low_latency spellings in any
                           case, a location whose rows span files.
  fK.zip, fK.csv.gz        the same bytes zipped (one member fK.csv) and gzipped.
  fabric.csv (.zip .csv.gz)  other states first, states with no BDC file, repeated locations,
                           bsl_flag False rows, fabric-only locations (also 007 beside 7).
  pSS_fK.csv, fabSS.csv    the rows of state SS only (per-state partial runs; pSS_empty.csv when
                           state SS has fabric rows but no BDC row).
  expect_county[_fabric].csv, expect_locations[_fabric].csv
                           what `dialtone stats --by county [--fabric fabric.csv]` and its
                           --locations-out must print, for a case that must succeed.

A small share of cases is damaged (the manifest says `expect fail` and why): a location in two
blocks or two states, a bad speed, a bad low_latency, a NUL byte, a column named twice, a missing
column, an empty id, a fabric block that disagrees with the availability rows, a fabric location
in two blocks. Fabric damage fails only the runs given the fabric.

The truth is computed here, from SPEC.md's definitions, never by running dialtone: speeds are
parsed from their text into integer micro-Mbps, a location is served when ONE reliable row
(technology 10 40 50 71 72 with low_latency 1) meets 100/20, shares and pct_unserved are rounded
half up in integers, medians are exact. Randomness is splitmix64 (no `random` module), so the same
--seed and --cases give the same bytes on any Python 3.

Usage: gen_cases.py --out DIR [--cases N] [--seed S] [--first K] [--avoid FEATURE,...]
--avoid leaves out one kind of trap, to see what else fails while a known bug is open:
  cr (lone CR line ends), latency (low_latency other than 0/1), zeros (ids 007 beside 7),
  bigids (numeric ids over 18 digits), quotednl (a newline inside quotes), mixed (files holding
  several states), fabricstates (fabric states with no BDC row), damage (damaged cases).
"""

import argparse
import gzip
import os
import shutil
import sys
import zipfile

M64 = (1 << 64) - 1
BDC_COLUMNS = ["frn", "provider_id", "brand_name", "location_id", "technology",
               "max_advertised_download_speed", "max_advertised_upload_speed", "low_latency",
               "business_residential_code", "state_usps", "block_geoid", "h3_res8_id"]
FABRIC_COLUMNS = ["location_id", "block_geoid", "latitude", "longitude", "bsl_flag"]
STATS_HEADER = ("geoid,locations,unserved,underserved,served,pct_unserved,providers,"
                "median_max_down,share_02_02,share_10_1,share_25_3,share_100_20,share_250_25,"
                "share_1000_100\n")
LOCATIONS_HEADER = "location_id,block_geoid,class,best_down,best_up,providers\n"
STATES = {"08": "CO", "20": "KS", "31": "NE", "01": "AL", "06": "CA", "02": "AK"}
TIERS = [(200000, 200000), (10000000, 1000000), (25000000, 3000000),
         (100000000, 20000000), (250000000, 25000000), (1000000000, 100000000)]
BIT_25_3, BIT_100_20 = 1 << 2, 1 << 3
RELIABLE = {10, 40, 50, 71, 72}
TECHNOLOGIES = [10, 40, 50, 71, 72, 10, 40, 50, 71, 72, 0, 60, 61, 70]
DOWNS = ["0", "0.2", "0.768", "1.5", "9.999999", "10", "24.999999", "25", "25.", "025",
         "99.999999", "100", "100.000001", "100.0", "0100", "250", "999.999999", "1000",
         "1000.000000", ".5", "5.", "300"]
UPS = ["0", "0.2", "0.768", "1", "2.999999", "3", "3.0", "19.999999", "20", "20.000001", "020",
       "25", "99.999999", "100", ".5", "5."]
LATENCY_TRUE = ["1", "1", "1", "true", "True", "TRUE", "tRuE", "t", "T", "yes", "Yes", "YES",
                "y", "Y"]
LATENCY_FALSE = ["0", "0", "false", "False", "FALSE", "fAlSe", "f", "F", "no", "No", "NO", "n",
                 "N"]
BRANDS = ["Viasat, Inc.", 'Rural "Beta" Broadband', "Plains Co-op", "Spectrum",
          'Small Town "TV", LLC', "Nucla-Naturita Telephone Co.", "Ting Fiber",
          "Telef\u00f3nica Rural", "Rise Broadband", "Line\nBreak Wireless"]
BAD_SPEEDS = ["1e2", "100.0000001", "-5", " 25", "25 ", "+25", "", "0x10", "inf", "25,0",
              "1.2.3", "nan", ".", "2E1", "25.0000001", "+100"]
BAD_LATENCY = ["2", "maybe", "", "10", "truee", "-1"]
EXTRA_COLUMNS = ["notes", "h3_res9_id", "source", "vintage"]
AVOID = set()


def splitmix64(seed):
    state = seed & M64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


class Rng:
    def __init__(self, seed):
        self.stream = splitmix64(seed)

    def below(self, n):
        return next(self.stream) % n

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def chance(self, num, den):
        return self.below(den) < num

    def pick(self, items):
        return items[self.below(len(items))]

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def sample(self, items, k):
        return self.shuffle(list(items))[:k]


def parse_micro(text):
    """SPEC speed text (digits[.digits], at most 6 decimals) -> integer micro-Mbps."""
    whole, _, frac = text.partition(".")
    assert (whole + frac).isdigit() and len(frac) <= 6, text
    return int(whole or "0") * 1000000 + int((frac + "000000")[:6])


def fmt_fixed(value, decimals):
    scale = 10 ** decimals
    text = "%d.%0*d" % (value // scale, decimals, value % scale)
    return text.rstrip("0").rstrip(".")


def fmt_rounded(count, total, decimals):
    """round-half-up(count / total) with 4 decimals, or 100 * count / total with 2 (SPEC)."""
    q = (20000 * count + total) // (2 * total)
    scale = 10 ** decimals
    return "%d.%0*d" % (q // scale, decimals, q % scale)


def tier_mask(down, up):
    return sum(1 << bit for bit, (d, u) in enumerate(TIERS) if down >= d and up >= u)


def csv_field(text, force=False):
    if force or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def id_sort_key(lid):
    return (0, int(lid), lid) if lid.isdigit() else (1, lid)


class Case:
    """One generated case: locations, rows and the files they are written to."""

    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.files = {}       # name -> bytes
        self.manifest = []
        self.expect = ("ok", "")
        self.expect_fabric = ("ok", "")


def make_blocks(rng, states):
    blocks = []
    for state in states:
        counties = rng.sample(["001", "003", "005", "015", "101", "199"], rng.between(1, 3))
        for county in counties:
            for _ in range(rng.between(1, 3)):
                blocks.append(state + county + "%06d" % rng.between(100, 999999) +
                              "%04d" % rng.between(1000, 4999))
    return sorted(set(blocks))


def make_location_ids(rng, n):
    ids = []
    while len(ids) < n:
        style = rng.below(12)
        if style < 5:
            lid = "%d" % rng.between(1000000000, 1999999999)
        elif style < 7:
            lid = "%d" % rng.between(0, 99)
        elif style == 7 and ids and "zeros" not in AVOID:  # 007 beside 7: two locations
            base = rng.pick(ids)
            lid = "0" + base if base.isdigit() else "0%d" % rng.between(1, 9)
        elif style == 8:
            lid = rng.pick(["L-%d" % rng.between(1, 99), "abc", "X9", "loc_%d" % rng.below(9),
                            "A b", "Z-0"])
        elif style == 9 and "bigids" not in AVOID:
            lid = "%d%09d%09d" % (rng.between(1, 9), rng.below(10 ** 9), rng.below(10 ** 9))
        elif style == 10 and "zeros" not in AVOID:
            lid = "00"
        else:
            lid = "%d" % rng.between(2000000000, 9999999999)
        if lid not in ids:
            ids.append(lid)
    return ids


def make_providers(rng):
    providers = []
    for _ in range(rng.between(2, 6)):
        style = rng.below(8)
        if style < 5:
            pid = "%d" % rng.between(130000, 199999)
        elif style == 5:
            pid = "0%d" % rng.between(130000, 199999)
        elif style == 6:
            pid = rng.pick(["7", "007", "ACME", "p-1"])
        else:
            pid = "%d" % rng.between(1, 9)
        if pid not in [p[0] for p in providers]:
            providers.append((pid, rng.pick(BRANDS), "%010d" % rng.between(1, 10 ** 9)))
    return providers


def make_rows(rng, locations, providers):
    """Availability rows: dicts of column -> text, plus the parsed values for the truth."""
    rows = []
    for lid, block in locations:
        for _ in range(rng.between(1, 4)):
            pid, brand, frn = rng.pick(providers)
            tech = rng.pick(TECHNOLOGIES)
            down, up = rng.pick(DOWNS), rng.pick(UPS)
            if rng.chance(1, 4):  # exactly at the thresholds
                down, up = rng.pick([("100", "20"), ("25", "3"), ("100", "19.999999"),
                                     ("99.999999", "20"), ("25", "2.999999"), ("1000", "100")])
            latency = rng.pick(LATENCY_TRUE) if rng.chance(4, 5) else rng.pick(LATENCY_FALSE)
            if "latency" in AVOID:
                latency = "1" if latency.lower() in ("1", "true", "t", "yes", "y") else "0"
            rows.append({
                "frn": frn, "provider_id": pid, "brand_name": brand, "location_id": lid,
                "technology": "%d" % tech, "max_advertised_download_speed": down,
                "max_advertised_upload_speed": up, "low_latency": latency,
                "business_residential_code": rng.pick(["R", "B", "X"]),
                "state_usps": STATES[block[:2]], "block_geoid": block,
                "h3_res8_id": "88%013x" % rng.below(1 << 52)})
    return rows


def truth(rows, fabric_rows, with_fabric, coordinates=None):
    """(county table text, locations table text) from SPEC's definitions. coordinates: with the
    fabric, location id -> (latitude, longitude) text of its first fabric record; the location
    table then ends in latitude,longitude as the shortest decimals that read back the same."""
    locs = {}  # id -> [block, mask, best_down, best_up, providers]
    for r in rows:
        loc = locs.setdefault(r["location_id"], [r["block_geoid"], 0, 0, 0, set()])
        loc[4].add(r["provider_id"])
        latency = r["low_latency"].lower() in ("1", "true", "t", "yes", "y")
        if int(r["technology"]) in RELIABLE and latency:
            down = parse_micro(r["max_advertised_download_speed"])
            up = parse_micro(r["max_advertised_upload_speed"])
            loc[1] |= tier_mask(down, up)
            loc[2] = max(loc[2], down)
            loc[3] = max(loc[3], up)
    if with_fabric:
        for lid, block, flag in fabric_rows:
            if flag and lid not in locs:
                locs[lid] = [block, 0, 0, 0, set()]
    counties = {}
    for lid, (block, mask, down, up, providers) in locs.items():
        c = counties.setdefault(block[:5], [[], set()])
        c[0].append((mask, down))
        c[1] |= providers
    lines = [STATS_HEADER]
    for geoid in sorted(counties):
        entries, providers = counties[geoid]
        n = len(entries)
        served = sum(1 for m, _ in entries if m & BIT_100_20)
        under = sum(1 for m, _ in entries if not m & BIT_100_20 and m & BIT_25_3)
        downs = sorted(d for _, d in entries)
        median = fmt_fixed((downs[(n - 1) // 2] + downs[n // 2]) * 5, 7)
        shares = [fmt_rounded(sum(1 for m, _ in entries if m >> b & 1), n, 4) for b in range(6)]
        lines.append("%s,%d,%d,%d,%d,%s,%d,%s,%s\n" % (
            geoid, n, n - served - under, under, served, fmt_rounded(n - served - under, n, 2),
            len(providers), median, ",".join(shares)))
    loc_lines = [LOCATIONS_HEADER]
    for lid in sorted(locs, key=id_sort_key):
        block, mask, down, up, providers = locs[lid]
        cls = "served" if mask & BIT_100_20 else "underserved" if mask & BIT_25_3 else "unserved"
        where = ""
        if with_fabric:
            lat, lon = coordinates.get(lid, ("", ""))
            where = ",%s,%s" % (("%.15g" % float(lat), "%.15g" % float(lon)) if lat else ("", ""))
        loc_lines.append("%s,%s,%s,%s,%s,%d%s\n" % (csv_field(lid), block, cls, fmt_fixed(down, 6),
                                                   fmt_fixed(up, 6), len(providers), where))
    if with_fabric:
        loc_lines[0] = LOCATIONS_HEADER.rstrip("\n") + ",latitude,longitude\n"
    return "".join(lines), "".join(loc_lines)


class Layout:
    """How one file is written: column order, extra columns, line ends, BOM, quoting."""

    def __init__(self, rng, columns, tame=False):
        self.columns = list(columns)
        if not tame and rng.chance(1, 3):
            rng.shuffle(self.columns)
        self.extra = [] if tame else rng.sample(EXTRA_COLUMNS, rng.below(3))
        for name in self.extra:
            self.columns.insert(rng.below(len(self.columns) + 1), name)
        self.eol = "\n" if tame else rng.pick(["\n", "\r\n", "\r", "mixed", "\n", "\r\n"])
        if "cr" in AVOID and self.eol == "\r":
            self.eol = "\r\n"
        self.bom = not tame and rng.chance(1, 4)
        self.final_eol = tame or not rng.chance(1, 5)
        self.quote_all = not tame and rng.chance(1, 6)
        self.allow_newline = self.eol in ("\n", "\r\n") and "quotednl" not in AVOID


def render(rng, layout, records, header=None):
    """The bytes of a CSV file; records are dicts (missing columns are written empty)."""
    out = []
    names = header if header is not None else layout.columns
    out.append(",".join(names))
    for rec in records:
        fields = []
        for name in layout.columns:
            value = rec.get(name)
            if value is None:
                value = rng.pick(["x", "a, b", 'say "hi"', "", "7"])
            if "\n" in value and not layout.allow_newline:
                value = value.replace("\n", " ")
            fields.append(csv_field(value, layout.quote_all or (value and rng.chance(1, 20))))
        out.append(",".join(fields))
    text = ""
    for i, line in enumerate(out):
        eol = layout.eol
        if eol == "mixed":
            eol = rng.pick(["\n", "\r\n"] if "cr" in AVOID else ["\n", "\r\n", "\r"])
        last = i == len(out) - 1
        text += line + (eol if not last or layout.final_eol else "")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" if layout.bom else b"") + data


def zip_bytes(name, data):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo(name, date_time=(2024, 6, 30, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        z.writestr(info, data)
    return buf.getvalue()


def gzip_bytes(data):
    return gzip.compress(data, mtime=0)


DAMAGES = ["two_blocks", "two_states", "bad_speed", "bad_latency", "nul", "dup_column",
           "missing_column", "empty_id", "fabric_block", "fabric_twice"]


def generate_stats_case(case):
    rng = case.rng
    states = rng.sample(list(STATES), rng.between(1, 3))
    blocks = make_blocks(rng, states)
    n = rng.between(2, 14)
    ids = make_location_ids(rng, n)
    locations = [(lid, rng.pick(blocks)) for lid in ids]
    providers = make_providers(rng)
    rows = make_rows(rng, locations, providers)
    for _ in range(rng.below(4)):  # duplicate rows
        rows.append(dict(rng.pick(rows)))
    rng.shuffle(rows)
    damage = rng.pick(DAMAGES + ["bad_speed"]) if rng.chance(1, 5) else None
    if "damage" in AVOID:
        damage = None
    if rng.chance(1, 30):  # no location at all: header-only files (and maybe a fabric)
        rows = []
        if damage not in ("dup_column", "missing_column", "fabric_block", "fabric_twice"):
            damage = None
    header_override = {}
    has_fabric = rng.chance(1, 2) or damage in ("fabric_block", "fabric_twice")

    if damage == "two_blocks":
        lid, block = rng.pick(locations)
        others = [b for b in blocks if b != block and b[:2] == block[:2]]
        other = rng.pick(others) if others else block[:5] + "%06d1234" % rng.below(10 ** 6)
        if other == block:
            other = block[:-1] + ("1" if block[-1] != "1" else "2")
        row = dict(rng.pick([r for r in rows if r["location_id"] == lid]))
        row["block_geoid"] = other
        rows.insert(rng.below(len(rows) + 1), row)
        case.expect = ("fail", "location %s in blocks %s and %s" % (lid, block, other))
    elif damage == "two_states":
        lid, block = rng.pick(locations)
        state = rng.pick([s for s in STATES if s != block[:2]])
        other = state + block[2:]
        row = dict(rng.pick([r for r in rows if r["location_id"] == lid]))
        row["block_geoid"], row["state_usps"] = other, STATES[state]
        rows.append(row)
        case.expect = ("fail", "location %s in states %s and %s" % (lid, block[:2], state))
    elif damage == "bad_speed":
        row = rng.pick(rows)
        col = rng.pick(["max_advertised_download_speed", "max_advertised_upload_speed"])
        row[col] = rng.pick(BAD_SPEEDS)
        case.expect = ("fail", "%s '%s' of location %s" % (col, row[col], row["location_id"]))
    elif damage == "bad_latency":
        row = rng.pick(rows)
        row["low_latency"] = rng.pick(BAD_LATENCY)
        case.expect = ("fail", "low_latency '%s'" % row["low_latency"])
    elif damage == "nul":
        row = rng.pick(rows)
        col = rng.pick(["brand_name", "max_advertised_download_speed", "h3_res8_id", "frn"])
        text = row[col]
        at = rng.below(len(text) + 1)
        row[col] = text[:at] + "\x00" + text[at:]
        case.expect = ("fail", "NUL byte in %s of location %s" % (col, row["location_id"]))
    elif damage == "dup_column":
        header_override["dup"] = rng.pick(["technology", "location_id", "block_geoid", "frn",
                                           "max_advertised_download_speed"])
        case.expect = ("fail", "column %s named twice" % header_override["dup"])
    elif damage == "missing_column":
        header_override["drop"] = rng.pick(["location_id", "block_geoid", "low_latency",
                                            "max_advertised_upload_speed", "provider_id"])
        case.expect = ("fail", "no column %s" % header_override["drop"])
    elif damage == "empty_id":
        row = rng.pick(rows)
        col = rng.pick(["location_id", "provider_id"])
        row[col] = ""
        case.expect = ("fail", "empty %s" % col)

    # fabric: every reported location (mostly), fabric-only ones, non-BSL, repeats, other states
    fabric_rows = []  # (location_id, block, flag)
    if has_fabric:
        fabric_states = list(states)
        if rng.chance(1, 3) and "fabricstates" not in AVOID:
            fabric_states.append(rng.pick([s for s in STATES if s not in states] or states))
        fab_blocks = make_blocks(rng, fabric_states) + blocks
        for lid, block in locations:
            if rng.chance(4, 5):
                fabric_rows.append((lid, block, rng.chance(7, 8)))
        extra_ids = make_location_ids(rng, len(ids) + rng.between(1, 6))[len(ids):]
        extra_ids = [x for x in extra_ids if x not in ids]
        for digits in [x for x in ids if x.isdigit() and len(x) < 4 and "zeros" not in AVOID][:1]:
            if "0" + digits not in ids and "0" + digits not in extra_ids:
                extra_ids.append("0" + digits)  # 007 in the fabric, 7 in the rows
        for lid in extra_ids:
            fabric_rows.append((lid, rng.pick(fab_blocks), rng.chance(3, 4)))
        for _ in range(rng.below(3)):
            fabric_rows.append(rng.pick(fabric_rows))  # the same row twice
        reported = [(lid, block) for lid, block in locations
                    if any(r["location_id"] == lid for r in rows)]
        if damage == "fabric_block" and reported:  # a location with availability rows
            lid, block = rng.pick(reported)
            other = rng.pick([b for b in fab_blocks if b != block] or [block[:-1] + "9"])
            fabric_rows.append((lid, other, True))
            case.expect_fabric = ("fail", "fabric puts %s in %s, the rows in %s" %
                                  (lid, other, block))
        elif damage == "fabric_twice":
            lid = rng.pick(extra_ids) if extra_ids else rng.pick(ids)
            known = dict((x, b) for x, b, _ in fabric_rows)
            block = known.get(lid) or dict(locations).get(lid) or rng.pick(fab_blocks)
            if lid not in known:
                fabric_rows.append((lid, block, True))
            other = rng.pick([b for b in fab_blocks if b != block] or [block[:-1] + "9"])
            fabric_rows.append((lid, other, True))
            case.expect_fabric = ("fail", "fabric lists %s in %s and %s" % (lid, block, other))
        else:
            case.expect_fabric = case.expect
        # other states first
        first = rng.pick(fabric_states)
        rng.shuffle(fabric_rows)
        fabric_rows.sort(key=lambda r: r[1][:2] != first)

    # files: separate per state, some mixed, spread locations over files; header-only ones
    nfiles = rng.between(1, 4)
    mixed = len(states) > 1 and rng.chance(1, 2) and "mixed" not in AVOID
    file_rows = [[] for _ in range(nfiles)]
    if mixed or len(states) == 1:
        for r in rows:
            file_rows[rng.below(nfiles)].append(r)
    else:
        by_state = {s: [r for r in rows if r["block_geoid"][:2] == s] for s in states}
        file_rows = []
        for s in states:
            k = rng.between(1, 2)
            parts = [[] for _ in range(k)]
            for r in by_state[s]:
                parts[rng.below(k)].append(r)
            file_rows.extend(parts)
        stray = [r for r in rows if r["block_geoid"][:2] not in by_state]
        for r in stray:  # a damaged row of another state: beside the others of its location
            file_rows.append([r])
    header_only = rng.below(3) if rng.chance(1, 3) else 0
    names = []
    layouts = []
    contents = []
    for part in [[] for _ in range(header_only)] + file_rows:
        layout = Layout(rng, BDC_COLUMNS)
        columns = list(layout.columns)
        if "dup" in header_override:
            columns = columns + [header_override["dup"]]
            layout.columns = layout.columns + ["dup_value"]
        if "drop" in header_override:
            columns.remove(header_override["drop"])
            layout.columns = columns
        layouts.append((layout, columns))
        contents.append(part)
        names.append("f%d.csv" % len(names))
    case.layout_of = {}
    for name, (layout, columns), part in zip(names, layouts, contents):
        for r in part:
            if "dup_value" in layout.columns:
                r["dup_value"] = r[header_override["dup"]]
        case.files[name] = render(rng, layout, part, columns)
        case.layout_of[name] = (layout, columns)
        case.files[name[:-4] + ".zip"] = zip_bytes(name, case.files[name])
        case.files[name + ".gz"] = gzip_bytes(case.files[name])
    case.manifest.append("files " + " ".join(names))

    fabric_layout = Layout(rng, FABRIC_COLUMNS, tame=rng.chance(1, 2))
    if has_fabric:
        recs = [{"location_id": lid, "block_geoid": block, "latitude": "38.%06d" % rng.below(10 ** 6),
                 "longitude": "-98.%06d" % rng.below(10 ** 6),
                 "bsl_flag": rng.pick(["True", "true", "TRUE", "1"] if flag
                                      else ["False", "false", "FALSE", "0"])}
                for lid, block, flag in fabric_rows]
        case.files["fabric.csv"] = render(rng, fabric_layout, recs)
        case.files["fabric.zip"] = zip_bytes("fabric.csv", case.files["fabric.csv"])
        case.files["fabric.csv.gz"] = gzip_bytes(case.files["fabric.csv"])
        case.manifest.append("fabric fabric.csv")
        case.fabric_recs = recs

    # per-state copies for --partial-out: the rows of one state only, same layout
    part_states = sorted(set([r["block_geoid"][:2] for r in rows] + [b[:2] for _, b, _ in fabric_rows]))
    for s in part_states:
        pnames = []
        for name, part in zip(names, contents):
            layout, columns = case.layout_of[name]
            mine = [r for r in part if r["block_geoid"][:2] == s]
            if mine or not part:
                pname = "p%s_%s" % (s, name)
                case.files[pname] = render(rng, layout, mine, columns)
                pnames.append(pname)
        if not any(r["block_geoid"][:2] == s for r in rows) and not pnames:
            pname = "p%s_empty.csv" % s
            case.files[pname] = render(rng, Layout(rng, BDC_COLUMNS, tame=True), [])
            pnames.append(pname)
        fab = "-"
        if has_fabric:
            fab = "fab%s.csv" % s
            case.files[fab] = render(rng, fabric_layout,
                                     [r for r in case.fabric_recs if r["block_geoid"][:2] == s])
        case.manifest.append("partial %s %s %s" % (s, fab, " ".join(pnames)))

    if not part_states:  # no row at all: one partial of the header-only files
        case.manifest.append("partial 00 - " + " ".join(names))

    # plans for --plans --speed, from some of the offers
    if case.expect[0] == "ok" and rows and rng.chance(1, 3):
        lines = ["provider_id,technology,max_advertised_download_speed,"
                 "max_advertised_upload_speed,monthly_price,plan_name,state_usps\n"]
        for r in rng.sample(rows, rng.between(1, len(rows))):
            lines.append("%s,%s,%s,%s,%d.%02d,%s,%s\n" % (
                csv_field(r["provider_id"]), r["technology"], r["max_advertised_download_speed"],
                r["max_advertised_upload_speed"], rng.between(20, 150), rng.pick([0, 50, 99]),
                csv_field(r["brand_name"].replace("\n", " ") + " plan"),
                rng.pick(["", "", r["state_usps"], "WY"])))
        case.files["plans.csv"] = "".join(lines).encode("utf-8")
        case.manifest.append("plans plans.csv")

    if case.expect[0] == "ok":
        county, locs = truth(rows, fabric_rows, False)
        case.files["expect_county.csv"] = county.encode()
        case.files["expect_locations.csv"] = locs.encode()
    if has_fabric and case.expect_fabric[0] == "ok":
        first = {}
        for rec in case.fabric_recs:
            first.setdefault(rec["location_id"], (rec["latitude"], rec["longitude"]))
        county, locs = truth(rows, fabric_rows, True, first)
        case.files["expect_county_fabric.csv"] = county.encode()
        case.files["expect_locations_fabric.csv"] = locs.encode()
    case.manifest.insert(0, "expect %s %s" % case.expect)
    if has_fabric:
        case.manifest.insert(1, "expect_fabric %s %s" % case.expect_fabric)


def generate_diff_case(case):
    """Two releases of the same states: NEW drops, adds and changes rows of OLD."""
    rng = case.rng
    states = rng.sample(list(STATES), rng.between(1, 3))
    blocks = make_blocks(rng, states)
    ids = make_location_ids(rng, rng.between(3, 14))
    locations = [(lid, rng.pick(blocks)) for lid in ids]
    providers = make_providers(rng)
    old = make_rows(rng, locations, providers)
    states = sorted(set(block[:2] for _, block in locations))
    blocks = [b for b in blocks if b[:2] in states]
    new = [dict(r) for r in old if not rng.chance(1, 5)]
    for r in new:
        if rng.chance(1, 4):
            r["max_advertised_download_speed"] = rng.pick(DOWNS)
            r["max_advertised_upload_speed"] = rng.pick(UPS)
    fresh = make_location_ids(rng, len(ids) + rng.below(4))[len(ids):]
    new += make_rows(rng, [(lid, rng.pick(blocks)) for lid in fresh if lid not in ids], providers)
    if rng.chance(1, 4) and new:  # a location moves to another block
        moved = rng.pick(new)
        lid, state = moved["location_id"], moved["block_geoid"][:2]
        block = rng.pick([b for b in blocks if b[:2] == state])
        for r in new:
            if r["location_id"] == lid:
                r["block_geoid"] = block
    # both releases keep every state
    for s in states:
        if not any(r["block_geoid"][:2] == s for r in new):
            new.append(dict(next(r for r in old if r["block_geoid"][:2] == s)))
    for tag, rows in (("o", old), ("n", new)):
        rng.shuffle(rows)
        nfiles = rng.between(1, 3)
        parts = [[] for _ in range(nfiles)]
        for r in rows:
            k = rng.below(nfiles) if rng.chance(1, 2) else \
                sorted(states).index(r["block_geoid"][:2]) % nfiles
            parts[k].append(r)
        if rng.chance(1, 3):
            parts.insert(0, [])
        names = []
        for part in parts:
            name = "%s%d.csv" % (tag, len(names))
            case.files[name] = render(rng, Layout(rng, BDC_COLUMNS), part)
            case.files[name[:-4] + ".zip"] = zip_bytes(name, case.files[name])
            case.files[name + ".gz"] = gzip_bytes(case.files[name])
            names.append(name)
        case.manifest.append(("old " if tag == "o" else "new ") + " ".join(names))
    case.manifest.insert(0, "expect ok")


def write_case(out, case):
    path = os.path.join(out, "case%05d" % case.index)
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    for name, data in sorted(case.files.items()):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
    with open(os.path.join(path, "case.txt"), "w", newline="\n") as f:
        f.write("\n".join(case.manifest) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first", type=int, default=0, help="index of the first case")
    ap.add_argument("--avoid", default="", help="comma-separated traps to leave out")
    args = ap.parse_args()
    AVOID.update(x for x in args.avoid.split(",") if x)
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    for index in range(args.first, args.first + args.cases):
        rng = Rng(args.seed * 1000003 + index)
        case = Case(rng, index)
        kind = "diff" if rng.chance(1, 8) else "stats"
        case.manifest.append("kind " + kind)
        case.manifest.append("seed %d" % rng.below(1 << 31))
        (generate_diff_case if kind == "diff" else generate_stats_case)(case)
        write_case(args.out, case)
        key = kind if case.expect[0] == "ok" else "damaged"
        counts[key] = counts.get(key, 0) + 1
    print("gen_cases: %d cases in %s (%s)" % (
        args.cases, args.out, ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items()))),
        file=sys.stderr)


if __name__ == "__main__":
    main()
