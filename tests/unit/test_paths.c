/* SPDX-License-Identifier: MIT */
/* Unit tests of the location id order, output targets and the same-file checks of paths.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static int compare(const void *a, const void *b)
{
    return dti_location_id_compare(*(const char *const *)a, *(const char *const *)b);
}

static void test_location_order(void)
{
    /* the order worked out by hand: digit-only ids by value (0 = 00 < 7 = 007 < 9 < 10 < the
     * 25-digit one), equal values by text ("0" < "00", "007" < "7"), then the rest by bytes
     * ("1" 0x31 < "A" 0x41 < "a" 0x61) */
    const char *ids[] = {"9",  "10", "007", "7", "0", "00", "1234567890123456789012345",
                         "A1", "a",  "10a"};
    const char *want[] = {"0",   "00", "007", "7", "9", "10", "1234567890123456789012345",
                          "10a", "A1", "a"};
    size_t n = sizeof ids / sizeof *ids;
    qsort(ids, n, sizeof *ids, compare);
    for (size_t i = 0; i < n; i++)
        CHECK_STR(ids[i], want[i]);
    /* longer than any integer type: by digits, not by conversion */
    CHECK(dti_location_id_compare("99999999999999999999", "100000000000000000000") < 0);
    CHECK(dti_location_id_compare("000100000000000000000000", "99999999999999999999") > 0);
    CHECK(dti_location_id_compare("18446744073709551616", "18446744073709551615") > 0);
    CHECK(dti_location_id_compare("5", "5") == 0);
    CHECK(dti_location_id_compare("", "0") > 0); /* empty is not digits-only */
}

static char dir[64];

static const char *at(const char *name)
{
    static char paths[8][256];
    static int slot;
    char *p = paths[slot++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void touch(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* The status of a check of outputs[0..n) against inputs[0..m). */
static dt_status check(const char *const *outputs, int n, const char *const *inputs, int m)
{
    dti_path_check c;
    dt_error err = {0};
    dti_path_check_init(&c);
    for (int i = 0; i < n; i++)
        dti_path_output(&c, "-o", outputs[i]);
    for (int i = 0; i < m; i++)
        dti_path_input(&c, "IN", inputs[i], 0);
    return dti_path_check_finish(&c, &err);
}

static void test_same_file(void)
{
    snprintf(dir, sizeof dir, "%s", "/tmp/dialtone-paths.XXXXXX");
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    mkdir(at("sub"), 0777);
    touch(at("real.csv"), "geoid\n");
    touch(at("in.csv"), "geoid\n");
    symlink("real.csv", at("link.csv"));
    symlink("link.csv", at("link2.csv"));       /* a chain of links */
    symlink("sub/new.csv", at("dangling.csv")); /* points at a name not yet made */
    link(at("in.csv"), at("hard.csv"));

    const char *two_new[] = {at("a.csv"), at("b.csv")};
    CHECK_INT(check(two_new, 2, NULL, 0), DT_OK);
    const char *same_new[] = {at("a.csv"), at("sub/../a.csv")};
    CHECK_INT(check(same_new, 2, NULL, 0), DT_ERR_USAGE);
    const char *dot[] = {at("./a.csv"), at("a.csv")};
    CHECK_INT(check(dot, 2, NULL, 0), DT_ERR_USAGE);
    const char *through_link[] = {at("real.csv"), at("link2.csv")};
    CHECK_INT(check(through_link, 2, NULL, 0), DT_ERR_USAGE);
    const char *dangling[] = {at("dangling.csv"), at("sub/new.csv")};
    CHECK_INT(check(dangling, 2, NULL, 0), DT_ERR_USAGE);
    const char *stdout_twice[] = {"-", NULL};
    CHECK_INT(check(stdout_twice, 2, NULL, 0), DT_ERR_USAGE);
    const char *null_twice[] = {"/dev/null", "/dev/null"};
    CHECK_INT(check(null_twice, 2, NULL, 0), DT_OK);

    const char *onto_input[] = {at("hard.csv")}; /* another name of the input's inode */
    const char *inputs[] = {at("in.csv")};
    CHECK_INT(check(onto_input, 1, inputs, 1), DT_ERR_USAGE);
    const char *glob_input[] = {at("i*.csv")};
    CHECK_INT(check(onto_input, 1, glob_input, 1), DT_ERR_USAGE);
    const char *layer_input[] = {at("in.csv|layername=x")};
    CHECK_INT(check(onto_input, 1, layer_input, 1), DT_ERR_USAGE);
    const char *elsewhere[] = {at("a.csv")};
    CHECK_INT(check(elsewhere, 1, inputs, 1), DT_OK);

    /* an existing BDC file is never an output, even when no input names it */
    touch(at("bdc.csv"), "\xef\xbb\xbf"
                         "frn,provider_id,location_id,technology,"
                         "max_advertised_download_speed,block_geoid\n");
    const char *bdc[] = {at("bdc.csv")};
    CHECK_INT(check(bdc, 1, NULL, 0), DT_ERR_USAGE);
    const char *directory[] = {at("sub")};
    CHECK_INT(check(directory, 1, NULL, 0), DT_ERR_IO);

    CHECK_INT(dti_output_kind("-", NULL), DTI_OUT_STDOUT);
    CHECK_INT(dti_output_kind("/dev/null", NULL), DTI_OUT_DIRECT);
    CHECK_INT(dti_output_kind(at("link.csv"), NULL), DTI_OUT_RENAME);
    char *target = dti_path_resolve_links(at("link2.csv"), NULL);
    CHECK_STR(target, at("real.csv"));
    free(target);

    const char *names[] = {"sub",       "real.csv",     "in.csv",   "link.csv",
                           "link2.csv", "dangling.csv", "hard.csv", "bdc.csv"};
    for (size_t i = 1; i < sizeof names / sizeof *names; i++)
        unlink(at(names[i]));
    rmdir(at("sub"));
    rmdir(dir);
}

int main(void)
{
    test_location_order();
    test_same_file();
    return dt_unit_report("paths");
}
