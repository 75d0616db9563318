/* SPDX-License-Identifier: MIT */
/* The temporary files and directories the library has made and not yet renamed into place or
 * removed, so that an interrupted process can remove them (dt_remove_temporaries, from a
 * signal handler). Entries are never freed, only marked unused and reused: a handler that
 * interrupts the list's owner always sees whole entries. */
#define _GNU_SOURCE /* syscall, getdents64 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

typedef struct temp_entry {
    struct temp_entry *next;
    volatile sig_atomic_t kind; /* 0 unused, else a dti_temp_kind */
    size_t cap;
    char path[];
} temp_entry;

static temp_entry *volatile entries;
static pthread_mutex_t entries_lock = PTHREAD_MUTEX_INITIALIZER;

int dti_temp_add(const char *path, dti_temp_kind kind)
{
    size_t len = strlen(path);
    pthread_mutex_lock(&entries_lock);
    temp_entry *e = entries;
    while (e && (e->kind || e->cap <= len))
        e = e->next;
    if (!e && (e = malloc(sizeof *e + len + 1)) != NULL) {
        e->kind = 0;
        e->cap = len + 1;
        e->next = entries;
        __atomic_store_n(&entries, e, __ATOMIC_RELEASE);
    }
    if (e) {
        memcpy(e->path, path, len + 1);
        __atomic_store_n(&e->kind, (sig_atomic_t)kind, __ATOMIC_RELEASE); /* whole path first */
    }
    pthread_mutex_unlock(&entries_lock);
    return e ? 0 : -1;
}

void dti_temp_forget(const char *path)
{
    if (!path)
        return;
    pthread_mutex_lock(&entries_lock);
    for (temp_entry *e = entries; e; e = e->next)
        if (e->kind && strcmp(e->path, path) == 0) {
            __atomic_store_n(&e->kind, 0, __ATOMIC_RELEASE);
            break;
        }
    pthread_mutex_unlock(&entries_lock);
}

/* Everything in the directory open as fd, then fd's directory itself by name (at, name):
 * only system calls, so that a signal handler may call it. */
static void remove_tree_at(int at, const char *name, int depth)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
                unsigned short reclen;
                memcpy(&reclen, buf + off + 16, sizeof reclen);
                unsigned char type = (unsigned char)buf[off + 18];
                const char *entry = buf + off + 19;
                if (strcmp(entry, ".") != 0 && strcmp(entry, "..") != 0) {
                    if (type == 4 /* DT_DIR */ && depth > 0)
                        remove_tree_at(fd, entry, depth - 1);
                    else if (unlinkat(fd, entry, 0) != 0 && depth > 0)
                        remove_tree_at(fd, entry, depth - 1); /* DT_UNKNOWN: a directory */
                }
                off += reclen;
            }
        }
        close(fd);
    }
    unlinkat(at, name, AT_REMOVEDIR);
}

void dti_temp_remove_tree(const char *path, int depth) { remove_tree_at(AT_FDCWD, path, depth); }

void dt_remove_temporaries(void)
{
    /* newest first: what a step made inside a temporary directory goes before it */
    for (temp_entry *e = __atomic_load_n(&entries, __ATOMIC_ACQUIRE); e; e = e->next) {
        sig_atomic_t kind = __atomic_load_n(&e->kind, __ATOMIC_ACQUIRE);
        if (kind == DTI_TEMP_FILE)
            unlink(e->path);
        else if (kind == DTI_TEMP_TREE)
            remove_tree_at(AT_FDCWD, e->path, 4);
        else if (kind == DTI_TEMP_EMPTY_DIR)
            rmdir(e->path);
    }
}

void dti_temp_unlink(const char *path)
{
    if (!path)
        return;
    unlink(path);
    dti_temp_forget(path);
}

void dti_signals_hold(sigset_t *old_mask)
{
    sigset_t hold;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hold, old_mask);
}

void dti_signals_release(const sigset_t *old_mask) { pthread_sigmask(SIG_SETMASK, old_mask, NULL); }
