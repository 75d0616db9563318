#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate synthetic FCC BDC fixed availability CSVs and the exact truth for them.

Everything this script writes is SYNTHETIC: invented providers, blocks, locations and
speeds shaped like the FCC Broadband Data Collection (BDC) fixed availability files
(see shared/SPEC.md). It is the input of dialtone's benchmarks and end-to-end checks.

What it generates (in --out DIR):
  bdc_SS_<Group>_fixed_broadband.csv   availability rows, split by technology group as the FCC
                                       splits its downloads, so one location's rows are spread over
                                       several files; rows inside a file are interleaved, never
                                       grouped by location. The first file starts with a UTF-8 BOM,
                                       the second ends its lines in CRLF (with one file, both).
                                       With --zip-some the last file is a .zip (deflate) instead.
  fabric.csv                           (--fabric) location_id,block_geoid,latitude,longitude,bsl_flag:
                                       every reported location (bsl_flag True), plus locations no
                                       provider reports (True: they join the universe as unserved)
                                       and non-BSL locations (False: ignored).
  truth_<county|tract>[_ulfw][_fabric].csv   (--truth) what `dialtone stats --by LEVEL [--ulfw]
                                       [--fabric DIR/fabric.csv]` must print, byte for byte.
  truth_locations.csv                  (--truth) what `--locations-out` must print (default rules).
  tl_2020_SS_tabblock20.gpkg           (--blocks-layer) every block as TIGER/Line 2020 has it: GEOID20,
                                       ALAND20, AWATER20, INTPTLAT20/INTPTLON20 ('+38.1234567' text),
                                       HOUSING20, POP20, a small square polygon, EPSG:4269. Each
                                       county's blocks sit in a rectangle of its own (a grid of
                                       0.5 x 0.4 degree cells, 0.02 degree margins), so the polygon
                                       join finds exactly the GEOID-prefix county.
  counties.gpkg                        (--blocks-layer) those rectangles, field GEOID, EPSG:4269.
                                       With --county-polygons FILE (real counties, field GEOID,
                                       longitude/latitude) the internal points are drawn inside
                                       those polygons instead, and no counties.gpkg is written.
  truth_county_blocks[_fabric].csv     (--blocks-layer --truth) what `stats --blocks LAYER` must
                                       print by county, with --by county or --regions counties.gpkg
                                       --id-field GEOID alike: the county truth plus housing,
                                       unserved_housing, underserved_housing, housing_no_data, pop,
                                       land_km2 and locations_per_km2 (exact fractions, rounded half
                                       up at the end). --layer-format fgb or shp.zip changes the
                                       block layer's format; the layers are converted from CSV with
                                       ogr2ogr (gdal-bin).
  plans.csv, income.csv                (--plans) synthetic monthly prices for most offers (some
                                       offers have none, some a cheaper plan in this state only, some
                                       a plan for another state that never applies, some duplicates)
                                       and a synthetic median household income per county (some 0,
                                       some empty). They use their own random stream: every other
                                       file is the same bytes with or without --plans.
  truth_<county|tract>_prices.csv      (--plans --truth) what `dialtone stats --by LEVEL --plans
                                       DIR/plans.csv --speed` (county: also --income DIR/income.csv)
                                       must print: prices, $/Mbps, speeds and competition.

How truth is computed: not by reading the files back, but by its own arithmetic while generating.
Every speed is written from a fixed text ("0.768", "99.999", "50.0") and parsed once, exactly, into
integer micro-Mbps by string splitting; no float is ever involved. Each offered row carries a bit
mask of the speed tiers (0.2/0.2 10/1 25/3 100/20 250/25 1000/100) that this single row meets if it
is reliable (technology 10 40 50 71 72, and 70 with --ulfw, with low_latency 1). A location's tier
mask is the OR of its rows' masks, so "served" is tier 100/20 met by ONE row, never a max(down)
from one row and a max(up) from another. Regions keep counts of (best_down, mask) pairs, from which
classes, shares and the exact median follow; percentages and shares are rounded half up in integers
as SPEC.md says, and the median is printed as an exact decimal without trailing zeros.

Randomness is a self-contained splitmix64 seeded by --seed (no `random` module, no float math), so
the same arguments give the same bytes on any Python 3.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from fractions import Fraction

HEADER = ("frn,provider_id,brand_name,location_id,technology,max_advertised_download_speed,"
          "max_advertised_upload_speed,low_latency,business_residential_code,state_usps,"
          "block_geoid,h3_res8_id\n")
FABRIC_HEADER = "location_id,block_geoid,latitude,longitude,bsl_flag\n"
STATS_HEADER = ("geoid,locations,unserved,underserved,served,pct_unserved,providers,"
                "median_max_down,share_02_02,share_10_1,share_25_3,share_100_20,share_250_25,"
                "share_1000_100\n")
LOCATIONS_HEADER = "location_id,block_geoid,class,best_down,best_up,providers\n"
BLOCKS_HEADER_TAIL = (",housing,unserved_housing,underserved_housing,housing_no_data,pop,land_km2,"
                      "locations_per_km2\n")
LAYER_FORMATS = {"gpkg": ("GPKG", ".gpkg"), "fgb": ("FlatGeobuf", ".fgb"),
                 "shp.zip": ("ESRI Shapefile", ".zip")}
CELL_W, CELL_H, MARGIN = 5000000, 4000000, 200000  # county cells in 1e-7 degrees
HALF_BLOCK = 5000  # block squares are 0.001 degree wide

M64 = (1 << 64) - 1
M30 = (1 << 30) - 1
LOCATION_ID_BASE = 1000000000  # + a 30-bit bijection of a counter: distinct 10-digit ids

FIPS_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}

# Speed tiers in micro-Mbps, bit i of a mask = tier i. Bit 2 is underserved's 25/3, bit 3 served's.
TIERS = [(200000, 200000), (10000000, 1000000), (25000000, 3000000),
         (100000000, 20000000), (250000000, 25000000), (1000000000, 100000000)]
BIT_25_3 = 1 << 2
BIT_100_20 = 1 << 3
RELIABLE = {10, 40, 50, 71, 72}
RELIABLE_ULFW = RELIABLE | {70}

# Technology groups per output file, for --files 1..9 (names as in the FCC's download file names).
FILE_GROUPS = {
    1: [("All", (0, 10, 40, 50, 60, 61, 70, 71, 72))],
    2: [("Wireline", (10, 40, 50)), ("Other", (0, 60, 61, 70, 71, 72))],
    3: [("Cable", (40,)), ("Fiber-to-the-Premises", (50,)), ("Other", (0, 10, 60, 61, 70, 71, 72))],
    4: [("Cable", (40,)), ("Fiber-to-the-Premises", (50,)), ("Fixed-Wireless", (70, 71, 72)),
        ("Other", (0, 10, 60, 61))],
    5: [("Cable", (40,)), ("Fiber-to-the-Premises", (50,)), ("Fixed-Wireless", (70, 71, 72)),
        ("Satellite", (60, 61)), ("Other", (0, 10))],
    6: [("Cable", (40,)), ("Copper", (10,)), ("Fiber-to-the-Premises", (50,)),
        ("Fixed-Wireless", (70, 71, 72)), ("Satellite", (60, 61)), ("Other", (0,))],
    7: [("Cable", (40,)), ("Copper", (10,)), ("Fiber-to-the-Premises", (50,)),
        ("Licensed-Fixed-Wireless", (71, 72)), ("Unlicensed-Fixed-Wireless", (70,)),
        ("Satellite", (60, 61)), ("Other", (0,))],
    8: [("Cable", (40,)), ("Copper", (10,)), ("Fiber-to-the-Premises", (50,)),
        ("Licensed-Fixed-Wireless", (71,)), ("LBR-Fixed-Wireless", (72,)),
        ("Unlicensed-Fixed-Wireless", (70,)), ("Satellite", (60, 61)), ("Other", (0,))],
    9: [("Cable", (40,)), ("Copper", (10,)), ("Fiber-to-the-Premises", (50,)),
        ("Licensed-Fixed-Wireless", (71,)), ("LBR-Fixed-Wireless", (72,)),
        ("Unlicensed-Fixed-Wireless", (70,)), ("GSO-Satellite", (60,)),
        ("NGSO-Satellite", (61,)), ("Other", (0,))],
}

# The provider pool: (brand_name, kind, [(technology, download, upload, low_latency), ...]).
# Speeds are text on purpose: they are written exactly so and parsed exactly for the truth.
PROVIDERS = [
    ("Viasat, Inc.", "sat", [(60, "12", "3", 0), (60, "25", "3", 0), (60, "100", "3", 0),
                             (60, "150", "25", 1)]),
    ("HughesNet", "sat", [(60, "25", "3", 0), (60, "50", "5", 0), (60, "100", "5", 0)]),
    ("Starlink", "sat", [(61, "100", "20", 1), (61, "220", "25", 1)]),
    ('Rural "Beta" Broadband', "other", [(0, "25", "3", 1), (0, "100", "20", 1),
                                         (0, "1000", "1000", 1)]),
    ("PowerGrid Net", "other", [(0, "10", "1", 1), (0, "25.5", "3", 1)]),
    ("CenturyLink", "ilec", [(10, "1.5", "0.768", 1), (10, "10", "1", 1), (10, "25", "3", 1),
                             (10, "40", "5", 1), (10, "100", "10", 1), (50, "940", "940", 1),
                             (50, "200", "200", 1)]),
    ("Frontier Communications", "ilec", [(10, "0.2", "0.2", 1), (10, "6", "1", 1),
                                         (10, "24.999", "3", 1), (10, "25", "2.999", 1),
                                         (50, "500", "500", 1), (50, "1000", "1000", 1),
                                         (50, "2000", "2000", 1)]),
    ("Kinetic by Windstream", "ilec", [(10, "12", "1", 1), (10, "25", "3", 1), (10, "50", "10", 1),
                                       (10, "100", "20", 1), (50, "1000", "1000", 1)]),
    ("Plains Cooperative Telephone Association, Inc.", "ilec",
     [(10, "10", "1", 1), (10, "25.5", "3", 1), (50, "1000", "100", 1), (50, "250", "25", 1)]),
    ("Nucla-Naturita Telephone Co.", "ilec", [(10, "3", "0.768", 1), (10, "15", "1.5", 1),
                                              (50, "100", "20", 1), (50, "300", "300", 1)]),
    ("Wiggins Telephone Association", "ilec", [(10, "0.768", "0.2", 1), (10, "25", "3", 1),
                                               (50, "1000", "1000", 1)]),
    ("Eastern Slope Rural Telephone Association, Inc.", "ilec",
     [(10, "7", "1", 1), (10, "40", "10", 1), (50, "250", "25", 1), (50, "1000", "1000", 1)]),
    ("South Park Telephone", "ilec", [(10, "1.5", "0.2", 1), (10, "10", "1", 1), (10, "25", "5", 1)]),
    ("Delta County Tele-Comm", "ilec", [(10, "20", "2", 1), (10, "80", "15", 1),
                                        (50, "1000", "1000", 1)]),
    ("Strasburg Telephone Company", "ilec", [(10, "25", "3", 1), (50, "1000", "1000", 1)]),
    ("Blue Valley Tele-Communications, Inc.", "ilec", [(10, "10", "1", 1), (10, "25", "3", 1),
                                                       (50, "250", "25", 1)]),
    ("Comcast Cable Communications, LLC", "cable", [(40, "1200", "35", 1), (40, "1000", "100", 1),
                                                    (40, "300", "10", 1), (40, "100", "19.999", 1)]),
    ("Spectrum", "cable", [(40, "1000", "35", 1), (40, "500", "20", 1), (40, "250", "25", 1)]),
    ("Sparklight", "cable", [(40, "1000", "50", 1), (40, "200", "10", 1), (40, "100", "20", 0)]),
    ('Small Town "TV" Cable', "cable", [(40, "50", "5", 1), (40, "99.999", "20", 1),
                                        (40, "150", "20", 1)]),
    ("Zito Media, L.P.", "cable", [(40, "25", "3", 1), (40, "100", "10", 1), (40, "400", "20", 1)]),
    ("Mediacom", "cable", [(40, "1000", "50", 1), (40, "100", "20", 1)]),
    ("Emery Telcom", "cable", [(40, "250", "25", 1), (40, "1000", "50", 1)]),
    ("Ting Fiber", "fiber", [(50, "1000", "1000", 1), (50, "2000", "2000", 1)]),
    ("Mountain Fiber Co-op", "fiber", [(50, "250", "25", 1), (50, "1000", "1000", 1),
                                       (50, "500", "500", 0)]),
    ("Peak Internet, LLC", "fiber", [(50, "100", "100", 1), (50, "1000", "100", 1)]),
    ("Allo Communications", "fiber", [(50, "1000", "1000", 1), (50, "2300", "2300", 1)]),
    ("Rise Broadband", "wisp", [(70, "25", "3", 1), (70, "50", "10", 1), (70, "100", "20", 1),
                                (70, "25", "3", 0)]),
    ("Prairie Wireless, LLC", "wisp", [(70, "10", "1", 1), (70, "100", "20", 1),
                                       (70, "250", "25", 1)]),
    ('Mesa "Sky" Internet', "wisp", [(70, "25.5", "5", 1), (70, "1000", "100", 1)]),
    ("High Plains WiFi", "wisp", [(70, "4", "1", 1), (70, "12", "2", 1), (70, "30", "5", 0)]),
    ("Vistabeam", "wisp", [(70, "25", "3", 1), (70, "100", "25", 1)]),
    ("Ranch Wireless, Inc.", "wisp", [(70, "15", "3", 1), (70, "50", "20", 1)]),
    ("T-Mobile", "fwa", [(71, "100", "20", 0), (71, "87", "14", 1), (71, "133", "20", 1)]),
    ("Verizon", "fwa", [(71, "300", "20", 1), (71, "25", "3", 1), (71, "50", "5", 1)]),
    ("AT&T Internet Air", "fwa", [(71, "75", "10", 1), (71, "300", "50", 1)]),
    ("Central Plains Wireless", "lbr", [(72, "99.999", "20", 1), (72, "100", "20", 1),
                                        (72, "25", "3", 1), (72, "50", "20", 1)]),
    ("Agri-Valley Broadband, Inc.", "lbr", [(72, "10", "1", 1), (72, "35", "7.5", 1),
                                            (72, "50.0", "20.0", 1)]),
    ("Sangre de Cristo Broadband", "lbr", [(72, "25", "3", 1), (72, "150", "30", 1)]),
    ("Skyline CBRS", "lbr", [(72, "0.2", "0.2", 1), (72, "12.884", "1.5", 1)]),
]
ALWAYS_QUOTED = {"Spectrum"}  # a quoted field that needs no quoting: readers must still unquote it

# Locations that get exactly these terrestrial rows (plus the usual satellite rows): the traps of
# SPEC.md. Each entry: [(brand, [(technology, down, up, low_latency), ...]), ...].
SPECIAL_SCENARIOS = [
    # 100 down from one reliable row, 20 up from another, no single row has both: NOT served.
    [("CenturyLink", [(10, "100", "10", 1)]), ("Central Plains Wireless", [(72, "50", "20", 1)])],
    [("Comcast Cable Communications, LLC", [(40, "300", "10", 1)]),
     ("Agri-Valley Broadband, Inc.", [(72, "50.0", "20.0", 1)])],
    # the same trap one tier down: 25 and 3 on different rows of one provider: unserved.
    [("Frontier Communications", [(10, "24.999", "3", 1), (10, "25", "2.999", 1)])],
    # technology 70 alone: unserved by default, served or underserved with --ulfw.
    [("Rise Broadband", [(70, "100", "20", 1)])],
    [("Prairie Wireless, LLC", [(70, "250", "25", 1)]), ("Frontier Communications", [(10, "6", "1", 1)])],
    [("Vistabeam", [(70, "25", "3", 1)]), ("Skyline CBRS", [(72, "12.884", "1.5", 1)])],
    # technology 70 but low_latency 0: unserved even with --ulfw.
    [("Rise Broadband", [(70, "25", "3", 0)])],
    # fast terrestrial rows with low_latency 0 never count.
    [("Sparklight", [(40, "100", "20", 0)]), ("T-Mobile", [(71, "100", "20", 0)])],
    # technology 0 never counts.
    [('Rural "Beta" Broadband', [(0, "1000", "1000", 1)])],
    # just below a threshold: underserved.
    [("Comcast Cable Communications, LLC", [(40, "100", "19.999", 1)])],
    [("Central Plains Wireless", [(72, "99.999", "20", 1)])],
    # exactly on a threshold: inclusive.
    [("Central Plains Wireless", [(72, "100", "20", 1)])],
    [("Spectrum", [(40, "250", "25", 1)])],
    [("Plains Cooperative Telephone Association, Inc.", [(50, "1000", "100", 1)])],
    [("Kinetic by Windstream", [(10, "25", "3", 1)])],
    [("Frontier Communications", [(10, "0.2", "0.2", 1)])],
    [("CenturyLink", [(10, "10", "1", 1), (10, "1.5", "0.768", 1)])],
]

# Locations per block: 256-entry table (a byte indexes it); skewed, most blocks have 1-4.
_LOC_WEIGHTS = [30, 60, 48, 36, 26, 18, 12, 8, 6, 4, 3, 3, 2]
LOCS_PER_BLOCK = [n for n, w in enumerate(_LOC_WEIGHTS) for _ in range(w)]
ROWS_PER_PROVIDER = [1] * 13 + [2] * 2 + [3] * 1  # 16 entries, indexed by 4 bits
BRC = "RRRRRRRRRRRBBXXX"  # 16 entries: business_residential_code
SPECIAL_PER_256 = 20  # share of locations drawn from SPECIAL_SCENARIOS
FLUSH_ROWS = 100000  # rows buffered per output file before an interleaved write
INTERLEAVE = 17  # a flush writes rows s, s+17, s+34, ... for each start s, so no location stays together


def splitmix64(seed):
    """Endless stream of 64-bit integers (splitmix64), identical on every Python 3."""
    state = seed & M64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def parse_micro(text):
    """Decimal Mbps text -> integer micro-Mbps, exactly."""
    whole, _, frac = text.partition(".")
    if len(frac) > 6:
        raise ValueError("more than 6 decimals: " + text)
    return int(whole) * 1000000 + int(frac.ljust(6, "0") or "0")


def fmt_fixed(value, decimals):
    """Integer value in units of 10**-decimals -> plain decimal, no trailing zeros or point."""
    scale = 10 ** decimals
    text = "%d.%0*d" % (value // scale, decimals, value % scale)
    return text.rstrip("0").rstrip(".")


def fmt_rounded(count, total, decimals):
    """q = floor((20000 * count + total) / (2 * total)) printed as q / 10**decimals: the percentage
    with 2 decimals or the share with 4, both rounded half up exactly as SPEC.md says."""
    q = (20000 * count + total) // (2 * total)
    scale = 10 ** decimals
    return "%d.%0*d" % (q // scale, decimals, q % scale)


def tier_mask(down, up):
    mask = 0
    for bit, (tier_down, tier_up) in enumerate(TIERS):
        if down >= tier_down and up >= tier_up:
            mask |= 1 << bit
    return mask


def csv_field(text, force_quotes=False):
    if force_quotes or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def allocate(total, weights):
    """Split total into len(weights) integers >= 1 in proportion to weights (largest remainder)."""
    n = len(weights)
    rest = total - n
    wsum = sum(weights)
    shares = [1 + rest * w // wsum for w in weights]
    order = sorted(range(n), key=lambda i: (-(rest * weights[i] % wsum), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


class Provider:
    def __init__(self, index, brand, kind, offers, file_of_tech):
        self.brand = brand
        self.kind = kind
        self.provider_id = str(100000 + (index + 1) * 7919 % 900000)
        frn = "%010d" % ((index + 1) * 1234567 % 100000000)
        head = "%s,%s,%s," % (frn, self.provider_id, csv_field(brand, brand in ALWAYS_QUOTED))
        # offer = (row head, ",tech,down,up,ll,", file index, mask default, mask ulfw,
        #          best_down default, best_down ulfw, best_up default)
        self.offers = []
        self.by_spec = {}
        for spec in offers:
            tech, down_text, up_text, low_latency = spec
            down, up = parse_micro(down_text), parse_micro(up_text)
            mask = tier_mask(down, up)
            ok_default = low_latency == 1 and tech in RELIABLE
            ok_ulfw = low_latency == 1 and tech in RELIABLE_ULFW
            offer = (head, ",%d,%s,%s,%d," % (tech, down_text, up_text, low_latency),
                     file_of_tech[tech],
                     mask if ok_default else 0, mask if ok_ulfw else 0,
                     down if ok_default else 0, down if ok_ulfw else 0, up if ok_default else 0)
            self.offers.append(offer)
            self.by_spec[spec] = offer


class Region:
    """Per-tract tallies: (best_down << 6 | tier mask) -> locations, for both rule sets."""
    __slots__ = ("default", "ulfw", "providers", "fabric_only", "prices")

    def __init__(self):
        self.default = {}
        self.ulfw = {}
        self.providers = set()
        self.fabric_only = 0
        self.prices = None  # with --plans: one location_prices() tuple per reported location


def build_counties(args, geo_rng):
    if args.county_list:
        with open(args.county_list, encoding="utf-8-sig") as f:
            geoids = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        for g in geoids:
            if len(g) != 5 or not g.isdigit():
                sys.exit("gen_bdc: bad county GEOID %r in %s" % (g, args.county_list))
        states = {g[:2] for g in geoids}
        if len(states) != 1:
            sys.exit("gen_bdc: county list must hold one state, got %s" % sorted(states))
        state = states.pop()
        counties = [g[2:] for g in geoids]
    else:
        state = args.state
        if len(state) != 2 or not state.isdigit():
            sys.exit("gen_bdc: --state must be a 2-digit FIPS code")
        if not 1 <= args.counties <= 499:
            sys.exit("gen_bdc: --counties must be 1..499")
        counties = ["%03d" % (2 * i + 1) for i in range(args.counties)]
    if len(set(counties)) != len(counties):
        sys.exit("gen_bdc: duplicate county")
    if args.blocks < len(counties):
        sys.exit("gen_bdc: --blocks must be at least the number of counties")
    weights = [1000000 // (next(geo_rng) % 1000 + 40) for _ in counties]  # a few counties are big
    return state, list(zip(counties, allocate(args.blocks, weights)))


def build_tracts(nblocks, geo_rng):
    """A county's tracts: [(tract code, [(block group digit, [block numbers])])]."""
    nbg = max(1, (nblocks + 149) // 150)
    # About 6% of block groups are tiny (a few blocks) and make a tract of their own: small regions
    # give medians of a few values, where even counts and fractional speeds show.
    draws = [next(geo_rng) for _ in range(nbg)]
    tiny = [r % 100 < 6 for r in draws]
    bg_sizes = allocate(nblocks, [1 + (r >> 8) % 3 if t else 50 + (r >> 8) % 101
                                  for r, t in zip(draws, tiny)])
    groups = []  # block groups per tract, 1-4
    i = 0
    while i < nbg:
        take = 1 if tiny[i] else min(nbg - i, 1 + next(geo_rng) % 4)
        take = next((k for k in range(1, take) if tiny[i + k]), take)  # a tiny one stays alone
        groups.append(bg_sizes[i:i + take])
        i += take
    ntracts = len(groups)
    major = 9500 if ntracts < 150 else 0  # rural-looking codes (950100...) where they fit
    step_max = 2 if major + 2 * ntracts < 9999 else 1
    if major + ntracts + 1 > 9999:
        sys.exit("gen_bdc: too many tracts in one county; use more counties")
    tracts = []
    split_pending = False
    for sizes in groups:
        r = next(geo_rng)
        if split_pending:
            minor, split_pending = 2, False
        else:
            major += 1 + (r % step_max)
            minor = 0
            if (r >> 8) % 100 < 15:
                minor, split_pending = 1, True
        bgs = []
        digit = 0
        for size in sizes:
            r = next(geo_rng)
            digit += 1 + (1 if r % 4 == 0 else 0)
            numbers, j = [], 0
            for _ in range(size):
                numbers.append(digit * 1000 + j)
                r >>= 2
                if r == 0:
                    r = next(geo_rng)
                j += 1 + (1 if r % 4 == 0 else 0)
            bgs.append((digit, numbers))
        tracts.append(("%04d%02d" % (major, minor), bgs))
    return tracts


def tract_providers(county_pick, wired, rng_value, next_rng):
    """Terrestrial providers of one tract: [(Provider, coverage per 256)], at most 16."""
    chosen = []
    r = rng_value

    def byte():
        nonlocal r
        b = r & 255
        r >>= 8
        if r == 0:
            r = next_rng()
        return b

    ilecs = county_pick["ilec"]
    chosen.append((ilecs[byte() % len(ilecs)], 110 + wired // 2))
    for p in county_pick["cable"]:
        if byte() < wired:
            chosen.append((p, 60 + wired * 3 // 4))
    for p in county_pick["fiber"]:
        if byte() < wired // 2:
            chosen.append((p, 40 + wired // 2))
    for p in county_pick["wisp"]:
        if byte() < 150:
            chosen.append((p, 50 + byte() // 3))
    for p in county_pick["fwa"]:
        if byte() < 128:
            chosen.append((p, 40 + byte() // 4))
    for p in county_pick["lbr"]:
        if byte() < 100:
            chosen.append((p, 40 + byte() // 4))
    for p in county_pick["other"]:
        if byte() < 64:
            chosen.append((p, 25))
    return [(p, cov) for p, cov in chosen[:16]]


def pick_county_providers(pools, rng):
    pick = {}
    for kind, count in (("ilec", 2), ("cable", 2), ("fiber", 1), ("wisp", 3), ("fwa", 3),
                        ("lbr", 1), ("other", 1)):
        pool = pools[kind]
        start = next(rng) % len(pool)
        n = min(count, len(pool))
        pick[kind] = [pool[(start + k) % len(pool)] for k in range(n)]
    return pick


class Writer:
    """The availability files: rows buffered per file and written interleaved."""

    def __init__(self, out_dir, state, ngroups, zip_some):
        self.groups = FILE_GROUPS[ngroups]
        self.paths = [os.path.join(out_dir, "bdc_%s_%s_fixed_broadband.csv" % (state, name))
                      for name, _ in self.groups]
        self.files = [open(p, "wb") for p in self.paths]
        self.crlf = [i == 1 % ngroups for i in range(ngroups)]
        self.zipped = ngroups - 1 if zip_some else -1
        self.buffers = [[] for _ in self.groups]
        self.rows = [0] * ngroups
        self.file_of_tech = {}
        for i, (_, techs) in enumerate(self.groups):
            for t in techs:
                self.file_of_tech[t] = i
        for i, f in enumerate(self.files):
            if i == 0:
                f.write(b"\xef\xbb\xbf")
            self.write(i, HEADER)

    def write(self, i, text):
        if self.crlf[i]:
            text = text.replace("\n", "\r\n")
        self.files[i].write(text.encode("utf-8"))

    def flush(self, i):
        rows = self.buffers[i]
        self.rows[i] += len(rows)
        self.write(i, "".join("".join(rows[s::INTERLEAVE]) for s in range(INTERLEAVE)))
        self.buffers[i] = []

    def close(self):
        for i in range(len(self.files)):
            self.flush(i)
            self.files[i].close()
        names = [os.path.basename(p) for p in self.paths]
        if self.zipped >= 0:
            plain = self.paths[self.zipped]
            zpath = plain[:-4] + ".zip"
            info = zipfile.ZipInfo(os.path.basename(plain), date_time=(2024, 6, 30, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            big = os.path.getsize(plain) >= (1 << 31)
            with zipfile.ZipFile(zpath, "w") as z, z.open(info, "w", force_zip64=big) as dst, \
                    open(plain, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.remove(plain)
            names[self.zipped] = os.path.basename(zpath)
        return names


def generate(args):
    geo_rng = splitmix64(args.seed * 2 + 1)
    state, counties = build_counties(args, geo_rng)
    usps = FIPS_USPS.get(state, "ZZ")
    os.makedirs(args.out, exist_ok=True)
    writer = Writer(args.out, state, args.files, args.zip_some)
    providers = [Provider(i, b, k, o, writer.file_of_tech) for i, (b, k, o) in enumerate(PROVIDERS)]
    if args.plans:
        write_plans(args, providers, usps)
        write_income(args, state, counties)
    by_brand = {p.brand: p for p in providers}
    pools = {}
    for p in providers:
        pools.setdefault(p.kind, []).append(p)
    sats = [(p.offers, len(p.offers), p.provider_id, cov)
            for p, cov in zip(pools["sat"], (130, 130, 210))]
    specials = [[(by_brand[b].provider_id, [by_brand[b].by_spec[s] for s in specs])
                 for b, specs in scenario] for scenario in SPECIAL_SCENARIOS]
    nspecials = len(specials)

    rng = splitmix64(args.seed * 2 + 2)
    nxt = rng.__next__
    lid_key = nxt() & M30
    counter = 0
    buffers = writer.buffers
    fabric = open(os.path.join(args.out, "fabric.csv"), "w", newline="") if args.fabric else None
    fabric_lines = [FABRIC_HEADER]
    truth_locs = TruthLocations(args.out) if args.truth else None
    regions = {}
    stats = {"blocks": 0, "locations": 0, "fabric_only": 0, "non_bsl": 0}

    county_tracts = []
    for county, nblocks in counties:
        county_tracts.append((county, build_tracts(nblocks, geo_rng),
                              pick_county_providers(pools, geo_rng), nxt() % 200 + 40))
    # The tract no provider reports at all: only a fabric makes it appear (unserved, 0 providers).
    biggest = max(range(len(county_tracts)), key=lambda i: (len(county_tracts[i][1]), -i))
    dark_tract = None
    if len(county_tracts[biggest][1]) >= 2:
        dark_tract = state + county_tracts[biggest][0] + county_tracts[biggest][1][-1][0]

    layer = BlockLayer(args, state, [c for c, _ in counties]) if args.blocks_layer else None
    for county, tracts, county_pick, county_wired in county_tracts:
        lat_base = 37000000 + (nxt() % 4000000)
        lon_base = 102000000 + (nxt() % 7000000)
        for tract_code, bgs in tracts:
            tract = state + county + tract_code
            wired = max(10, min(245, county_wired + (nxt() % 81) - 40))
            tprov = [(p.offers, len(p.offers), p.provider_id, cov)
                     for p, cov in tract_providers(county_pick, wired, nxt(), nxt)]
            dark = tract == dark_tract
            region = regions[tract] = Region()
            t_default, t_ulfw, t_providers = region.default, region.ulfw, region.providers
            t_prices = region.prices = [] if args.plans else None
            for _, numbers in bgs:
                for number in numbers:
                    block = "%s%04d" % (tract, number)
                    stats["blocks"] += 1
                    ub = nxt()
                    nlocs = LOCS_PER_BLOCK[ub & 255]
                    extra_bsl = (1 + ((ub >> 16) & 1)) if ((ub >> 8) & 255) < 12 else 0
                    non_bsl = 1 if ((ub >> 24) & 255) < 8 else 0
                    h3_block = (ub >> 32) & 0xfffffff0
                    lat = lat_base + ((ub >> 17) & 0x3ffff) * 4
                    lon = lon_base + ((ub >> 35) & 0x3ffff) * 4
                    block_res = [0, 0, 0]  # residential locations: all, underserved, unserved
                    for li in range(nlocs + extra_bsl + non_bsl):
                        x = counter ^ lid_key
                        counter += 1
                        x = ((x >> 15) ^ x) * 0x45D9F3B & M30
                        x = ((x >> 15) ^ x) * 0x45D9F3B & M30
                        lid = LOCATION_ID_BASE + ((x >> 15) ^ x)
                        lid_text = str(lid)
                        u1 = nxt()
                        if fabric is not None:  # micro-degrees, west of Greenwich
                            y, x = lat + (u1 & 0xfff), lon + ((u1 >> 12) & 0xfff)
                            fabric_lines.append("%d,%s,%d.%06d,-%d.%06d,%s\n" % (
                                lid, block, y // 1000000, y % 1000000, x // 1000000, x % 1000000,
                                "False" if li >= nlocs + extra_bsl else "True"))
                        if li >= nlocs:  # a fabric location no provider reports
                            if li < nlocs + extra_bsl:
                                region.fabric_only += 1
                                stats["fabric_only"] += 1
                            else:
                                stats["non_bsl"] += 1
                            continue
                        tail = ",%s,%s,88%08xfffff\n" % (usps, block, h3_block | (li & 15))
                        groups = []  # (provider_id, [offers])
                        if not dark:
                            for k, (offers, n, pid, cov) in enumerate(sats):
                                if ((u1 >> (8 + 8 * k)) & 255) < cov:
                                    v = nxt()
                                    start = (v >> 4) % n
                                    groups.append((pid, [offers[(start + j) % n] for j in
                                                         range(min(n, ROWS_PER_PROVIDER[v & 15]))]))
                            if (u1 & 255) < SPECIAL_PER_256:
                                groups.extend(specials[(u1 >> 40) % nspecials])
                            else:
                                bits = nxt() | (nxt() << 64)
                                for offers, n, pid, cov in tprov:
                                    if (bits & 255) < cov:
                                        v = nxt()
                                        start = (v >> 4) % n
                                        groups.append((pid, [offers[(start + j) % n] for j in
                                                             range(min(n, ROWS_PER_PROVIDER[v & 15]))]))
                                    bits >>= 8
                        if not groups:  # nobody reports it: a fabric-only location
                            region.fabric_only += 1
                            stats["fabric_only"] += 1
                            continue
                        mask_d = mask_u = down_d = down_u = up_d = 0
                        brc_bits = u1 >> 32
                        residential = False
                        for pid, offers in groups:
                            t_providers.add(pid)
                            for o in offers:
                                code = BRC[brc_bits & 15]
                                residential = residential or code != "B"
                                buffers[o[2]].append(o[0] + lid_text + o[1] + code + tail)
                                brc_bits = (brc_bits >> 4) or u1
                                mask_d |= o[3]
                                mask_u |= o[4]
                                if o[5] > down_d:
                                    down_d = o[5]
                                if o[6] > down_u:
                                    down_u = o[6]
                                if o[7] > up_d:
                                    up_d = o[7]
                        if t_prices is not None:
                            t_prices.append(location_prices(groups, down_d, up_d, mask_d))
                        key = down_d << 6 | mask_d
                        t_default[key] = t_default.get(key, 0) + 1
                        key = down_u << 6 | mask_u
                        t_ulfw[key] = t_ulfw.get(key, 0) + 1
                        stats["locations"] += 1
                        if residential:  # SPEC: housing units split by residential locations
                            block_res[0] += 1
                            if not mask_d & BIT_100_20:
                                block_res[1 if mask_d & BIT_25_3 else 2] += 1
                        if truth_locs is not None:
                            truth_locs.add(lid, "%s,%s,%s,%s,%s,%d\n" % (
                                lid_text, block, location_class(mask_d), fmt_fixed(down_d, 6),
                                fmt_fixed(up_d, 6), len(groups)))
                    if layer is not None:
                        layer.add(county, block, block_res)
                    if len(fabric_lines) > 50000:
                        fabric.write("".join(fabric_lines))
                        fabric_lines = []
                    for i, rows in enumerate(buffers):
                        if len(rows) >= FLUSH_ROWS:
                            writer.flush(i)  # replaces buffers[i] with an empty list
    if counter > M30:
        sys.exit("gen_bdc: more than 2**30 locations: location ids would repeat")
    names = writer.close()
    stats["rows"] = sum(writer.rows)
    stats["rows_per_file"] = dict(zip(names, writer.rows))
    if fabric is not None:
        fabric.write("".join(fabric_lines))
        fabric.close()
        names.append("fabric.csv")
    if layer is not None:
        names.extend(layer.finish())
    if args.truth:
        names.append(truth_locs.finish())
        for level, width in (("county", 5), ("tract", 11)):
            for ulfw in (False, True):
                for with_fabric in ((False, True) if args.fabric else (False,)):
                    name = "truth_%s%s%s.csv" % (level, "_ulfw" if ulfw else "",
                                                 "_fabric" if with_fabric else "")
                    write_truth(os.path.join(args.out, name), regions, width, ulfw, with_fabric)
                    names.append(name)
        for with_fabric in ((False, True) if args.fabric else (False,)) if layer else ():
            name = "truth_county_blocks%s.csv" % ("_fabric" if with_fabric else "")
            write_truth(os.path.join(args.out, name), regions, 5, False, with_fabric,
                        layer.truth_columns)
            names.append(name)
        if args.plans:
            for level, width in (("county", 5), ("tract", 11)):
                name = "truth_%s_prices.csv" % level
                write_prices_truth(os.path.join(args.out, name), regions, width,
                                   args.incomes if level == "county" else None)
                names.append(name)
    if args.plans:
        names[len(names):] = ["plans.csv", "income.csv"]
    return names, stats


class BlockLayer:
    """The TIGER-like block layer, the county rectangles, and the truth of the block columns.

    Its own random stream (seed * 2 + 3) leaves every other output byte-identical."""

    def __init__(self, args, state, counties):
        self.out_dir = args.out
        self.state = state
        self.driver, self.extension = LAYER_FORMATS[args.layer_format]
        self.rng = splitmix64(args.seed * 2 + 3)
        self.polygons = load_polygons(args.county_polygons, state) if args.county_polygons else None
        self.columns = max(1, int(len(counties) ** 0.5 + 0.999999))
        self.cells = {c: (i % self.columns, i // self.columns) for i, c in enumerate(counties)}
        self.csv_path = os.path.join(args.out, ".tabblock20.csv")
        self.csv = open(self.csv_path, "w", newline="")
        self.csv.write("WKT,GEOID20,ALAND20,AWATER20,INTPTLAT20,INTPTLON20,HOUSING20,POP20\n")
        self.lines = []
        # per county: [housing, no data, pop, land, {residential: unserved units}, {...: underserved}]
        self.sums = {c: [0, 0, 0, 0, {}, {}] for c in counties}

    def cell_origin(self, county):  # south-west corner, 1e-7 degrees (longitude, latitude)
        col, row = self.cells[county]
        return -1040000000 + col * CELL_W, 360000000 + row * CELL_H

    def add(self, county, block, res):
        v = next(self.rng)
        if self.polygons is None:
            x0, y0 = self.cell_origin(county)
            lon = x0 + MARGIN + (v & 0xffffff) % (CELL_W - 2 * MARGIN)
            lat = y0 + MARGIN + ((v >> 24) & 0xffffff) % (CELL_H - 2 * MARGIN)
        else:
            lon, lat = self.point_in(county)
        residential, underserved, unserved = res
        w = v >> 48
        housing = max(0, residential + (w & 3) - 1) if residential else (w & 3) // 2 * (w >> 2 & 7)
        pop = 2 * housing + (w >> 5 & 3)
        aland = 0 if (w >> 7) % 32 == 0 else 20000 + (v >> 20) % 4000000
        awater = (v >> 8) % 300000 if (w >> 12) % 8 == 0 else 0
        square = [(lon - HALF_BLOCK, lat - HALF_BLOCK), (lon + HALF_BLOCK, lat - HALF_BLOCK),
                  (lon + HALF_BLOCK, lat + HALF_BLOCK), (lon - HALF_BLOCK, lat + HALF_BLOCK),
                  (lon - HALF_BLOCK, lat - HALF_BLOCK)]
        self.lines.append('"POLYGON ((%s))",%s,%d,%d,%s,%s,%d,%d\n' % (
            ",".join("%s %s" % (deg(x), deg(y)) for x, y in square), block, aland, awater,
            deg(lat, "+%02d"), deg(lon, "%03d"), housing, pop))
        if len(self.lines) >= 50000:
            self.csv.write("".join(self.lines))
            self.lines = []
        s = self.sums[county]
        s[0] += housing
        s[2] += pop
        s[3] += aland
        if residential == 0:
            s[1] += housing
        else:
            s[4][residential] = s[4].get(residential, 0) + housing * unserved
            s[5][residential] = s[5].get(residential, 0) + housing * underserved

    def point_in(self, county):
        """A point well inside the county's polygon (1e-7 degrees), by rejection sampling."""
        if county not in self.polygons:
            sys.exit("gen_bdc: county %s%s is not in --county-polygons" % (self.state, county))
        rings, (x0, y0, x1, y1) = self.polygons[county]
        while True:
            u = next(self.rng)
            x = x0 + (u & 0xffffffff) % max(1, x1 - x0)
            y = y0 + (u >> 32) % max(1, y1 - y0)
            # inside, and still inside 0.0005 degrees away in each direction: no boundary doubt
            if all(inside(rings, (x + dx) / 1e7, (y + dy) / 1e7)
                   for dx, dy in ((0, 0), (5000, 0), (-5000, 0), (0, 5000), (0, -5000))):
                return x, y

    def finish(self):
        self.csv.write("".join(self.lines))
        self.csv.close()
        name = "tl_2020_%s_tabblock20" % self.state
        convert(self.csv_path, self.out_dir, name, self.driver, self.extension,
                ["-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO",
                 "-oo", "AUTODETECT_TYPE=NO"], CSVT_BLOCKS)
        if self.polygons is not None:
            return [name + self.extension]
        counties_csv = os.path.join(self.out_dir, ".counties.csv")
        with open(counties_csv, "w", newline="") as f:
            f.write("WKT,GEOID\n")
            for county in self.cells:
                x0, y0 = self.cell_origin(county)
                ring = [(x0, y0), (x0 + CELL_W, y0), (x0 + CELL_W, y0 + CELL_H), (x0, y0 + CELL_H),
                        (x0, y0)]
                f.write('"POLYGON ((%s))",%s%s\n' % (
                    ",".join("%s %s" % (deg(x), deg(y)) for x, y in ring), self.state, county))
        convert(counties_csv, self.out_dir, "counties", "GPKG", ".gpkg",
                ["-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"], CSVT_COUNTIES)
        return [name + self.extension, "counties.gpkg"]

    def truth_columns(self, geoid, locations):
        housing, no_data, pop, aland, unserved, underserved = self.sums[geoid[2:]]
        return ",%d,%s,%s,%d,%d,%s,%s" % (
            housing, tenths(unserved), tenths(underserved), no_data, pop, fmt_fixed(aland, 6),
            "" if aland == 0 else ratio(locations * 1000000, aland, 2))


CSVT_BLOCKS = '"WKT","String(15)","Integer64","Integer64","String(11)","String(12)","Integer64","Integer64"\n'
CSVT_COUNTIES = '"WKT","String(5)"\n'


def load_polygons(path, state):
    """{county: (rings, bbox in 1e-7 degrees)} from any OGR layer with a GEOID field (ogr2ogr)."""
    try:
        text = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4269", "/vsistdout/", path],
                              check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("gen_bdc: cannot read %s with ogr2ogr: %s" % (path, e))
    polygons = {}
    for feature in json.loads(text)["features"]:
        geoid, geometry = feature["properties"]["GEOID"], feature["geometry"]
        if not geoid.startswith(state) or geometry is None:
            continue
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [ring for part in parts for ring in part]
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        polygons[geoid[2:]] = (rings, (int(min(xs) * 1e7), int(min(ys) * 1e7),
                                       int(max(xs) * 1e7), int(max(ys) * 1e7)))
    return polygons


def inside(rings, x, y):
    """Even-odd rule over every ring (shells and holes alike)."""
    result = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                result = not result
    return result


def deg(units, int_format="%d"):
    """1e-7 degrees -> decimal text with 7 decimals, signed as TIGER writes it ('-098.7654321')."""
    sign = "-" if units < 0 else ""
    units = abs(units)
    whole = int_format % (units // 10000000)
    if int_format.startswith("+"):
        return whole + ".%07d" % (units % 10000000)
    return sign + whole + ".%07d" % (units % 10000000)


def ratio(num, den, decimals):
    """num / den rounded half up to `decimals` decimals, exactly."""
    scale = 10 ** decimals
    q = (2 * scale * num + den) // (2 * den)
    return "%d.%0*d" % (q // scale, decimals, q % scale)


def tenths(parts):
    """Sum of units * k / residential over {residential: sum of units * k}, rounded half up to 0.1."""
    total = sum((Fraction(n, d) for d, n in parts.items()), Fraction(0))
    return ratio(total.numerator, total.denominator, 1)


def convert(csv_path, out_dir, name, driver, extension, open_options, csvt):
    """CSV with WKT -> a layer in driver's format (EPSG:4269) with ogr2ogr; removes the CSV."""
    with open(csv_path[:-4] + ".csvt", "w") as f:
        f.write(csvt)
    target = os.path.join(out_dir, name + (".shp" if extension == ".zip" else extension))
    for old in [target] + ([os.path.join(out_dir, name + e) for e in (".shx", ".dbf", ".prj", ".cpg")]
                           if extension == ".zip" else []):
        if os.path.exists(old):
            os.remove(old)
    cmd = ["ogr2ogr", "-f", driver, "-a_srs", "EPSG:4269", "-nln", name] + open_options
    if driver == "GPKG":
        cmd += ["-lco", "GEOMETRY_NAME=geom"]
    try:
        subprocess.run(cmd + [target, csv_path], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("gen_bdc: ogr2ogr failed (is gdal-bin installed?): %s" % e)
    os.remove(csv_path)
    os.remove(csv_path[:-4] + ".csvt")
    if extension == ".zip":  # a zipped shapefile, as the Census ships it
        parts = [name + e for e in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
        with zipfile.ZipFile(os.path.join(out_dir, name + ".zip"), "w") as z:
            for part in parts:
                path = os.path.join(out_dir, part)
                if os.path.exists(path):
                    info = zipfile.ZipInfo(part, date_time=(2024, 6, 30, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    with open(path, "rb") as src:
                        z.writestr(info, src.read())
                    os.remove(path)


def location_class(mask):
    if mask & BIT_100_20:
        return "served"
    if mask & BIT_25_3:
        return "underserved"
    return "unserved"


class TruthLocations:
    """truth_locations.csv sorted by location_id without holding every line: 64 id-range buckets."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.tmp = os.path.join(out_dir, ".truth_locations.tmp")
        os.makedirs(self.tmp, exist_ok=True)
        self.buckets = [[] for _ in range(64)]
        self.files = [open(os.path.join(self.tmp, "%02d" % i), "w", newline="") for i in range(64)]

    def add(self, lid, line):
        b = (lid - LOCATION_ID_BASE) >> 24
        bucket = self.buckets[b]
        bucket.append(line)
        if len(bucket) >= 5000:
            self.files[b].write("".join(bucket))
            self.buckets[b] = []

    def finish(self):
        path = os.path.join(self.out_dir, "truth_locations.csv")
        with open(path, "w", newline="") as out:
            out.write(LOCATIONS_HEADER)
            for b, f in enumerate(self.files):
                f.write("".join(self.buckets[b]))
                f.close()
                with open(f.name, newline="") as src:
                    lines = src.readlines()
                lines.sort(key=lambda line: int(line[:line.index(",")]))
                out.write("".join(lines))
                os.remove(f.name)
        os.rmdir(self.tmp)
        return "truth_locations.csv"


def write_truth(path, regions, width, ulfw, with_fabric, extra=None):
    header = STATS_HEADER if extra is None else STATS_HEADER[:-1] + BLOCKS_HEADER_TAIL
    with open(path, "w", newline="") as f:
        f.write(header + "".join(
            line + ("" if extra is None else extra(geoid, locations)) + "\n"
            for geoid, line, locations in truth_lines(regions, width, ulfw, with_fabric)))


def truth_lines(regions, width, ulfw, with_fabric):
    """[(region geoid, its line of the region table without the newline, locations)], sorted."""
    merged = {}  # region geoid -> [tallies, providers, fabric-only locations]
    for tract in sorted(regions):
        region = regions[tract]
        entry = merged.setdefault(tract[:width], [{}, set(), 0])
        tallies = entry[0]
        for key, count in (region.ulfw if ulfw else region.default).items():
            tallies[key] = tallies.get(key, 0) + count
        entry[1].update(region.providers)
        if with_fabric:
            entry[2] += region.fabric_only
    lines = []
    for geoid in sorted(merged):
        tallies, providers, fabric_only = merged[geoid]
        locations = sum(tallies.values()) + fabric_only
        if locations == 0:
            continue
        served = underserved = 0
        shares = [0] * len(TIERS)
        downs = {0: fabric_only} if fabric_only else {}
        for key, count in tallies.items():
            mask, down = key & 63, key >> 6
            if mask & BIT_100_20:
                served += count
            elif mask & BIT_25_3:
                underserved += count
            for bit in range(len(TIERS)):
                if mask >> bit & 1:
                    shares[bit] += count
            downs[down] = downs.get(down, 0) + count
        unserved = locations - served - underserved
        lines.append((geoid, "%s,%d,%d,%d,%d,%s,%d,%s,%s" % (
            geoid, locations, unserved, underserved, served,
            fmt_rounded(unserved, locations, 2), len(providers),
            median_text(downs, locations),
            ",".join(fmt_rounded(c, locations, 4) for c in shares)), locations))
    return lines


def median_text(counts, n):
    """Median of a multiset {micro-Mbps: count} of size n, exact, as plain decimal text."""
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    lo = hi = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if lo is None and seen > lo_rank:
            lo = value
        if seen > hi_rank:
            hi = value
            break
    return fmt_fixed((lo + hi) * 5, 7)  # mean of the two, in units of 1e-7 Mbps


# ---- --plans: synthetic prices and incomes, and the truth of the price and speed columns ----

PRICE_CENTS = (0, 50, 95, 99)
OTHER_STATE = {"WY": "VT"}  # a plan for a state the rows are never in


def money_micro(dollars, cents):
    return dollars * 1000000 + cents * 10000


def write_plans(args, providers, usps):
    """plans.csv from the offers: most get a plan, at a price from a stream of their own. Each
    offer gets o[8] = the price a row of this state pays for it (cheapest plan that applies),
    -1 when none does or the row is not reliable at served speeds."""
    rng = splitmix64(args.seed * 2 + 3)
    other = OTHER_STATE.get(usps, "WY")
    lines = ["provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,"
             "monthly_price,plan_name,state_usps\n"]
    for p in providers:
        spec_price = {}
        for spec in list(p.by_spec):
            tech, down_text, up_text, _ = spec
            r = next(rng)
            if r % 8 == 0:  # no plan for this offer: its served rows are unpriced
                continue
            dollars, cents = 20 + (r >> 8) % 160, PRICE_CENTS[(r >> 16) % 4]
            down_plan = down_text + ".0" if (r >> 20) % 5 == 0 and "." not in down_text else down_text
            key = (tech, down_text, up_text)
            best = spec_price.get(key)
            plan = "%s,%d,%s,%s,%d.%02d,%s,\n" % (
                p.provider_id, tech, down_plan, up_text, dollars, cents,
                csv_field("%s %s Mbps (synthetic)" % (p.brand, down_text)))
            lines.append(plan)
            price = money_micro(dollars, cents)
            if (r >> 24) % 10 == 0:  # a duplicate: dearer, or cheaper (the cheapest wins)
                extra = 5 if (r >> 28) % 2 else -5
                if dollars + extra >= 0:
                    lines.append(plan.replace("%d.%02d," % (dollars, cents),
                                              "%d.%02d," % (dollars + extra, cents), 1))
                    price = min(price, money_micro(dollars + extra, cents))
            if (r >> 32) % 6 == 0:  # cheaper in this state
                lines.append("%s,%d,%s,%s,%d.%02d,in-state offer (synthetic),%s\n" % (
                    p.provider_id, tech, down_text, up_text, dollars // 2, cents, usps))
                price = min(price, money_micro(dollars // 2, cents))
            if (r >> 36) % 6 == 0:  # another state only: never applies here
                lines.append("%s,%d,%s,%s,1.00,out-of-state offer (synthetic),%s\n" % (
                    p.provider_id, tech, down_text, up_text, other))
            spec_price[key] = price if best is None else min(best, price)
        if (next(rng) % 3) == 0:  # a plan that matches only through this state
            for spec in p.by_spec:
                tech, down_text, up_text, _ = spec
                if (tech, down_text, up_text) not in spec_price:
                    lines.append("%s,%d,%s,%s,33.33,state-only offer (synthetic),%s\n" % (
                        p.provider_id, tech, down_text, up_text, usps))
                    spec_price[(tech, down_text, up_text)] = money_micro(33, 33)
                    break
        for spec, offer in p.by_spec.items():
            served = bool(offer[3] & BIT_100_20)
            price = spec_price.get(spec[:3], -1) if served else -1
            priced = offer + (price,)
            p.by_spec[spec] = priced
            p.offers[p.offers.index(offer)] = priced
    with open(os.path.join(args.out, "plans.csv"), "w", newline="") as f:
        f.write("".join(lines))


def write_income(args, state, counties):
    rng = splitmix64(args.seed * 2 + 4)
    args.incomes = {}
    lines = ["geoid,median_household_income,source\n"]
    for county, _ in counties:
        r = next(rng)
        geoid = state + county
        if r % 20 == 0:
            lines.append("%s,,synthetic (bench/gen_bdc.py): missing\n" % geoid)
        elif r % 20 == 1:
            lines.append("%s,0,synthetic (bench/gen_bdc.py): zero\n" % geoid)
        else:
            income = 30000 + (r >> 8) % 70000
            args.incomes[geoid] = income * 1000000
            lines.append("%s,%d,synthetic (bench/gen_bdc.py)\n" % (geoid, income))
    with open(os.path.join(args.out, "income.csv"), "w", newline="") as f:
        f.write("".join(lines))


def location_prices(groups, best_down, best_up, mask):
    """(best_down, best_up, served, price, price_down, providers at served speeds)."""
    price, price_down, served_by = -1, 0, set()
    for pid, offers in groups:
        for o in offers:
            if o[3] & BIT_100_20:
                served_by.add(pid)
            if o[8] >= 0 and (price < 0 or o[8] < price or (o[8] == price and o[5] > price_down)):
                price, price_down = o[8], o[5]
    return (best_down, best_up, bool(mask & BIT_100_20), price, price_down, len(served_by))


def half_up(fraction, decimals):
    """A non-negative Fraction rounded half up to `decimals` decimals, as text."""
    scale = 10 ** decimals
    q = (2 * fraction.numerator * scale + fraction.denominator) // (2 * fraction.denominator)
    return "%d.%0*d" % (q // scale, decimals, q % scale)


def median_fraction(values):
    values = sorted(values)
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2


def write_prices_truth(path, regions, width, incomes):
    from fractions import Fraction
    header = STATS_HEADER.rstrip("\n") + ",median_served_price,priced_share,median_usd_per_mbps"
    if incomes is not None:
        header += ",affordability_pct"
    header += (",p90_max_down,median_max_up,p90_max_up,served_providers_0,served_providers_1,"
               "served_providers_2plus\n")
    merged = {}
    for tract in sorted(regions):
        merged.setdefault(tract[:width], []).extend(regions[tract].prices)
    lines = [header]
    for geoid, line, _ in truth_lines(regions, width, False, False):
        locs = merged[geoid]
        n = len(locs)
        served = sum(1 for loc in locs if loc[2])
        prices = [Fraction(loc[3]) for loc in locs if loc[2] and loc[3] >= 0]
        ratios = [Fraction(loc[3], loc[4]) for loc in locs if loc[2] and loc[3] >= 0 and loc[4] > 0]
        cells = ["", "", ""]
        if prices:
            cells[0] = half_up(median_fraction(prices) / 1000000, 2)
        if served:
            cells[1] = fmt_rounded(len(prices), served, 4)
        if ratios:
            cells[2] = half_up(median_fraction(ratios), 4)
        if incomes is not None:
            income = incomes.get(geoid, 0)
            cells.append(half_up(1200 * median_fraction(prices) / income, 2)
                         if prices and income > 0 else "")
        downs = sorted(loc[0] for loc in locs)
        ups = sorted(loc[1] for loc in locs)
        rank = (9 * n + 9) // 10  # nearest rank: ceil(0.9 n)
        competition = [0, 0, 0]
        for loc in locs:
            competition[min(loc[5], 2)] += 1
        cells += [fmt_fixed(downs[rank - 1], 6), fmt_fixed((ups[(n - 1) // 2] + ups[n // 2]) * 5, 7),
                  fmt_fixed(ups[rank - 1], 6)] + ["%d" % c for c in competition]
        lines.append(line + "," + ",".join(cells) + "\n")
    with open(path, "w", newline="") as f:
        f.write("".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--blocks", type=int, default=20000, help="census blocks in all")
    ap.add_argument("--state", default="08", help="2-digit state FIPS (default 08)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--counties", type=int, default=20, help="counties 001,003,... (default 20)")
    group.add_argument("--county-list", help="file of 5-digit county GEOIDs, one a line")
    ap.add_argument("--files", type=int, default=4, choices=range(1, 10), metavar="1..9",
                    help="availability files, split by technology group (default 4)")
    ap.add_argument("--zip-some", action="store_true", help="write the last file as a .zip")
    ap.add_argument("--fabric", action="store_true", help="also write fabric.csv")
    ap.add_argument("--truth", action="store_true", help="also write the truth_*.csv files")
    ap.add_argument("--blocks-layer", action="store_true",
                    help="also write a TIGER-like block layer and a county polygon layer")
    ap.add_argument("--layer-format", choices=sorted(LAYER_FORMATS), default="gpkg",
                    help="format of the block layer (default gpkg)")
    ap.add_argument("--county-polygons", metavar="FILE",
                    help="with --blocks-layer: draw internal points inside these county polygons")
    ap.add_argument("--plans", action="store_true",
                    help="also write plans.csv and income.csv (and with --truth, price truths)")
    args = ap.parse_args()
    if args.seed < 0:
        ap.error("--seed must be >= 0")
    started = time.monotonic()
    names, stats = generate(args)
    for name in names:
        print(os.path.join(args.out, name))
    print("gen_bdc: %d blocks, %d locations, %d rows, %d fabric-only, %d non-BSL, %.1f s" % (
        stats["blocks"], stats["locations"], stats["rows"], stats["fabric_only"], stats["non_bsl"],
        time.monotonic() - started), file=sys.stderr)
    for name, rows in stats["rows_per_file"].items():
        print("gen_bdc:   %-50s %10d rows" % (name, rows), file=sys.stderr)


if __name__ == "__main__":
    main()
