/* SPDX-License-Identifier: MIT */
/* Open-addressing hash tables: 64-bit key maps and sets, interned strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* A big table (a state's locations: tens of MB) comes straight from the
 * kernel in 2 MiB pages where it can: one page fault where 4 KiB pages
 * take 512, which is most of a big run's system time. Smaller ones, and
 * systems without MADV_HUGEPAGE, use malloc. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_TABLE ((size_t)4 << 20)

static void *table_alloc(size_t bytes)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (bytes >= HUGE_TABLE) {
        /* map a huge page more, and keep the 2 MiB-aligned part */
        size_t mapped = bytes + HUGE_PAGE;
        char *p = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        char *aligned = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
        if (aligned > p)
            munmap(p, (size_t)(aligned - p));
        size_t tail = (size_t)(p + mapped - (aligned + bytes));
        if (tail)
            munmap(aligned + bytes, tail);
        madvise(aligned, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
        return aligned;
    }
#endif
    return malloc(bytes);
}

static void table_free(void *table, size_t bytes)
{
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
    if (table && bytes >= HUGE_TABLE) {
        munmap(table, bytes);
        return;
    }
#endif
    free(table);
}

static size_t capacity_for(size_t expected)
{
    size_t cap = 16;
    while (cap < expected + expected / 3 + 1) /* load <= 3/4 */
        cap <<= 1;
    return cap;
}

static uint64_t *new_keys(size_t cap)
{
    uint64_t *keys = table_alloc(cap * sizeof *keys);
    if (keys)
        memset(keys, 0xff, cap * sizeof *keys); /* DTI_EMPTY_KEY */
    return keys;
}

static dti_u64slot *new_slots(size_t cap)
{
    dti_u64slot *slots = table_alloc(cap * sizeof *slots);
    for (size_t i = 0; slots && i < cap; i++)
        slots[i].key = DTI_EMPTY_KEY;
    return slots;
}

int dti_u64map_init(dti_u64map *map, size_t expected)
{
    size_t cap = capacity_for(expected);
    map->slots = new_slots(cap);
    map->mask = cap - 1;
    map->count = 0;
    return map->slots ? 0 : -1;
}

void dti_u64map_free(dti_u64map *map)
{
    table_free(map->slots, (map->mask + 1) * sizeof *map->slots);
    map->slots = NULL;
    map->count = 0;
}

static int u64map_grow(dti_u64map *map)
{
    size_t cap = (map->mask + 1) * 2;
    dti_u64slot *slots = new_slots(cap);
    if (!slots)
        return -1;
    for (size_t i = 0; i <= map->mask; i++) {
        if (map->slots[i].key == DTI_EMPTY_KEY)
            continue;
        size_t slot = dti_hash64(map->slots[i].key) & (cap - 1);
        while (slots[slot].key != DTI_EMPTY_KEY)
            slot = (slot + 1) & (cap - 1);
        slots[slot] = map->slots[i];
    }
    table_free(map->slots, (map->mask + 1) * sizeof *map->slots);
    map->slots = slots;
    map->mask = cap - 1;
    return 0;
}

dti_u64slot *dti_u64map_put_slot(dti_u64map *map, uint64_t key, uint32_t new_value, int *inserted)
{
    size_t slot = dti_hash64(key) & map->mask;
    for (;;) {
        uint64_t k = map->slots[slot].key;
        if (k == key) {
            *inserted = 0;
            return &map->slots[slot];
        }
        if (k == DTI_EMPTY_KEY)
            break;
        slot = (slot + 1) & map->mask;
    }
    if ((map->count + 1) * 4 > (map->mask + 1) * 3) {
        if (u64map_grow(map) != 0)
            return NULL;
        return dti_u64map_put_slot(map, key, new_value, inserted);
    }
    map->slots[slot] = (dti_u64slot){key, new_value, 0};
    map->count++;
    *inserted = 1;
    return &map->slots[slot];
}

int dti_u64map_reserve(dti_u64map *map, size_t count)
{
    while (count * 4 > (map->mask + 1) * 3)
        if (u64map_grow(map) != 0)
            return -1;
    return 0;
}

void dti_u64map_insert_shared(dti_u64map *map, uint64_t key, uint64_t hash, uint32_t value,
                              uint32_t tag)
{
    for (size_t slot = hash & map->mask;; slot = (slot + 1) & map->mask) {
        uint64_t empty = DTI_EMPTY_KEY;
        dti_u64slot *s = &map->slots[slot];
        if (__atomic_load_n(&s->key, __ATOMIC_RELAXED) == DTI_EMPTY_KEY &&
            __atomic_compare_exchange_n(&s->key, &empty, key, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
            s->value = value; /* the slot is this thread's now */
            s->tag = tag;
            return;
        }
    }
}

uint32_t *dti_u64map_put(dti_u64map *map, uint64_t key, uint32_t new_value, int *inserted)
{
    dti_u64slot *slot = dti_u64map_put_slot(map, key, new_value, inserted);
    return slot ? &slot->value : NULL;
}

uint32_t dti_u64map_get(const dti_u64map *map, uint64_t key)
{
    size_t slot = dti_hash64(key) & map->mask;
    for (;;) {
        uint64_t k = map->slots[slot].key;
        if (k == key)
            return map->slots[slot].value;
        if (k == DTI_EMPTY_KEY)
            return UINT32_MAX;
        slot = (slot + 1) & map->mask;
    }
}

void dti_u64map_get_many(const dti_u64map *map, const uint64_t *keys, size_t n, uint32_t *out)
{
    enum { AHEAD = 16 };
    if (!map->slots) {
        for (size_t i = 0; i < n; i++)
            out[i] = UINT32_MAX;
        return;
    }
    for (size_t i = 0; i < n && i < AHEAD; i++)
        dti_u64map_prefetch(map, keys[i]);
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            dti_u64map_prefetch(map, keys[i + AHEAD]);
        out[i] = dti_u64map_get(map, keys[i]);
    }
}

int dti_u64set_init(dti_u64set *set, size_t expected)
{
    size_t cap = capacity_for(expected);
    set->keys = new_keys(cap);
    set->mask = cap - 1;
    set->count = 0;
    return set->keys ? 0 : -1;
}

void dti_u64set_free(dti_u64set *set)
{
    table_free(set->keys, (set->mask + 1) * sizeof *set->keys);
    set->keys = NULL;
    set->count = 0;
}

static int u64set_grow(dti_u64set *set)
{
    size_t cap = (set->mask + 1) * 2;
    uint64_t *keys = new_keys(cap);
    if (!keys)
        return -1;
    for (size_t i = 0; i <= set->mask; i++) {
        uint64_t key = set->keys[i];
        if (key == DTI_EMPTY_KEY)
            continue;
        size_t slot = dti_hash64(key) & (cap - 1);
        while (keys[slot] != DTI_EMPTY_KEY)
            slot = (slot + 1) & (cap - 1);
        keys[slot] = key;
    }
    table_free(set->keys, (set->mask + 1) * sizeof *set->keys);
    set->keys = keys;
    set->mask = cap - 1;
    return 0;
}

int dti_u64set_add(dti_u64set *set, uint64_t key)
{
    size_t slot = dti_hash64(key) & set->mask;
    for (;;) {
        uint64_t k = set->keys[slot];
        if (k == key)
            return 0;
        if (k == DTI_EMPTY_KEY)
            break;
        slot = (slot + 1) & set->mask;
    }
    if ((set->count + 1) * 4 > (set->mask + 1) * 3) {
        if (u64set_grow(set) != 0)
            return -1;
        return dti_u64set_add(set, key);
    }
    set->keys[slot] = key;
    set->count++;
    return 1;
}

/* FNV-1a, finished by the 64-bit mixer. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return dti_hash64(h);
}

void dti_strtab_init(dti_strtab *tab) { memset(tab, 0, sizeof *tab); }

void dti_strtab_free(dti_strtab *tab)
{
    free(tab->arena);
    free(tab->offsets);
    free(tab->slots);
    memset(tab, 0, sizeof *tab);
}

static int strtab_rehash(dti_strtab *tab, size_t cap)
{
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < tab->count; i++) {
        const char *s = tab->arena + tab->offsets[i];
        size_t slot = hash_bytes(s, strlen(s)) & (cap - 1);
        while (slots[slot])
            slot = (slot + 1) & (cap - 1);
        slots[slot] = (uint32_t)i + 1;
    }
    free(tab->slots);
    tab->slots = slots;
    tab->mask = cap - 1;
    return 0;
}

uint32_t dti_strtab_intern(dti_strtab *tab, const char *s, size_t len)
{
    if (!tab->slots && strtab_rehash(tab, 64) != 0)
        return UINT32_MAX;
    uint64_t h = hash_bytes(s, len);
    size_t slot = h & tab->mask;
    for (uint32_t v; (v = tab->slots[slot]) != 0; slot = (slot + 1) & tab->mask) {
        const char *t = tab->arena + tab->offsets[v - 1];
        if (strncmp(t, s, len) == 0 && t[len] == '\0')
            return v - 1;
    }
    /* offsets are 32-bit: the arena's capacity (4096 doubled) stays within UINT32_MAX bytes */
    if (tab->arena_used + len + 1 > (size_t)1 << 31 ||
        dti_grow(&tab->arena, &tab->arena_cap, tab->arena_used + len + 1, 1, 4096) != 0 ||
        dti_grow(&tab->offsets, &tab->offsets_cap, tab->count + 1, sizeof *tab->offsets, 64) != 0)
        return UINT32_MAX;
    uint32_t index = (uint32_t)tab->count;
    tab->offsets[index] = (uint32_t)tab->arena_used;
    memcpy(tab->arena + tab->arena_used, s, len);
    tab->arena[tab->arena_used + len] = '\0';
    tab->arena_used += len + 1;
    tab->count++;
    tab->slots[slot] = index + 1;
    if (tab->count * 3 > (tab->mask + 1) * 2 && strtab_rehash(tab, (tab->mask + 1) * 2) != 0)
        return UINT32_MAX;
    return index;
}

uint32_t dti_strtab_find(const dti_strtab *tab, const char *s, size_t len)
{
    if (!tab->slots)
        return UINT32_MAX;
    for (size_t slot = hash_bytes(s, len) & tab->mask; tab->slots[slot];
         slot = (slot + 1) & tab->mask) {
        const char *t = tab->arena + tab->offsets[tab->slots[slot] - 1];
        if (strncmp(t, s, len) == 0 && t[len] == '\0')
            return tab->slots[slot] - 1;
    }
    return UINT32_MAX;
}
