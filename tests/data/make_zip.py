# SPDX-License-Identifier: MIT
"""Rebuild tests/data/split/more.zip from tests/data/split/zip_src/*.csv (deterministic bytes)."""
import pathlib
import zipfile

here = pathlib.Path(__file__).resolve().parent / "split"
with zipfile.ZipFile(here / "more.zip", "w") as archive:
    for member in ("more_a.csv", "more_b.csv"):
        info = zipfile.ZipInfo(member, date_time=(2024, 6, 30, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, (here / "zip_src" / member).read_bytes())
