#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every command's --help and its man page list the same options, and every help line fits
80 columns. Usage: options.py DIALTONE MAN_DIR. Exit 1 (with the differences) when not."""
import re
import subprocess
import sys

dialtone, man_dir = sys.argv[1], sys.argv[2]
commands = re.findall(r"^  (\w+) ", subprocess.run([dialtone, "--help"], capture_output=True,
                                                    text=True).stdout, re.M)
failures = 0
passed = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)


def help_options(text):
    """The option names in the left column (first 24 characters) of the option lines."""
    names = set()
    for line in text.splitlines():
        if not line.startswith("  -"):
            continue
        left = line[:24] if len(line) > 24 and line[22:24] == "  " else line
        for word in re.findall(r"(?:^|[ ,])(-{1,2}[a-z][a-z0-9-]*)", left):
            names.add(word)
    return names


def man_options(text):
    """The option names of the lines after .TP (the tagged paragraphs of OPTIONS)."""
    names = set()
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            tag = lines[i + 1].replace("\\-", "-")
            for word in re.findall(r"(?:^|[\s,\"])(-{1,2}[a-z][a-z0-9-]*)", tag):
                names.add(word)
    return names


if len(commands) < 8:
    fail("dialtone --help lists %d commands" % len(commands))
for cmd in commands:
    out = subprocess.run([dialtone, cmd, "--help"], capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s --help exits %d" % (cmd, out.returncode))
        continue
    long_lines = [l for l in out.stdout.splitlines() if len(l) > 80]
    if long_lines:
        fail("%s --help: %d lines over 80 columns: %r" % (cmd, len(long_lines), long_lines[0]))
    else:
        passed += 1
    with open("%s/dialtone-%s.1" % (man_dir, cmd), encoding="utf-8") as f:
        man = man_options(f.read())
    helped = help_options(out.stdout)
    for name in sorted(helped - man):
        fail("%s: %s is in --help but not in dialtone-%s(1)" % (cmd, name, cmd))
    for name in sorted(man - helped):
        fail("%s: %s is in dialtone-%s(1) but not in --help" % (cmd, name, cmd))
    if not (helped - man) and not (man - helped):
        passed += 1
    for flag in ("-q", "-h", "--version"):
        if flag not in helped:
            fail("%s --help does not list %s" % (cmd, flag))
print("docs: %d passed, %d failed" % (passed, failures))
sys.exit(1 if failures else 0)
