/* SPDX-License-Identifier: MIT */
/* bin/dialtone's resolver for the trampolines of tools/lazy_stub.sh: a library is loaded at the
 * first call of one of its functions, so that a run which never needs GDAL never pays for
 * loading it and its hundred dependencies. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "lazy_stub.h"

#define HIDDEN __attribute__((visibility("hidden")))

HIDDEN void *dti_lazy_resolve(unsigned long index);       /* called by the thunks */
HIDDEN extern void *dti_lazy_table[DTI_LAZY_SYMBOLS + 1]; /* the trampolines' targets */

static void *functions[DTI_LAZY_SYMBOLS + 1];
static atomic_int ready[DTI_LAZY_LIBRARIES + 1]; /* loaded, resolved, set up */
static int resolved[DTI_LAZY_LIBRARIES + 1];     /* under lock */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int holding; /* this thread holds lock, loading a library */

static int is_gdal(int library) { return strncmp(lazy_sonames[library], "libgdal.", 8) == 0; }

/* dlopen and dlsym every function of library into functions[], or exit: a program whose
 * library is missing cannot go on (linked normally, it would not even have started). */
static void resolve_library(int library)
{
    const char *soname = lazy_sonames[library];
    void *handle = dlopen(soname, RTLD_LAZY | RTLD_GLOBAL);
    if (!handle) {
        fprintf(stderr, "dialtone: cannot load %s, which this command needs: %s\n", soname,
                dlerror());
        exit(1);
    }
    for (int i = 0; i < DTI_LAZY_SYMBOLS; i++) {
        if (lazy_library_of[i] != library)
            continue;
        dlerror();
        if (!(functions[i] = dlsym(handle, lazy_names[i]))) {
            fprintf(stderr, "dialtone: %s has no function %s (is it another version?)\n", soname,
                    lazy_names[i]);
            exit(1);
        }
    }
    resolved[library] = 1;
}

void *dti_lazy_resolve(unsigned long index)
{
    int library = lazy_library_of[index];
    if (atomic_load_explicit(&ready[library], memory_order_acquire))
        return functions[index];
    if (holding) { /* a call made while a library is being set up (dti_gdal_loaded_hook) */
        if (!resolved[library])
            resolve_library(library);
        return functions[index];
    }
    pthread_mutex_lock(&lock);
    if (!atomic_load_explicit(&ready[library], memory_order_relaxed)) {
        holding = 1;
        if (!resolved[library])
            resolve_library(library);
        /* GDAL's set-up comes before any other thread's or this call's own GDAL work */
        if (is_gdal(library))
            dti_gdal_loaded_hook();
        for (int i = 0; i < DTI_LAZY_SYMBOLS; i++)
            if (lazy_library_of[i] == library)
                __atomic_store_n(&dti_lazy_table[i], functions[i], __ATOMIC_RELEASE);
        atomic_store_explicit(&ready[library], 1, memory_order_release);
        holding = 0;
    }
    pthread_mutex_unlock(&lock);
    return functions[index];
}

/* Replaces the library's own (lib/error.c: GDAL always there when linked normally). */
int dti_gdal_loaded(void)
{
    for (int library = 0; library < DTI_LAZY_LIBRARIES; library++)
        if (is_gdal(library))
            return atomic_load_explicit(&ready[library], memory_order_acquire);
    return 1; /* GDAL is not bound lazily */
}
