# SPDX-License-Identifier: MIT
"""dialtone for notebooks: ctypes over libdialtone.so (standard library only).

Each call builds the argv that `dialtone COMMAND` takes, as GDAL's Python utilities do, so the
options are the command line's (see the dialtone-COMMAND(1) manuals):

    import dialtone
    rows = dialtone.stats(["bdc_20_Cable.csv", "bdc_20_Fiber.zip"], by="tract",
                          fabric="fabric.csv", ulfw=True)
    rows[0]["pct_unserved"]          # a float; counts are ints, region ids str
    dialtone.stats(files, frame=True)  # a pandas DataFrame, when pandas is installed

Keyword options become command-line options: ``id_field="GEOID"`` is ``--id-field GEOID``,
``True`` a bare flag, ``False`` or ``None`` nothing, a list or tuple the option once per item;
``output`` is ``-o``, ``format`` ``-of`` and ``layer_name`` ``-nln``. The library is found through
$DIALTONE_LIBRARY, then beside this package in a source tree (build/), then the system's
(ldconfig, LD_LIBRARY_PATH).
"""

import ctypes
import ctypes.util
import os

__all__ = ["DialtoneError", "stats", "map", "plan", "report", "version", "argv"]


class DialtoneError(Exception):
    """A failed call: status (dt_status), file and line of the bad input, message."""

    def __init__(self, status, file, line, message, text):
        super().__init__(text)
        self.status = status
        self.file = file
        self.line = line
        self.message = message


class _Error(ctypes.Structure):
    _fields_ = [
        ("status", ctypes.c_int),
        ("line", ctypes.c_long),
        ("file", ctypes.c_char * 1024),
        ("message", ctypes.c_char * 1024),
    ]


_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)
_NOTE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_COMMANDS = ("stats", "map", "plan", "diff", "report")
_TEXT, _INTEGER, _NUMBER = 0, 1, 2
_lib = None


def _candidates():
    if os.environ.get("DIALTONE_LIBRARY"):
        yield os.environ["DIALTONE_LIBRARY"]
        return
    tree = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build")
    yield os.path.join(tree, "libdialtone.so.0")
    found = ctypes.util.find_library("dialtone")
    if found:
        yield found
    yield "libdialtone.so.0"


def _library():
    global _lib
    if _lib is not None:
        return _lib
    errors = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as e:
            errors.append(str(e))
    else:
        raise OSError("libdialtone.so not found (set DIALTONE_LIBRARY): " + "; ".join(errors))
    p, err = ctypes.c_void_p, ctypes.POINTER(_Error)
    argv = ctypes.POINTER(ctypes.c_char_p)
    lib.dt_version.restype = ctypes.c_char_p
    lib.dt_version.argtypes = []
    lib.dt_error_format.restype = ctypes.c_char_p
    lib.dt_error_format.argtypes = [err, ctypes.c_char_p, ctypes.c_ulong]
    for command in _COMMANDS:
        new = getattr(lib, "dt_%s_options_new" % command)
        new.restype, new.argtypes = p, [ctypes.c_int, argv, err]
        free = getattr(lib, "dt_%s_options_free" % command)
        free.restype, free.argtypes = None, [p]
        run = getattr(lib, "dt_" + command)
        run.restype, run.argtypes = ctypes.c_int, [p, _PROGRESS, _NOTE, p, err]
    for command in ("stats", "plan", "diff"):
        table = getattr(lib, "dt_%s_table" % command)
        table.restype = ctypes.c_int
        table.argtypes = [p, _PROGRESS, _NOTE, p, ctypes.POINTER(p), err]
    ul = ctypes.c_ulong
    for name, restype, args in [
        ("dt_table_columns", ul, [p]),
        ("dt_table_rows", ul, [p]),
        ("dt_table_column_name", ctypes.c_char_p, [p, ul]),
        ("dt_table_column_type", ctypes.c_int, [p, ul]),
        ("dt_table_text", ctypes.c_char_p, [p, ul, ul]),
        ("dt_table_free", None, [p]),
    ]:
        f = getattr(lib, name)
        f.restype, f.argtypes = restype, args
    _lib = lib
    return lib


def version():
    """The library's version string."""
    return _library().dt_version().decode()


def _option_name(key):
    special = {"output": "-o", "format": "-of", "layer_name": "-nln"}
    return special.get(key, "--" + key.replace("_", "-"))


def argv(files=(), **options):
    """The command-line arguments a call passes to the library: options, then files."""
    args = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        name = _option_name(key)
        if value is True:
            args.append(name)
        elif isinstance(value, (list, tuple)):
            for item in value:
                args += [name, os.fspath(item) if isinstance(item, os.PathLike) else str(item)]
        else:
            args += [name, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    args += [os.fspath(f) for f in files]
    return args


def _raise(lib, error):
    buf = ctypes.create_string_buffer(2200)
    text = lib.dt_error_format(ctypes.byref(error), buf, len(buf)).decode("utf-8", "replace")
    raise DialtoneError(
        error.status,
        error.file.decode("utf-8", "replace") or None,
        error.line,
        error.message.decode("utf-8", "replace"),
        text,
    )


def _callbacks(note, progress):
    def on_note(text, user):
        if note:
            note(text.decode("utf-8", "replace"))

    def on_progress(frac, msg, user):
        if progress is None:
            return 1
        return 0 if progress(frac, msg.decode("utf-8", "replace") if msg else None) is False else 1

    return _NOTE(on_note), _PROGRESS(on_progress)


def _call(command, args, note, progress, keep_table=False):
    lib = _library()
    error = _Error()
    encoded = [a.encode() for a in args]
    c_argv = (ctypes.c_char_p * (len(encoded) + 1))(*encoded, None)
    options = getattr(lib, "dt_%s_options_new" % command)(len(encoded), c_argv, ctypes.byref(error))
    if not options:
        _raise(lib, error)
    on_note, on_progress = _callbacks(note, progress)
    table = ctypes.c_void_p()
    try:
        if keep_table:
            status = getattr(lib, "dt_%s_table" % command)(
                options, on_progress, on_note, None, ctypes.byref(table), ctypes.byref(error)
            )
        else:
            status = getattr(lib, "dt_" + command)(
                options, on_progress, on_note, None, ctypes.byref(error)
            )
    finally:
        getattr(lib, "dt_%s_options_free" % command)(options)
    if status != 0:
        _raise(lib, error)
    return table


def _value(kind, text):
    if kind == _TEXT:
        return text
    if text == "":
        return None
    return int(text) if kind == _INTEGER else float(text)


def _rows(lib, table):
    columns = lib.dt_table_columns(table)
    names = [lib.dt_table_column_name(table, c).decode() for c in range(columns)]
    kinds = [lib.dt_table_column_type(table, c) for c in range(columns)]
    rows = []
    for r in range(lib.dt_table_rows(table)):
        rows.append(
            {
                names[c]: _value(kinds[c], lib.dt_table_text(table, r, c).decode("utf-8"))
                for c in range(columns)
            }
        )
    return names, rows


def _table(command, args, frame, note, progress):
    lib = _library()
    table = _call(command, args, note, progress, keep_table=True)
    try:
        names, rows = _rows(lib, table)
    finally:
        lib.dt_table_free(table)
    if frame:
        import pandas  # optional: only when asked for

        return pandas.DataFrame(rows, columns=names)
    return rows


def stats(files, by="county", fabric=None, frame=False, note=None, progress=None, **options):
    """`dialtone stats`: the region table, one dict a region (ids as text, counts as int, the
    rest as float; None for an empty cell), or a pandas DataFrame with frame=True. Files are
    written only when options ask for them (output=, locations_out=, blocks_out=, ...).
    note(text) receives the notes the command line prints; progress(frac, msg) may return
    False to cancel."""
    return _table("stats", argv(files, by=by, fabric=fabric, **options), frame, note, progress)


def plan_table(stats, budget, frame=False, note=None, progress=None, **options):
    """`dialtone plan` on the region table file stats: the plan table (rank, geoid, pass, ...,
    funded, ...) as dicts (or a DataFrame), written to a file only with output=; the map with
    map= as the command line draws it."""
    return _table("plan", argv([stats], budget=budget, **options), frame, note, progress)


def diff(old, new, frame=False, note=None, progress=None, **options):
    """`dialtone diff` of two releases (each a file, archive, glob or directory): the region
    table of changes as dicts (or a DataFrame); written to a file only with output=."""
    return _table("diff", argv([old, new], **options), frame, note, progress)


def _outputs(options, keys):
    return [os.fspath(options[k]) for k in keys if options.get(k)]


def map(output, note=None, progress=None, **options):
    """`dialtone map`: draws the map; returns the paths written (output, and svg= if given)."""
    _call("map", argv(output=output, **options), note, progress)
    return _outputs(dict(options, output=output), ["output", "svg"])


def plan(stats, output, note=None, progress=None, **options):
    """`dialtone plan`: from the region table file stats, writes the plan table (and map= if
    given); returns the paths written."""
    _call("plan", argv([stats], output=output, **options), note, progress)
    return _outputs(dict(options, output=output), ["output", "map"])


def report(output, note=None, progress=None, **options):
    """`dialtone report`: writes the HTML page; returns its path in a list."""
    _call("report", argv(output=output, **options), note, progress)
    return [os.fspath(output)]
