/* SPDX-License-Identifier: MIT */
/* Provenance: what every output means (version, rules, regions, fabric, states, vintage and
 * inputs with their fingerprints), written beside CSV tables as a W3C CSV on the Web
 * metadata sidecar (FILE.csv-metadata.json) and read back, checked, by the commands that
 * take dialtone's tables. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "xxh.h"

#include "internal.h"

#define CSVW_CONTEXT "http://www.w3.org/ns/csvw"
#define DIALTONE_NS "urn:x-dialtone:"

/* jansson reports an allocation failure as a NULL value or a -1, and drops the value it was
 * given. Every builder here checks each call and counts a failure in `bad`; a provenance a
 * builder could not complete is spoiled: its "dialtone" member is removed (which allocates
 * nothing), so that dti_prov_ok says no and no output is written with it. Never a sidecar
 * with a field silently missing. */
static int put(json_t *o, const char *key, json_t *value)
{
    return json_object_set_new(o, key, value) != 0; /* NULL o or value: -1, value dropped */
}

static int push(json_t *a, json_t *value) { return json_array_append_new(a, value) != 0; }

static void spoil(json_t *p, int bad)
{
    if (bad)
        json_object_del(p, "dialtone");
}

int dti_prov_ok(const json_t *p) { return json_is_string(json_object_get(p, "dialtone")); }

json_t *dti_prov_new(const char *command)
{
    json_t *p = json_object();
    if (p &&
        (put(p, "dialtone", json_string(dt_version())) | put(p, "command", json_string(command)))) {
        json_decref(p);
        return NULL;
    }
    return p;
}

void dti_prov_free(json_t *p) { json_decref(p); }

static json_t *threshold(int64_t down, int64_t up)
{
    char d[32], u[32], both[72];
    dti_format_fixed(d, sizeof d, down, 6);
    dti_format_fixed(u, sizeof u, up, 6);
    snprintf(both, sizeof both, "%s/%s", d, u);
    return json_string(both);
}

void dti_prov_rules(json_t *p, const dti_rules *r)
{
    json_t *rules = json_object(), *tech = json_array();
    static const int reliable[] = {10, 40, 50, 71, 72};
    int bad = 0;
    for (size_t i = 0; i < sizeof reliable / sizeof *reliable; i++)
        bad |= push(tech, json_integer(reliable[i]));
    if (r->ulfw)
        bad |= push(tech, json_integer(70));
    bad |= put(rules, "served", threshold(r->served_down, r->served_up));
    bad |= put(rules, "underserved", threshold(r->underserved_down, r->underserved_up));
    bad |= put(rules, "ulfw", json_boolean(r->ulfw));
    bad |= put(rules, "reliable_technologies", tech);
    bad |= put(rules, "low_latency_required", json_true());
    bad |= put(p, "rules", rules);
    spoil(p, bad);
}

void dti_prov_regions(json_t *p, const char *level, const char *layer, const char *id_field)
{
    json_t *regions = json_object();
    int bad = 0;
    if (layer) {
        bad |= put(regions, "layer", json_string(layer));
        bad |= put(regions, "id_field", json_string(id_field ? id_field : ""));
    } else {
        bad |= put(regions, "level", json_string(level ? level : "county"));
    }
    bad |= put(p, "regions", regions);
    spoil(p, bad);
}

void dti_prov_states(json_t *p, const dti_state_set *states)
{
    json_t *list = json_array();
    int bad = 0;
    for (int s = 0; s < 100; s++)
        if (dti_state_set_has(states, s)) {
            char code[12];
            snprintf(code, sizeof code, "%02d", s);
            bad |= push(list, json_string(code));
        }
    bad |= put(p, "states", list);
    spoil(p, bad);
}

/* The FCC's release in a file name: _J24 is June 2024, _D23 December 2023. */
static int vintage_of(const char *name, char *out, size_t size)
{
    for (const char *s = strchr(name, '_'); s; s = strchr(s + 1, '_')) {
        if ((s[1] == 'J' || s[1] == 'D') && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' &&
            s[3] <= '9' && (s[4] == '.' || s[4] == '_' || s[4] == '\0')) {
            snprintf(out, size, "%s 20%c%c", s[1] == 'J' ? "June" : "December", s[2], s[3]);
            return 1;
        }
    }
    return 0;
}

static json_t *input_list(const dti_inputs *in, json_t *vintages, int *bad)
{
    json_t *list = json_array();
    for (size_t i = 0; in && i < in->count; i++) {
        json_t *one = json_object();
        const char *slash = strrchr(in->display[i], '/');
        const char *name = slash ? slash + 1 : in->display[i];
        *bad |= put(one, "name", json_string(in->display[i]));
        *bad |= put(one, "file_bytes", json_integer((json_int_t)dti_input_size(in, i)));
        const dti_fingerprint *f = in->prints ? in->prints[i] : NULL;
        if (f && f->done) {
            char hex[24];
            snprintf(hex, sizeof hex, "%016" PRIx64, f->xxh3);
            *bad |= put(one, "bytes", json_integer((json_int_t)f->bytes));
            *bad |= put(one, "xxh3", json_string(hex));
        }
        char vintage[32];
        if (vintages && vintage_of(name, vintage, sizeof vintage)) {
            int seen = 0;
            for (size_t k = 0; k < json_array_size(vintages); k++)
                seen |= strcmp(json_string_value(json_array_get(vintages, k)), vintage) == 0;
            if (!seen)
                *bad |= push(vintages, json_string(vintage));
        }
        *bad |= push(list, one);
    }
    return list;
}

void dti_prov_inputs(json_t *p, const char *key, const dti_inputs *in)
{
    json_t *vintages = json_array();
    int bad = !vintages;
    json_t *list = input_list(in, vintages, &bad); /* before bad is read below */
    bad |= put(p, key, list);
    if (strcmp(key, "fabric") != 0 && json_array_size(vintages))
        bad |= put(p, "vintage", vintages);
    else {
        if (strcmp(key, "fabric") != 0)
            bad |= put(p, "vintage", json_null());
        json_decref(vintages);
    }
    spoil(p, bad);
}

void dti_prov_set_text(json_t *p, const char *key, const char *value)
{
    spoil(p, put(p, key, value ? json_string(value) : json_null()));
}

void dti_prov_set_int(json_t *p, const char *key, long long value)
{
    spoil(p, put(p, key, json_integer(value)));
}

void dti_prov_set_bool(json_t *p, const char *key, int value)
{
    spoil(p, put(p, key, json_boolean(value)));
}

void dti_prov_set_object(json_t *p, const char *key, json_t *value)
{
    spoil(p, put(p, key, value ? json_incref(value) : json_null()));
}

json_t *dti_prov_copy(const json_t *value)
{
    json_t *copy = NULL;
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        copy = json_object();
        json_object_foreach((json_t *)value, key, member)
        {
            if (copy && put(copy, key, dti_prov_copy(member))) {
                json_decref(copy);
                copy = NULL;
            }
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *member;
        copy = json_array();
        json_array_foreach(value, i, member)
        {
            if (copy && push(copy, dti_prov_copy(member))) {
                json_decref(copy);
                copy = NULL;
            }
        }
    } else if (value) {
        copy = json_copy((json_t *)value); /* a scalar: whole or NULL */
    }
    return copy;
}

/* json_dumps, checked by reading the text back: jansson 2.14 goes on when it cannot append a
 * sorted object's key (the key's dump_string result is not checked), which leaves the key out
 * of the text. Out of memory anywhere here: NULL. */
static char *dump(const json_t *value, size_t flags)
{
    char *text = json_dumps(value, flags);
    json_t *back = text ? json_loads(text, 0, NULL) : NULL;
    if (!back || !json_equal(back, (json_t *)value)) {
        free(text);
        text = NULL;
    }
    json_decref(back);
    return text;
}

char *dti_prov_text(const json_t *p)
{
    return dti_prov_ok(p) ? dump(p, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS) : NULL;
}

/* ---- the CSV on the Web sidecar ---- */

/* A column's CSVW datatype from its cells: integer, decimal, or string. Region and location
 * ids are always text (GEOIDs keep their leading zeros). */
typedef struct column_type {
    int not_integer, not_number, any;
} column_type;

static void judge(column_type *t, const char *cell, size_t len)
{
    if (len == 0)
        return; /* empty: no value, any type */
    t->any = 1;
    size_t i = cell[0] == '-' ? 1 : 0, digits = 0, dots = 0;
    for (; i < len; i++) {
        if (cell[i] >= '0' && cell[i] <= '9')
            digits++;
        else if (cell[i] == '.')
            dots++;
        else
            break;
    }
    int number = i == len && digits > 0 && dots <= 1;
    int lead_zero = cell[cell[0] == '-'] == '0' && digits > 1 && dots == 0;
    if (!number || dots)
        t->not_integer = 1;
    if (!number)
        t->not_number = 1;
    if (lead_zero)
        t->not_integer = t->not_number = 1;
}

static int is_id_column(const char *name)
{
    static const char *const ids[] = {"geoid", "location_id", "block_geoid", "provider_id", "name"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (strcmp(name, ids[i]) == 0)
            return 1;
    return 0;
}

/* What the sidecar says of a CSV file: its columns, row count and fingerprint. */
typedef struct csv_facts {
    json_t *columns;
    uint64_t rows, bytes, xxh3;
} csv_facts;

static dt_status read_facts(const char *path, const char *display, csv_facts *facts, dt_error *err)
{
    memset(facts, 0, sizeof *facts);
    FILE *fp = fopen(path, "rb");
    XXH3_state_t *hash = XXH3_createState();
    if (!fp || !hash) {
        if (fp)
            fclose(fp);
        XXH3_freeState(hash);
        return dti_error_set(err, fp ? DT_ERR_NOMEM : DT_ERR_IO, display, 0,
                             fp ? "out of memory" : "cannot read it back");
    }
    XXH3_64bits_reset(hash);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        XXH3_64bits_update(hash, buf, n);
        facts->bytes += n;
    }
    facts->xxh3 = XXH3_64bits_digest(hash);
    XXH3_freeState(hash);
    int failed = ferror(fp);
    fclose(fp);
    if (failed)
        return dti_error_set(err, DT_ERR_IO, display, 0, "cannot read it back");
    /* the columns and their types, through the CSV reader */
    dti_csv *csv = dti_csv_open(path, display, err);
    if (!csv)
        return err->status;
    dti_field f[DTI_MAX_FIELDS];
    int nf = 0, rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &nf, err), ncol = nf;
    if (rc <= 0) {
        dti_csv_close(csv);
        return rc < 0 ? err->status : dti_error_set(err, DT_ERR_FORMAT, display, 1, "no header");
    }
    if (ncol > DTI_MAX_FIELDS)
        ncol = DTI_MAX_FIELDS;
    char *names[DTI_MAX_FIELDS];
    column_type types[DTI_MAX_FIELDS];
    memset(types, 0, sizeof types);
    int named = 1;
    for (int c = 0; c < ncol; c++)
        named &= (names[c] = strndup(f[c].s, f[c].len)) != NULL;
    if (!named) { /* never a sidecar with a column's name missing */
        for (int c = 0; c < ncol; c++)
            free(names[c]);
        dti_csv_close(csv);
        return dti_nomem(err);
    }
    while ((rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &nf, err)) > 0) {
        facts->rows++;
        for (int c = 0; c < ncol && c < nf; c++)
            judge(&types[c], f[c].s, f[c].len);
    }
    dti_csv_close(csv);
    facts->columns = json_array();
    int bad = 0;
    for (int c = 0; c < ncol; c++) {
        const char *type = is_id_column(names[c]) || !types[c].any ? "string"
                           : !types[c].not_integer                 ? "integer"
                           : !types[c].not_number                  ? "decimal"
                                                                   : "string";
        json_t *col = json_object();
        bad |= put(col, "name", json_string(names[c]));
        bad |= put(col, "titles", json_string(names[c]));
        bad |= put(col, "datatype", json_string(type));
        bad |= push(facts->columns, col);
        free(names[c]);
    }
    if (bad) {
        json_decref(facts->columns);
        facts->columns = NULL;
        return rc < 0 ? err->status : dti_nomem(err);
    }
    return rc < 0 ? err->status : DT_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *dti_sidecar_path(const char *csv_path)
{
    size_t n = strlen(csv_path) + sizeof "-metadata.json";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s-metadata.json", csv_path);
    return path;
}

dt_status dti_sidecar_write(const char *csv_file, const char *csv_name, const char *sidecar_file,
                            const json_t *provenance, dt_error *err)
{
    csv_facts facts;
    dt_status status = read_facts(csv_file, csv_name, &facts, err);
    if (status != DT_OK)
        return status;
    if (!dti_prov_ok(provenance)) { /* a builder ran out of memory */
        json_decref(facts.columns);
        return dti_nomem(err);
    }
    json_t *doc = json_object(), *context = json_array(), *ns = json_object(),
           *schema = json_object();
    char hex[24];
    snprintf(hex, sizeof hex, "%016" PRIx64, facts.xxh3);
    int bad = put(ns, "dialtone", json_string(DIALTONE_NS));
    bad |= push(context, json_string(CSVW_CONTEXT));
    bad |= push(context, ns);
    bad |= put(doc, "@context", context);
    bad |= put(doc, "url", json_string(base_name(csv_name)));
    bad |= put(doc, "dc:creator", json_string("dialtone"));
    bad |= put(schema, "columns", facts.columns);
    bad |= put(doc, "tableSchema", schema);
    bad |= put(doc, "dialtone:rows", json_integer((json_int_t)facts.rows));
    bad |= put(doc, "dialtone:bytes", json_integer((json_int_t)facts.bytes));
    bad |= put(doc, "dialtone:xxh3", json_string(hex));
    bad |= put(doc, "dialtone:provenance", json_incref((json_t *)provenance));
    char *text = bad ? NULL : dump(doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    json_decref(doc);
    if (!text)
        return dti_nomem(err);
    FILE *fp = fopen(sidecar_file, "wb");
    size_t len = strlen(text);
    int failed = !fp || fwrite(text, 1, len, fp) != len;
    if (fp && fclose(fp) != 0)
        failed = 1;
    free(text);
    if (failed)
        status = dti_error_set(err, DT_ERR_IO, csv_name, 0, "cannot write its metadata sidecar: %s",
                               strerror(errno));
    return status;
}

/* jansson 2.14's parser does not check every allocation: one that fails can cut a string
 * short without an error, or read as a syntax error, and it gives no out-of-memory code. So
 * every text is parsed twice: two parses of the same bytes differ only when an allocation
 * failed, and a syntax error is one both parses report alike. */
json_t *dti_json_parse(const char *text, size_t len, const char *display, dt_error *err)
{
    json_error_t e1, e2;
    json_t *a = json_loadb(text, len, 0, &e1), *b = json_loadb(text, len, 0, &e2);
    if (a && b && json_equal(a, b)) {
        json_decref(b);
        return a;
    }
    json_decref(a);
    json_decref(b);
    if (!a && !b && e1.line == e2.line && e1.column == e2.column && strcmp(e1.text, e2.text) == 0 &&
        json_error_code(&e1) != json_error_out_of_memory) {
        dti_error_set(err, DT_ERR_FORMAT, display, e1.line > 0 ? e1.line : 0, "not JSON: %s",
                      e1.text);
        return NULL;
    }
    dti_nomem(err);
    return NULL;
}

json_t *dti_json_read_file(const char *path, dt_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0, n = 0;
    int failed = 0;
    do {
        if (dti_grow(&text, &cap, len + 65536, 1, 65536) != 0) {
            failed = 1;
            break;
        }
        len += n = fread(text + len, 1, cap - len, fp);
    } while (n > 0);
    int read_error = ferror(fp);
    fclose(fp);
    json_t *doc = NULL;
    if (failed)
        dti_nomem(err);
    else if (read_error)
        dti_error_set(err, DT_ERR_IO, path, 0, "read error");
    else
        doc = dti_json_parse(text, len, path, err);
    free(text);
    return doc;
}

int dti_sidecar_read(const char *csv_path, json_t **provenance, dt_error *err)
{
    *provenance = NULL;
    if (dti_is_stdin(csv_path))
        return 0; /* standard input has no sidecar */
    char *sidecar = dti_sidecar_path(csv_path);
    if (!sidecar) {
        dti_nomem(err);
        return -1;
    }
    FILE *probe = fopen(sidecar, "rb");
    if (!probe) {
        free(sidecar);
        return 0;
    }
    fclose(probe);
    json_t *doc = dti_json_read_file(sidecar, err);
    int rc = 1;
    json_t *rows = doc ? json_object_get(doc, "dialtone:rows") : NULL;
    json_t *hash = doc ? json_object_get(doc, "dialtone:xxh3") : NULL;
    json_t *prov = doc ? json_object_get(doc, "dialtone:provenance") : NULL;
    if (!doc) {
        rc = -1;
    } else if (!json_is_integer(rows) || !json_is_string(hash) || !json_is_object(prov) ||
               !json_is_string(json_object_get(prov, "command"))) {
        dti_error_set(err, DT_ERR_FORMAT, sidecar, 0,
                      "not a dialtone table's metadata (dialtone:rows, dialtone:xxh3 or "
                      "dialtone:provenance is missing)");
        rc = -1;
    } else {
        csv_facts facts;
        dt_error quiet = {0};
        if (read_facts(csv_path, csv_path, &facts, &quiet) != DT_OK) {
            *err = quiet;
            rc = -1;
        } else {
            char hex[24];
            snprintf(hex, sizeof hex, "%016" PRIx64, facts.xxh3);
            if (facts.rows != (uint64_t)json_integer_value(rows) ||
                strcmp(hex, json_string_value(hash)) != 0) {
                char what[160];
                if (facts.rows != (uint64_t)json_integer_value(rows))
                    snprintf(what, sizeof what, "%" PRIu64 " rows, the metadata says %lld",
                             facts.rows, (long long)json_integer_value(rows));
                else
                    snprintf(what, sizeof what, "its bytes hash to %s, the metadata says %s", hex,
                             json_string_value(hash));
                dti_error_set(err, DT_ERR_FORMAT, csv_path, 0,
                              "does not match its metadata %s (%s: edited since dialtone wrote "
                              "it?): make the table again, or remove the metadata to use it as a "
                              "hand-made table",
                              base_name(sidecar), what);
                rc = -1;
            }
            json_decref(facts.columns);
        }
    }
    if (rc == 1)
        *provenance = json_incref(prov);
    json_decref(doc);
    free(sidecar);
    return rc;
}

/* ---- what consumers read of a provenance ---- */

const char *dti_prov_get_text(const json_t *p, const char *path)
{
    char key[64];
    const json_t *at = p;
    while (at && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        at = json_object_get(at, key);
        path += n + (dot != NULL);
    }
    return json_is_string(at) ? json_string_value(at) : NULL;
}

int dti_prov_get_rules(const json_t *p, dti_rules *rules)
{
    const char *served = dti_prov_get_text(p, "rules.served");
    const char *under = dti_prov_get_text(p, "rules.underserved");
    json_t *ulfw = json_object_get(json_object_get(p, "rules"), "ulfw");
    if (!served || !under || !json_is_boolean(ulfw) ||
        dti_parse_threshold(served, &rules->served_down, &rules->served_up) != 0 ||
        dti_parse_threshold(under, &rules->underserved_down, &rules->underserved_up) != 0)
        return -1;
    rules->ulfw = json_is_true(ulfw);
    return 0;
}

int dti_prov_get_int(const json_t *p, const char *key, long long *value)
{
    json_t *v = json_object_get(p, key);
    if (!json_is_integer(v))
        return -1;
    *value = json_integer_value(v);
    return 0;
}

json_t *dti_prov_get_object(const json_t *p, const char *key)
{
    json_t *v = json_object_get(p, key);
    return json_is_object(v) ? v : NULL;
}

char *dti_prov_pretty(const json_t *p)
{
    return p ? dump(p, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
}

void dti_prov_partial(json_t *p, const dti_partial *partial)
{
    const char *level = dti_level_name(partial->digits);
    dti_prov_rules(p, &partial->rules);
    dti_prov_regions(p, level, NULL, NULL);
    spoil(p, put(p, "universe",
                 json_string(partial->fabric > 0 ? "reported locations and a fabric's "
                                                   "unreported ones (as unserved)"
                                                 : "reported locations only")));
    dti_prov_states(p, &partial->states);
    json_t *inputs = json_array(), *sources = json_array();
    int bad = 0;
    for (size_t i = 0; i < partial->inputs.count; i++) {
        const char *key = dti_strtab_get(&partial->inputs, (uint32_t)i), *tab = strchr(key, '\t');
        json_t *one = json_object();
        bad |= put(one, "name", json_stringn(key, tab ? (size_t)(tab - key) : strlen(key)));
        bad |= put(one, "file_bytes", json_integer(tab ? strtoll(tab + 1, NULL, 10) : 0));
        bad |= push(inputs, one);
    }
    for (size_t i = 0; i < partial->source_count; i++)
        bad |= push(sources, json_string(partial->sources[i]));
    bad |= put(p, "inputs", inputs);
    bad |= put(p, "partials", sources);
    spoil(p, bad);
}

void dti_prov_add_pass(json_t *p, const char *pass, int exact, size_t funded, uint64_t locations,
                       dti_money cost, size_t greedy_funded, uint64_t greedy_locations,
                       dti_money greedy_cost)
{
    json_t *list = json_object_get(p, "allocation"), *one = json_object();
    int bad = 0;
    if (!json_is_array(list)) {
        list = json_array();
        bad |= put(p, "allocation", list);
    }
    char money[64];
    bad |= put(one, "pass", json_string(pass));
    bad |= put(one, "method", json_string(exact ? "exact" : "greedy"));
    bad |= put(one, "funded", json_integer((json_int_t)funded));
    bad |= put(one, "locations", json_integer((json_int_t)locations));
    bad |= put(one, "cost", json_string(dti_money_format(money, sizeof money, cost, 0)));
    bad |= put(one, "greedy_funded", json_integer((json_int_t)greedy_funded));
    bad |= put(one, "greedy_locations", json_integer((json_int_t)greedy_locations));
    bad |=
        put(one, "greedy_cost", json_string(dti_money_format(money, sizeof money, greedy_cost, 0)));
    if (bad) /* list may be gone with p's member: never append to it then */
        json_decref(one);
    else
        bad |= push(list, one);
    spoil(p, bad);
}

void dti_prov_method_note(const json_t *plan, char *buf, size_t size)
{
    size_t used = 0;
    json_t *list = json_object_get(plan, "allocation"), *one;
    size_t i;
    buf[0] = '\0';
    json_array_foreach(list, i, one)
    {
        const char *method = dti_prov_get_text(one, "method"),
                   *pass = dti_prov_get_text(one, "pass"), *cost = dti_prov_get_text(one, "cost"),
                   *greedy_cost = dti_prov_get_text(one, "greedy_cost");
        json_int_t funded = json_integer_value(json_object_get(one, "funded")),
                   reached = json_integer_value(json_object_get(one, "locations")),
                   greedy_funded = json_integer_value(json_object_get(one, "greedy_funded")),
                   greedy_reached = json_integer_value(json_object_get(one, "greedy_locations"));
        if (!method || strcmp(method, "exact") != 0 || !pass || !cost || !greedy_cost ||
            (reached == greedy_reached && strcmp(cost, greedy_cost) == 0 &&
             funded == greedy_funded))
            continue;
        int n = snprintf(buf + used, size - used,
                         "%sFor %s locations the plan funds the projects that together reach "
                         "the most locations within the budget: %lld locations for $%s (%lld "
                         "project%s). Going down the ranking and funding each project that still "
                         "fits would reach %lld locations for $%s (%lld project%s).",
                         used ? " " : "", pass, (long long)reached, cost, (long long)funded,
                         funded == 1 ? "" : "s", (long long)greedy_reached, greedy_cost,
                         (long long)greedy_funded, greedy_funded == 1 ? "" : "s");
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
}
