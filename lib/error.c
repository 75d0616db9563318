/* SPDX-License-Identifier: MIT */
/* Status descriptions and the dt_error helpers, including GDAL's errors. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

const char *dt_strerror(dt_status status)
{
    switch (status) {
    case DT_OK: return "success";
    case DT_ERR_NOMEM: return "out of memory";
    case DT_ERR_IO: return "input/output error";
    case DT_ERR_FORMAT: return "bad input format";
    case DT_ERR_CRS: return "coordinate reference system error";
    case DT_ERR_USAGE: return "usage error";
    case DT_ERR_CANCEL: return "cancelled";
    case DT_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

const char *dt_version(void) { return DT_VERSION; }

dt_status dti_error_set(dt_error *err, dt_status status, const char *file, long line,
                        const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    err->line = line;
    /* a line is always of an input, and "-" as an input is standard input (outputs to
     * stdout, without lines, stay "-") */
    if (file && line > 0 && strcmp(file, "-") == 0)
        file = "standard input";
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

dt_status dti_error_gdal(dt_error *err, dt_status status, const char *file, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    if (msg && *msg)
        return dti_error_set(err, status, file, 0, "%s: %s", what, msg);
    return dti_error_set(err, status, file, 0, "%s", what);
}

void dti_say(dt_note_fn note, void *user, const char *fmt, ...)
{
    if (!note)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    note(text, user);
}

char *dt_error_format(const dt_error *err, char *buf, unsigned long size)
{
    if (!err->file[0])
        snprintf(buf, size, "%s", err->message);
    else if (err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else
        snprintf(buf, size, "%s: %s", err->file, err->message);
    return buf;
}

/* GDAL prints its errors to stderr by default; the library never prints, so each call holds
 * a quiet handler of its own (GDAL keeps the handler stack per thread) and reads
 * CPLGetLastErrorMsg() where a GDAL call fails. The handler's state is the call's. */
static void quiet_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num, (void)msg;
    dti_gdal_scope *scope = CPLGetErrorHandlerUserData();
    if (scope && cls >= CE_Failure)
        scope->failures++;
}

/* Linked normally, GDAL is there from the start. bin/dialtone binds it lazily (tools/lazy):
 * its stub defines this function too, and calls dti_gdal_loaded_hook when GDAL is loaded.
 * Never inlined nor its answer assumed (noipa): under link-time optimisation GCC took this
 * definition's constant 1 into its callers although the stub's definition prevails, and every
 * run loaded GDAL. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((weak, noipa))
#else
__attribute__((weak, noinline))
#endif
int dti_gdal_loaded(void)
{
    return 1;
}

/* The innermost call on this thread that began before GDAL was loaded (so it pushed no
 * handler): the process-wide handler installed when GDAL is loaded keeps such a call quiet. */
static _Thread_local dti_gdal_scope *unpushed;

static void CPL_STDCALL process_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    if (!unpushed) { /* outside every call (another thread of the program): GDAL's default */
        CPLDefaultErrorHandler(cls, num, msg);
        return;
    }
    if (cls >= CE_Failure)
        unpushed->failures++;
}

void dti_gdal_enter(dti_gdal_scope *scope)
{
    scope->failures = 0;
    scope->pushed = dti_gdal_loaded();
    if (!scope->pushed) { /* GDAL is not loaded: nothing to push, no last error to keep */
        scope->outer = unpushed;
        unpushed = scope;
        return;
    }
    /* the caller's own last error, given back on leaving (CPLErrorStateBackuper in C) */
    scope->caller_class = (int)CPLGetLastErrorType();
    scope->caller_number = CPLGetLastErrorNo();
    snprintf(scope->caller_message, sizeof scope->caller_message, "%s", CPLGetLastErrorMsg());
    CPLPushErrorHandlerEx(quiet_handler, scope);
}

void dti_gdal_leave(dti_gdal_scope *scope)
{
    if (!scope->pushed) {
        unpushed = scope->outer;
        if (dti_gdal_loaded()) /* loaded during the call: the caller had no last error */
            CPLErrorSetState(CE_None, CPLE_None, "");
        return;
    }
    CPLPopErrorHandler();
    CPLErrorSetState((CPLErr)scope->caller_class, scope->caller_number, scope->caller_message);
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT, ogr_once = PTHREAD_ONCE_INIT;

static void gdal_setup(void)
{
    /* GDAL's /vsigzip/ writes FILE.gz.properties beside an input it seeks in
     * or stats; nothing may be written beside an input. A user's own setting
     * (environment or --config) is left as it is. */
    if (!CPLGetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", NULL))
        CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO");
}

void dti_gdal_loaded_hook(void)
{
    CPLSetErrorHandler(process_handler);
    pthread_once(&gdal_once, gdal_setup);
}

static void ogr_setup(void) { GDALAllRegister(); }

/* Reading CSVs needs only GDAL's VSI layer; registering every driver costs
 * tens of milliseconds, so only vector work asks for it (dti_ogr_init). Each runs once
 * per process, whichever thread asks first. Before GDAL is loaded there is nothing to set
 * up: dti_gdal_loaded_hook does it when GDAL is loaded. */
void dti_gdal_init(void)
{
    if (dti_gdal_loaded())
        pthread_once(&gdal_once, gdal_setup);
}

void dti_ogr_init(void)
{
    dti_gdal_init();
    pthread_once(&ogr_once, ogr_setup);
}

const char *dti_config_option(const char *key, const char *fallback)
{
    if (dti_gdal_loaded())
        return CPLGetConfigOption(key, fallback);
    const char *value = getenv(key); /* all CPLGetConfigOption could see so far */
    return value ? value : fallback;
}

dt_status dti_nomem(dt_error *err)
{
    return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
}
