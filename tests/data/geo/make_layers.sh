#!/bin/sh
# SPDX-License-Identifier: MIT
# Rebuild the binary layers of tests/data/geo/ from the text sources in src/ (ogr2ogr, gdal-bin).
# The sources are the truth: README.md works every expected number out from them by hand.
set -eu
cd "$(dirname "$0")"
rm -rf build ./*.gpkg ./*.fgb ./*.zip ./*.shp ./*.shx ./*.dbf ./*.prj && mkdir build
csv() { # csv OUT SRC SRS [ogr2ogr options...]: a layer from src/SRC.csv (WKT column, .csvt types)
    out=$1 src=$2 srs=$3
    shift 3
    ogr2ogr "$@" -a_srs "$srs" -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO "$out" "src/$src.csv"
}
# Blocks in NAD83 (EPSG:4269), as the Census ships them: a zipped shapefile per state ...
csv build/tl_2020_31_tabblock20.shp blocks_31 EPSG:4269 -f "ESRI Shapefile" -nln tl_2020_31_tabblock20
python3 - <<'PY'
import pathlib, zipfile  # fixed timestamps and modes: the same bytes on every run
with zipfile.ZipFile("tl_2020_31_tabblock20.zip", "w") as archive:
    for member in sorted(pathlib.Path("build").glob("tl_2020_31_tabblock20.*")):
        info = zipfile.ZipInfo(member.name, date_time=(2024, 6, 30, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, member.read_bytes())
PY
# ... a second state as FlatGeobuf, and both states in one GeoPackage.
csv tl_2020_20_tabblock20.fgb blocks_20 EPSG:4269 -f FlatGeobuf -nln tl_2020_20_tabblock20
csv blocks.gpkg blocks_31 EPSG:4269 -f GPKG -lco GEOMETRY_NAME=geom -nln tabblock20
csv blocks.gpkg blocks_20 EPSG:4269 -f GPKG -lco GEOMETRY_NAME=geom -nln tabblock20 -append
# Bad block layers: no .prj (no CRS), a local engineering CRS, no HOUSING20 field.
csv build/noprj.shp blocks_31 EPSG:4269 -f "ESRI Shapefile" -nln noprj
for ext in shp shx dbf; do cp "build/noprj.$ext" "blocks_noprj.$ext"; cp "build/noprj.$ext" "blocks_local.$ext"; done
cp src/local_cs.prj blocks_local.prj
csv blocks_nohousing.gpkg blocks_31 EPSG:4269 -f GPKG -lco GEOMETRY_NAME=geom -nln tabblock20 \
    -select STATEFP20,GEOID20,ALAND20,AWATER20,INTPTLAT20,INTPTLON20,POP20
# A latitude that is not one (feature 2), and GEOID20 stored as a number (leading 0 lost).
csv blocks_bad_point.gpkg blocks_bad_point EPSG:4269 -f GPKG -lco GEOMETRY_NAME=geom -nln tabblock20
csv blocks_numeric_geoid.gpkg blocks_numeric_geoid EPSG:4269 -f GPKG -lco GEOMETRY_NAME=geom \
    -nln tabblock20
# Regions in NAD83 / Conus Albers (EPSG:5070), metres; the same reprojected to EPSG:4269.
csv areas_5070.gpkg areas EPSG:5070 -f GPKG -lco GEOMETRY_NAME=geom -nln areas -nlt PROMOTE_TO_MULTI
ogr2ogr -f GPKG -lco GEOMETRY_NAME=geom -t_srs EPSG:4269 areas_4269.gpkg areas_5070.gpkg
csv areas_bowtie.gpkg areas_bowtie EPSG:5070 -f GPKG -lco GEOMETRY_NAME=geom -nln areas
csv areas_degenerate.gpkg areas_degenerate EPSG:5070 -f GPKG -lco GEOMETRY_NAME=geom -nln areas
rm -rf build
