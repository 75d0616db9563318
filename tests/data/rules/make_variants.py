# SPDX-License-Identifier: MIT
"""Write the reading-rules test inputs into OUTDIR (tests/rules/run.sh calls this).

Every file is base.csv (or fabric.csv) re-encoded, compressed, damaged or given one extra
row, so the expected results follow from base.csv's hand-computed goldens (README.md here):
a good variant must give exactly those; a bad one must stop the run naming the file (and line).
"""
import gzip
import pathlib
import struct
import sys
import zipfile
import zlib

here = pathlib.Path(__file__).resolve().parent
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
base = (here / "base.csv").read_bytes()
fabric = (here / "fabric.csv").read_bytes()
header, rows = base.split(b"\n", 1)
assert base.endswith(b"\n")
# base.csv has 10 lines (line 4-5 is one record: a quoted newline); an appended row is line 11.
BAD_LINE = 11
EXTRA = b"7008,,200030001001004,805,Extra Net,50,%s,20,1,R,KS,0080000005,8826a11bfffffff\n"


def write(name, data):
    (out / name).write_bytes(data)


def line_ends(data, ends):
    """data with each LF replaced by ends[i % len(ends)] (also the quoted one)."""
    parts = data.split(b"\n")
    text = b""
    for i, part in enumerate(parts[:-1]):
        text += part + ends[i % len(ends)]
    return text + parts[-1]


# --- line ends: LF, CRLF, lone CR (old Excel), a mix; each also with a bad row on line 11 ----
variants = {"lf": [b"\n"], "crlf": [b"\r\n"], "cr": [b"\r"], "mixed": [b"\n", b"\r", b"\r\n"]}
for name, ends in variants.items():
    write(f"{name}.csv", line_ends(base, ends))
    write(f"{name}_bad.csv", line_ends(base + EXTRA % b"fast", ends))
write("bom_cr.csv", b"\xef\xbb\xbf" + line_ends(base, [b"\r"]))
# a CR-only file without a final line end
write("cr_noend.csv", line_ends(base, [b"\r"])[:-1])

# --- speeds: each spelling is a bad row on line 11 (the rule: digits[.digits], <= 6 decimals) --
bad_speeds = [b"1.0000001", b"1E2", b"5e1", b"+5", b"-5", b" 5", b"5 ", b"0x10", b"inf", b"nan",
              b"1,5", b".", b"", b"1.2.3", b"\xd9\xa5"]
for i, speed in enumerate(bad_speeds):
    if speed == b"1,5":
        speed = b'"1,5"'
    write(f"speed_{i}.csv", base + EXTRA % speed)
write("speed_list.txt", b"\n".join(b"speed_%d.csv" % i for i in range(len(bad_speeds))) + b"\n")

# --- NUL bytes: "100\0" read as a C string would be 100, making 7003 served ----------------
nul_row = b"7003,,200010001001003,802,Plain Net,10,100\0,20,1,B,KS,0080000002,8826a10bfffffff\n"
write("nul_speed.csv", base + nul_row)
write("nul_quoted.csv", base + nul_row.replace(b"Plain Net", b'"Plain\0 Net, Inc."').replace(
    b"100\0", b"100"))
write("nul_header.csv", base.replace(b"frn", b"f\0rn", 1))
write("fabric_nul.csv", fabric + b"7105,200030001001003,37.2,-98.2,tr\0ue\n")

# --- low_latency and bsl_flag spellings ----------------------------------------------------
write("flag_bad.csv", base + (EXTRA % b"50").replace(b",20,1,R,", b",20,maybe,R,"))
write("fabric_flag_bad.csv", fabric + b"7105,200030001001003,37.2,-98.2,sometimes\n")

# --- identifiers ------------------------------------------------------------------------------
write("empty_location.csv", base + (EXTRA % b"50").replace(b"7008,", b",", 1))
write("empty_provider.csv", base + (EXTRA % b"50").replace(b",805,", b",,", 1))
write("fabric_empty_location.csv", fabric + b",200030001001003,37.2,-98.2,true\n")

# --- headers ----------------------------------------------------------------------------------
def with_header(new_header):
    return new_header + b"\n" + rows


write("header_dup_location.csv", with_header(header + b",location_id"))
write("header_dup_unused.csv", with_header(header.replace(b"note", b"frn")))
write("header_dup_spaced.csv", with_header(header.replace(b",frn,", b", state_usps ,")))
write("header_missing.csv", with_header(header.replace(b"low_latency", b"latency")))
write("header_only.csv", header + b"\r")
write("fabric_dup.csv", b"location_id,block_geoid,latitude,longitude,bsl_flag,latitude\n" +
      b"\n".join(line + b",1" for line in fabric.split(b"\n")[1:-1]) + b"\n")

# --- compressed: good ones ----------------------------------------------------------------------
member = gzip.compress(base, mtime=0)
write("base.csv.gz", member)
cut = len(base) // 2 + 7  # two gzip members, split inside a record
write("multi.csv.gz", gzip.compress(base[:cut], mtime=0) + gzip.compress(base[cut:], mtime=0))
write("padded.csv.gz", member + b"\0" * 16)


def zip_with(name, data, method):
    info = zipfile.ZipInfo("base.csv", date_time=(2024, 6, 30, 0, 0, 0))
    info.compress_type = method
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(out / name, "w") as archive:
        archive.writestr(info, data)
    return bytearray((out / name).read_bytes())


deflated = zip_with("deflated.zip", base, zipfile.ZIP_DEFLATED)
stored = zip_with("stored.zip", base, zipfile.ZIP_STORED)

# --- compressed: damaged ones (each must be an error naming the file) ---------------------------
write("trunc.csv.gz", member[: len(member) // 2])
write("notrailer.csv.gz", member[:-8])
crc = bytearray(member)
crc[-8] ^= 0x01
write("badcrc.csv.gz", bytes(crc))
size = bytearray(member)
size[-4] ^= 0x01
write("badsize.csv.gz", bytes(size))
write("garbage.csv.gz", member + b"junk")
multi_bad = bytearray(gzip.compress(base[:cut], mtime=0))
multi_bad[-8] ^= 0x01
write("multi_badcrc.csv.gz", bytes(multi_bad) + gzip.compress(base[cut:], mtime=0))
# cut exactly at a record boundary: flushed there, so everything before it inflates cleanly
boundary = base.index(b"\n7005,") + 1
z = zlib.compressobj(6, zlib.DEFLATED, 31)
write("cut_record.csv.gz", z.compress(base[:boundary]) + z.flush(zlib.Z_FULL_FLUSH))


def patch(data, field_offset, central_offset, value):
    data = bytearray(data)
    struct.pack_into("<I", data, field_offset, value)
    struct.pack_into("<I", data, central_offset, value)
    return bytes(data)


def central(data):
    return data.find(b"PK\x01\x02")


for name, data in (("deflated", deflated), ("stored", stored)):
    cd = central(data)
    crc_value = struct.unpack_from("<I", data, 14)[0]
    usize = struct.unpack_from("<I", data, 22)[0]
    write(f"{name}_badcrc.zip", patch(data, 14, cd + 16, crc_value ^ 1))
    write(f"{name}_bigsize.zip", patch(data, 22, cd + 24, usize + 10))
    write(f"{name}_smallsize.zip", patch(data, 22, cd + 24, usize - 10))
damaged = bytearray(deflated)
damaged[30 + len("base.csv") + 40] ^= 0x55
write("deflated_corrupt.zip", bytes(damaged))
write("trunc.zip", bytes(deflated[: len(deflated) // 2]))

# --- the other readers of speeds and headers ------------------------------------------------------
plans_header = b"provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,monthly_price\n"
write("plans_good.csv", plans_header + b"801,50,100.000000,20,50\n")
write("plans_speed.csv", plans_header + b"801,50,1E2,20,50\n")
write("plans_dup.csv", plans_header.replace(b"\n", b",monthly_price\n") + b"801,50,100,20,50,60\n")
write("benchmark_speed.csv", b"name,median_down_mbps,monthly_price\nBench,2.5e2,50\n")
write("fabric_cr.csv", fabric.replace(b"\n", b"\r"))
write("fabric.csv.gz", gzip.compress(fabric, mtime=0))
write("fabric_trunc.csv.gz", gzip.compress(fabric, mtime=0)[:-8])
