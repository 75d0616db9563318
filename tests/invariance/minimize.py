#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shrink a failing invariance case to the fewest data rows on which two commands still disagree.

Usage: minimize.py CASE_DIR OUT_DIR 'COMMAND A' 'COMMAND B' [FILE...]

The commands run in OUT_DIR (a copy of CASE_DIR) through the shell; they disagree when their exit
status or standard output differ. FILE... are the CSV files to shrink (default: every *.csv but
expect_*); the first line of each (the header) is kept. Rows are removed one at a time, greedily,
as long as the commands still disagree; whole files are emptied first. The .zip and .csv.gz copies
are rebuilt from the shrunken CSVs. Prints the remaining files.

Example:
  minimize.py /tmp/cases/case00050 /tmp/min \\
    'dialtone stats -q f0.csv f1.csv' 'dialtone stats -q --threads 3 f0.csv f1.csv'
(with DIALTONE_CHUNK_SIZE=75 in the environment for the chunked path).
"""

import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import zipfile


def split_records(data):
    """Lines with their endings (LF, CRLF or lone CR); quoted newlines are not honoured."""
    return [m.group(0) for m in re.finditer(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", data)]


def run(command, cwd):
    p = subprocess.run(command, shell=True, cwd=cwd, capture_output=True)
    return p.returncode, p.stdout


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    src, out, cmd_a, cmd_b = sys.argv[1:5]
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(src, out)
    for stale in glob.glob(os.path.join(out, "*.properties")):
        os.remove(stale)
    names = sys.argv[5:] or sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, "*.csv"))
                                   if not os.path.basename(p).startswith("expect_"))
    files = {}
    for name in names:
        with open(os.path.join(out, name), "rb") as f:
            records = split_records(f.read())
        files[name] = records

    def write():
        for name, records in files.items():
            data = b"".join(records)
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
            stem = name[:-4]
            if os.path.exists(os.path.join(out, stem + ".zip")):
                with zipfile.ZipFile(os.path.join(out, stem + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
                    z.writestr(name, data)
            if os.path.exists(os.path.join(out, name + ".gz")):
                with open(os.path.join(out, name + ".gz"), "wb") as f:
                    f.write(gzip.compress(data, mtime=0))
        for stale in glob.glob(os.path.join(out, "*.properties")):
            os.remove(stale)

    def disagree():
        write()
        return run(cmd_a, out) != run(cmd_b, out)

    if not disagree():
        sys.exit("minimize: the commands agree on the case as given")
    for name in list(files):  # whole files first
        saved = files[name]
        files[name] = saved[:1]
        if not disagree():
            files[name] = saved
    changed = True
    while changed:
        changed = False
        for name in list(files):
            i = 1
            while i < len(files[name]):
                saved = files[name]
                files[name] = saved[:i] + saved[i + 1:]
                if disagree():
                    changed = True
                else:
                    files[name] = saved
                    i += 1
    write()
    for name, records in files.items():
        print("== %s (%d rows)" % (name, len(records) - 1))
        sys.stdout.write(b"".join(records).decode("utf-8", "replace"))
        if records and not records[-1].endswith((b"\n", b"\r")):
            print()
    print("== %s\n%s" % (cmd_a, run(cmd_a, out)[1].decode()))
    print("== %s\n%s" % (cmd_b, run(cmd_b, out)[1].decode()))


if __name__ == "__main__":
    main()
