#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate SYNTHETIC measured-speed tiles shaped like Ookla's open-data fixed tiles.

Everything written is invented: no number is a real speed test. The layout follows Ookla's
"Speedtest by Ookla Global Fixed and Mobile Network Performance Maps" files: one polygon per
zoom-16 Web Mercator quadkey tile, in EPSG:4326 longitude/latitude, with the fields quadkey,
avg_d_kbps, avg_u_kbps, avg_lat_ms, tests and devices.

Tiles are made where the fabric (bench/gen_bdc.py --fabric) has locations: about one tile in
three that holds a location gets tests. Speeds and counts come from a splitmix64 stream seeded by
--seed and the quadkey, so the same arguments give the same features on any Python 3.

Writes GeoJSON (--out FILE.geojson); convert to a GeoPackage with
    ogr2ogr -f GPKG tiles.gpkg tiles.geojson -nln fixed_tiles
"""

import argparse
import csv
import json
import math

M64 = (1 << 64) - 1
ZOOM = 16


def mix(x):
    """One splitmix64 step: a well-mixed 64-bit value of x."""
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def tile_of(lon, lat):
    n = 1 << ZOOM
    x = int((lon + 180.0) / 360.0 * n)
    s = math.sin(math.radians(lat))
    y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)
    return x, y


def quadkey(x, y):
    digits = []
    for i in range(ZOOM, 0, -1):
        mask = 1 << (i - 1)
        digits.append(str((1 if x & mask else 0) + (2 if y & mask else 0)))
    return "".join(digits)


def bounds(x, y):
    n = 1 << ZOOM

    def lat(yy):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fabric", required=True, help="fabric.csv with latitude and longitude")
    ap.add_argument("--out", required=True, help="output GeoJSON file")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    tiles = set()
    with open(args.fabric, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["latitude"] and row["longitude"]:
                tiles.add(tile_of(float(row["longitude"]), float(row["latitude"])))
    features = []
    for x, y in sorted(tiles):
        key = quadkey(x, y)
        r = mix(args.seed * 1000003 + int(key, 4))
        if r % 3:
            continue
        tests = 1 + (r >> 8) % 40
        down = 2000 + (r >> 16) % 400000  # kbps
        up = down // (2 + (r >> 40) % 15)
        x0, y0, x1, y1 = bounds(x, y)
        ring = [[round(x0, 9), round(y0, 9)], [round(x1, 9), round(y0, 9)],
                [round(x1, 9), round(y1, 9)], [round(x0, 9), round(y1, 9)],
                [round(x0, 9), round(y0, 9)]]
        features.append({"type": "Feature", "properties": {
            "quadkey": key, "avg_d_kbps": down, "avg_u_kbps": up,
            "avg_lat_ms": 8 + (r >> 48) % 60, "tests": tests, "devices": 1 + (tests - 1) // 3},
            "geometry": {"type": "Polygon", "coordinates": [ring]}})
    with open(args.out, "w") as f:
        f.write('{"type": "FeatureCollection", "name": "fixed_tiles", "features": [\n')
        f.write(",\n".join(json.dumps(feature) for feature in features))
        f.write("\n]}\n")
    print("gen_tiles: %d tiles (of %d that hold a location) -> %s" % (
        len(features), len(tiles), args.out))


if __name__ == "__main__":
    main()
