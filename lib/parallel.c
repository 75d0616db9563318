/* SPDX-License-Identifier: MIT */
/* A job cut in parts, each on a thread of its own. */
#include <pthread.h>

#include "internal.h"

typedef struct part {
    void (*fn)(void *user, int part, int parts);
    void *user;
    int self, parts;
    pthread_t thread;
} part;

static void *run_part(void *arg)
{
    part *p = arg;
    p->fn(p->user, p->self, p->parts);
    return NULL;
}

void dti_parallel(int parts, void (*fn)(void *user, int part, int parts), void *user)
{
    part each[DTI_PARALLEL_MAX];
    int started[DTI_PARALLEL_MAX] = {0};
    if (parts > DTI_PARALLEL_MAX)
        parts = DTI_PARALLEL_MAX;
    for (int k = 1; k < parts; k++) {
        each[k] = (part){fn, user, k, parts, 0};
        started[k] = pthread_create(&each[k].thread, NULL, run_part, &each[k]) == 0;
    }
    fn(user, 0, parts);
    for (int k = 1; k < parts; k++) {
        if (started[k])
            pthread_join(each[k].thread, NULL);
        else
            fn(user, k, parts); /* no thread for it: here, after the rest */
    }
}
