#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Synthetic region layers for the map benchmark: a jittered grid of polygons whose neighbours
share every vertex (as TIGER's do), with wiggly edges, and a stats CSV for them.

    python3 bench/gen_map.py --out /tmp/mapbench --cols 60 --rows 50 --edge-points 8   # 3,000 "counties"
    python3 bench/gen_map.py --out /tmp/mapbench --cols 1000 --rows 1000 --edge-points 1 --name blocks

Writes NAME.csv (WKT polygons, EPSG:4269) and NAME_stats.csv (geoid,pct_unserved,unserved);
bench/map_bench.sh converts the layer to GeoPackage with ogr2ogr.
"""
import argparse
import math
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default="counties")
    ap.add_argument("--cols", type=int, default=60)
    ap.add_argument("--rows", type=int, default=50)
    ap.add_argument("--edge-points", type=int, default=8, help="extra vertices on each edge")
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rnd = random.Random(a.seed)
    lon0, lon1, lat0, lat1 = -104.0, -90.0, 33.0, 43.0  # a few plains states
    dx, dy = (lon1 - lon0) / a.cols, (lat1 - lat0) / a.rows
    # grid corners, jittered once so neighbours share them exactly
    corner = [[(lon0 + i * dx + (rnd.uniform(-0.25, 0.25) * dx if 0 < i < a.cols else 0),
                lat0 + j * dy + (rnd.uniform(-0.25, 0.25) * dy if 0 < j < a.rows else 0))
               for j in range(a.rows + 1)] for i in range(a.cols + 1)]

    def edge(p, q, key):
        """Points strictly between p and q, the same for both polygons that share the edge."""
        r = random.Random(hash(key) ^ a.seed)
        pts = []
        for k in range(1, a.edge_points + 1):
            t = k / (a.edge_points + 1)
            wiggle = r.uniform(-0.06, 0.06) * math.sin(math.pi * t)
            x = p[0] + t * (q[0] - p[0]) - wiggle * (q[1] - p[1])
            y = p[1] + t * (q[1] - p[1]) + wiggle * (q[0] - p[0])
            pts.append((x, y))
        return pts

    def side(i0, j0, i1, j1):
        p, q = corner[i0][j0], corner[i1][j1]
        if (i0, j0) < (i1, j1):
            return edge(p, q, (i0, j0, i1, j1))
        return list(reversed(edge(q, p, (i1, j1, i0, j0))))

    with open(os.path.join(a.out, a.name + ".csv"), "w") as f, \
            open(os.path.join(a.out, a.name + "_stats.csv"), "w") as s:
        f.write("GEOID,WKT\n")
        s.write("geoid,pct_unserved,unserved\n")
        n = 0
        for i in range(a.cols):
            for j in range(a.rows):
                ring = [corner[i][j]] + side(i, j, i + 1, j) + [corner[i + 1][j]] + \
                       side(i + 1, j, i + 1, j + 1) + [corner[i + 1][j + 1]] + \
                       side(i + 1, j + 1, i, j + 1) + [corner[i][j + 1]] + \
                       side(i, j + 1, i, j) + [corner[i][j]]
                geoid = "%09d" % n
                n += 1
                f.write('%s,"POLYGON ((%s))"\n' % (geoid, ",".join("%.6f %.6f" % p for p in ring)))
                u, v = i / a.cols, j / a.rows
                pct = max(0.0, min(100.0, 30 + 25 * math.sin(6 * u) * math.cos(5 * v) + rnd.gauss(0, 8)))
                if rnd.random() < 0.01:
                    s.write("%s,,\n" % geoid)  # no data
                else:
                    s.write("%s,%.2f,%d\n" % (geoid, pct, int(pct * rnd.randint(5, 40))))


if __name__ == "__main__":
    main()
