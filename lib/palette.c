/* SPDX-License-Identifier: MIT */
/* Colours: ColorBrewer schemes by name, hex colour lists, hex parsing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* ColorBrewer sequential and diverging schemes, 3 to 9 classes, as hex runs.
 * This product includes color specifications and designs developed by Cynthia Brewer
 * (http://colorbrewer.org/); Apache-style licence, (c) 2002 Cynthia Brewer, Mark Harrower
 * and The Pennsylvania State University. Copied from the npm package colorbrewer 1.7.0. */
enum { DTI_PALETTE_SEQUENTIAL, DTI_PALETTE_DIVERGING };

static const struct {
    const char *name;
    int kind;
    const char *runs[7]; /* runs[k - 3]: k colours as 6 hex digits each */
} schemes[] = {
    {"BuGn", DTI_PALETTE_SEQUENTIAL,
     {"e5f5f999d8c92ca25f",
      "edf8fbb2e2e266c2a4238b45",
      "edf8fbb2e2e266c2a42ca25f006d2c",
      "edf8fbccece699d8c966c2a42ca25f006d2c",
      "edf8fbccece699d8c966c2a441ae76238b45005824",
      "f7fcfde5f5f9ccece699d8c966c2a441ae76238b45005824",
      "f7fcfde5f5f9ccece699d8c966c2a441ae76238b45006d2c00441b"}},
    {"BuPu", DTI_PALETTE_SEQUENTIAL,
     {"e0ecf49ebcda8856a7",
      "edf8fbb3cde38c96c688419d",
      "edf8fbb3cde38c96c68856a7810f7c",
      "edf8fbbfd3e69ebcda8c96c68856a7810f7c",
      "edf8fbbfd3e69ebcda8c96c68c6bb188419d6e016b",
      "f7fcfde0ecf4bfd3e69ebcda8c96c68c6bb188419d6e016b",
      "f7fcfde0ecf4bfd3e69ebcda8c96c68c6bb188419d810f7c4d004b"}},
    {"GnBu", DTI_PALETTE_SEQUENTIAL,
     {"e0f3dba8ddb543a2ca",
      "f0f9e8bae4bc7bccc42b8cbe",
      "f0f9e8bae4bc7bccc443a2ca0868ac",
      "f0f9e8ccebc5a8ddb57bccc443a2ca0868ac",
      "f0f9e8ccebc5a8ddb57bccc44eb3d32b8cbe08589e",
      "f7fcf0e0f3dbccebc5a8ddb57bccc44eb3d32b8cbe08589e",
      "f7fcf0e0f3dbccebc5a8ddb57bccc44eb3d32b8cbe0868ac084081"}},
    {"OrRd", DTI_PALETTE_SEQUENTIAL,
     {"fee8c8fdbb84e34a33",
      "fef0d9fdcc8afc8d59d7301f",
      "fef0d9fdcc8afc8d59e34a33b30000",
      "fef0d9fdd49efdbb84fc8d59e34a33b30000",
      "fef0d9fdd49efdbb84fc8d59ef6548d7301f990000",
      "fff7ecfee8c8fdd49efdbb84fc8d59ef6548d7301f990000",
      "fff7ecfee8c8fdd49efdbb84fc8d59ef6548d7301fb300007f0000"}},
    {"PuBu", DTI_PALETTE_SEQUENTIAL,
     {"ece7f2a6bddb2b8cbe",
      "f1eef6bdc9e174a9cf0570b0",
      "f1eef6bdc9e174a9cf2b8cbe045a8d",
      "f1eef6d0d1e6a6bddb74a9cf2b8cbe045a8d",
      "f1eef6d0d1e6a6bddb74a9cf3690c00570b0034e7b",
      "fff7fbece7f2d0d1e6a6bddb74a9cf3690c00570b0034e7b",
      "fff7fbece7f2d0d1e6a6bddb74a9cf3690c00570b0045a8d023858"}},
    {"PuBuGn", DTI_PALETTE_SEQUENTIAL,
     {"ece2f0a6bddb1c9099",
      "f6eff7bdc9e167a9cf02818a",
      "f6eff7bdc9e167a9cf1c9099016c59",
      "f6eff7d0d1e6a6bddb67a9cf1c9099016c59",
      "f6eff7d0d1e6a6bddb67a9cf3690c002818a016450",
      "fff7fbece2f0d0d1e6a6bddb67a9cf3690c002818a016450",
      "fff7fbece2f0d0d1e6a6bddb67a9cf3690c002818a016c59014636"}},
    {"PuRd", DTI_PALETTE_SEQUENTIAL,
     {"e7e1efc994c7dd1c77",
      "f1eef6d7b5d8df65b0ce1256",
      "f1eef6d7b5d8df65b0dd1c77980043",
      "f1eef6d4b9dac994c7df65b0dd1c77980043",
      "f1eef6d4b9dac994c7df65b0e7298ace125691003f",
      "f7f4f9e7e1efd4b9dac994c7df65b0e7298ace125691003f",
      "f7f4f9e7e1efd4b9dac994c7df65b0e7298ace125698004367001f"}},
    {"RdPu", DTI_PALETTE_SEQUENTIAL,
     {"fde0ddfa9fb5c51b8a",
      "feebe2fbb4b9f768a1ae017e",
      "feebe2fbb4b9f768a1c51b8a7a0177",
      "feebe2fcc5c0fa9fb5f768a1c51b8a7a0177",
      "feebe2fcc5c0fa9fb5f768a1dd3497ae017e7a0177",
      "fff7f3fde0ddfcc5c0fa9fb5f768a1dd3497ae017e7a0177",
      "fff7f3fde0ddfcc5c0fa9fb5f768a1dd3497ae017e7a017749006a"}},
    {"YlGn", DTI_PALETTE_SEQUENTIAL,
     {"f7fcb9addd8e31a354",
      "ffffccc2e69978c679238443",
      "ffffccc2e69978c67931a354006837",
      "ffffccd9f0a3addd8e78c67931a354006837",
      "ffffccd9f0a3addd8e78c67941ab5d238443005a32",
      "ffffe5f7fcb9d9f0a3addd8e78c67941ab5d238443005a32",
      "ffffe5f7fcb9d9f0a3addd8e78c67941ab5d238443006837004529"}},
    {"YlGnBu", DTI_PALETTE_SEQUENTIAL,
     {"edf8b17fcdbb2c7fb8",
      "ffffcca1dab441b6c4225ea8",
      "ffffcca1dab441b6c42c7fb8253494",
      "ffffccc7e9b47fcdbb41b6c42c7fb8253494",
      "ffffccc7e9b47fcdbb41b6c41d91c0225ea80c2c84",
      "ffffd9edf8b1c7e9b47fcdbb41b6c41d91c0225ea80c2c84",
      "ffffd9edf8b1c7e9b47fcdbb41b6c41d91c0225ea8253494081d58"}},
    {"YlOrBr", DTI_PALETTE_SEQUENTIAL,
     {"fff7bcfec44fd95f0e",
      "ffffd4fed98efe9929cc4c02",
      "ffffd4fed98efe9929d95f0e993404",
      "ffffd4fee391fec44ffe9929d95f0e993404",
      "ffffd4fee391fec44ffe9929ec7014cc4c028c2d04",
      "ffffe5fff7bcfee391fec44ffe9929ec7014cc4c028c2d04",
      "ffffe5fff7bcfee391fec44ffe9929ec7014cc4c02993404662506"}},
    {"YlOrRd", DTI_PALETTE_SEQUENTIAL,
     {"ffeda0feb24cf03b20",
      "ffffb2fecc5cfd8d3ce31a1c",
      "ffffb2fecc5cfd8d3cf03b20bd0026",
      "ffffb2fed976feb24cfd8d3cf03b20bd0026",
      "ffffb2fed976feb24cfd8d3cfc4e2ae31a1cb10026",
      "ffffccffeda0fed976feb24cfd8d3cfc4e2ae31a1cb10026",
      "ffffccffeda0fed976feb24cfd8d3cfc4e2ae31a1cbd0026800026"}},
    {"Blues", DTI_PALETTE_SEQUENTIAL,
     {"deebf79ecae13182bd",
      "eff3ffbdd7e76baed62171b5",
      "eff3ffbdd7e76baed63182bd08519c",
      "eff3ffc6dbef9ecae16baed63182bd08519c",
      "eff3ffc6dbef9ecae16baed64292c62171b5084594",
      "f7fbffdeebf7c6dbef9ecae16baed64292c62171b5084594",
      "f7fbffdeebf7c6dbef9ecae16baed64292c62171b508519c08306b"}},
    {"Greens", DTI_PALETTE_SEQUENTIAL,
     {"e5f5e0a1d99b31a354",
      "edf8e9bae4b374c476238b45",
      "edf8e9bae4b374c47631a354006d2c",
      "edf8e9c7e9c0a1d99b74c47631a354006d2c",
      "edf8e9c7e9c0a1d99b74c47641ab5d238b45005a32",
      "f7fcf5e5f5e0c7e9c0a1d99b74c47641ab5d238b45005a32",
      "f7fcf5e5f5e0c7e9c0a1d99b74c47641ab5d238b45006d2c00441b"}},
    {"Greys", DTI_PALETTE_SEQUENTIAL,
     {"f0f0f0bdbdbd636363",
      "f7f7f7cccccc969696525252",
      "f7f7f7cccccc969696636363252525",
      "f7f7f7d9d9d9bdbdbd969696636363252525",
      "f7f7f7d9d9d9bdbdbd969696737373525252252525",
      "fffffff0f0f0d9d9d9bdbdbd969696737373525252252525",
      "fffffff0f0f0d9d9d9bdbdbd969696737373525252252525000000"}},
    {"Oranges", DTI_PALETTE_SEQUENTIAL,
     {"fee6cefdae6be6550d",
      "feeddefdbe85fd8d3cd94701",
      "feeddefdbe85fd8d3ce6550da63603",
      "feeddefdd0a2fdae6bfd8d3ce6550da63603",
      "feeddefdd0a2fdae6bfd8d3cf16913d948018c2d04",
      "fff5ebfee6cefdd0a2fdae6bfd8d3cf16913d948018c2d04",
      "fff5ebfee6cefdd0a2fdae6bfd8d3cf16913d94801a636037f2704"}},
    {"Purples", DTI_PALETTE_SEQUENTIAL,
     {"efedf5bcbddc756bb1",
      "f2f0f7cbc9e29e9ac86a51a3",
      "f2f0f7cbc9e29e9ac8756bb154278f",
      "f2f0f7dadaebbcbddc9e9ac8756bb154278f",
      "f2f0f7dadaebbcbddc9e9ac8807dba6a51a34a1486",
      "fcfbfdefedf5dadaebbcbddc9e9ac8807dba6a51a34a1486",
      "fcfbfdefedf5dadaebbcbddc9e9ac8807dba6a51a354278f3f007d"}},
    {"Reds", DTI_PALETTE_SEQUENTIAL,
     {"fee0d2fc9272de2d26",
      "fee5d9fcae91fb6a4acb181d",
      "fee5d9fcae91fb6a4ade2d26a50f15",
      "fee5d9fcbba1fc9272fb6a4ade2d26a50f15",
      "fee5d9fcbba1fc9272fb6a4aef3b2ccb181d99000d",
      "fff5f0fee0d2fcbba1fc9272fb6a4aef3b2ccb181d99000d",
      "fff5f0fee0d2fcbba1fc9272fb6a4aef3b2ccb181da50f1567000d"}},
    {"BrBG", DTI_PALETTE_DIVERGING,
     {"d8b365f5f5f55ab4ac",
      "a6611adfc27d80cdc1018571",
      "a6611adfc27df5f5f580cdc1018571",
      "8c510ad8b365f6e8c3c7eae55ab4ac01665e",
      "8c510ad8b365f6e8c3f5f5f5c7eae55ab4ac01665e",
      "8c510abf812ddfc27df6e8c3c7eae580cdc135978f01665e",
      "8c510abf812ddfc27df6e8c3f5f5f5c7eae580cdc135978f01665e"}},
    {"PiYG", DTI_PALETTE_DIVERGING,
     {"e9a3c9f7f7f7a1d76a",
      "d01c8bf1b6dab8e1864dac26",
      "d01c8bf1b6daf7f7f7b8e1864dac26",
      "c51b7de9a3c9fde0efe6f5d0a1d76a4d9221",
      "c51b7de9a3c9fde0eff7f7f7e6f5d0a1d76a4d9221",
      "c51b7dde77aef1b6dafde0efe6f5d0b8e1867fbc414d9221",
      "c51b7dde77aef1b6dafde0eff7f7f7e6f5d0b8e1867fbc414d9221"}},
    {"PRGn", DTI_PALETTE_DIVERGING,
     {"af8dc3f7f7f77fbf7b",
      "7b3294c2a5cfa6dba0008837",
      "7b3294c2a5cff7f7f7a6dba0008837",
      "762a83af8dc3e7d4e8d9f0d37fbf7b1b7837",
      "762a83af8dc3e7d4e8f7f7f7d9f0d37fbf7b1b7837",
      "762a839970abc2a5cfe7d4e8d9f0d3a6dba05aae611b7837",
      "762a839970abc2a5cfe7d4e8f7f7f7d9f0d3a6dba05aae611b7837"}},
    {"PuOr", DTI_PALETTE_DIVERGING,
     {"f1a340f7f7f7998ec3",
      "e66101fdb863b2abd25e3c99",
      "e66101fdb863f7f7f7b2abd25e3c99",
      "b35806f1a340fee0b6d8daeb998ec3542788",
      "b35806f1a340fee0b6f7f7f7d8daeb998ec3542788",
      "b35806e08214fdb863fee0b6d8daebb2abd28073ac542788",
      "b35806e08214fdb863fee0b6f7f7f7d8daebb2abd28073ac542788"}},
    {"RdBu", DTI_PALETTE_DIVERGING,
     {"ef8a62f7f7f767a9cf",
      "ca0020f4a58292c5de0571b0",
      "ca0020f4a582f7f7f792c5de0571b0",
      "b2182bef8a62fddbc7d1e5f067a9cf2166ac",
      "b2182bef8a62fddbc7f7f7f7d1e5f067a9cf2166ac",
      "b2182bd6604df4a582fddbc7d1e5f092c5de4393c32166ac",
      "b2182bd6604df4a582fddbc7f7f7f7d1e5f092c5de4393c32166ac"}},
    {"RdGy", DTI_PALETTE_DIVERGING,
     {"ef8a62ffffff999999",
      "ca0020f4a582bababa404040",
      "ca0020f4a582ffffffbababa404040",
      "b2182bef8a62fddbc7e0e0e09999994d4d4d",
      "b2182bef8a62fddbc7ffffffe0e0e09999994d4d4d",
      "b2182bd6604df4a582fddbc7e0e0e0bababa8787874d4d4d",
      "b2182bd6604df4a582fddbc7ffffffe0e0e0bababa8787874d4d4d"}},
    {"RdYlBu", DTI_PALETTE_DIVERGING,
     {"fc8d59ffffbf91bfdb",
      "d7191cfdae61abd9e92c7bb6",
      "d7191cfdae61ffffbfabd9e92c7bb6",
      "d73027fc8d59fee090e0f3f891bfdb4575b4",
      "d73027fc8d59fee090ffffbfe0f3f891bfdb4575b4",
      "d73027f46d43fdae61fee090e0f3f8abd9e974add14575b4",
      "d73027f46d43fdae61fee090ffffbfe0f3f8abd9e974add14575b4"}},
    {"RdYlGn", DTI_PALETTE_DIVERGING,
     {"fc8d59ffffbf91cf60",
      "d7191cfdae61a6d96a1a9641",
      "d7191cfdae61ffffbfa6d96a1a9641",
      "d73027fc8d59fee08bd9ef8b91cf601a9850",
      "d73027fc8d59fee08bffffbfd9ef8b91cf601a9850",
      "d73027f46d43fdae61fee08bd9ef8ba6d96a66bd631a9850",
      "d73027f46d43fdae61fee08bffffbfd9ef8ba6d96a66bd631a9850"}},
    {"Spectral", DTI_PALETTE_DIVERGING,
     {"fc8d59ffffbf99d594",
      "d7191cfdae61abdda42b83ba",
      "d7191cfdae61ffffbfabdda42b83ba",
      "d53e4ffc8d59fee08be6f59899d5943288bd",
      "d53e4ffc8d59fee08bffffbfe6f59899d5943288bd",
      "d53e4ff46d43fdae61fee08be6f598abdda466c2a53288bd",
      "d53e4ff46d43fdae61fee08bffffbfe6f598abdda466c2a53288bd"}},
};

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hex(const char *s, size_t len, dti_rgb *out)
{
    if (len > 0 && s[0] == '#')
        s++, len--;
    int d[6];
    if (len != 6 && len != 3)
        return -1;
    for (size_t i = 0; i < len; i++)
        if ((d[i] = hex_digit((unsigned char)s[i])) < 0)
            return -1;
    if (len == 3) {
        out->r = (uint8_t)(d[0] * 17);
        out->g = (uint8_t)(d[1] * 17);
        out->b = (uint8_t)(d[2] * 17);
    } else {
        out->r = (uint8_t)(d[0] * 16 + d[1]);
        out->g = (uint8_t)(d[2] * 16 + d[3]);
        out->b = (uint8_t)(d[4] * 16 + d[5]);
    }
    return 0;
}

int dti_parse_color(const char *text, dti_rgb *out) { return parse_hex(text, strlen(text), out); }

const char *dti_palette_names(char *names, size_t size)
{
    size_t at = 0;
    names[0] = '\0';
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes && at < size; i++) {
        int n = snprintf(names + at, size - at, "%s%s", i ? ", " : "", schemes[i].name);
        at += n > 0 ? (size_t)n : 0;
    }
    return names;
}

/* Pick k of the m colours of list, evenly: both ends always included. */
static void pick_even(const dti_rgb *list, int m, int k, dti_rgb *out)
{
    if (k == 1) {
        out[0] = list[m / 2];
        return;
    }
    for (int i = 0; i < k; i++)
        out[i] = list[(i * (m - 1) + (k - 1) / 2) / (k - 1)];
}

static void reverse(dti_rgb *colors, int k)
{
    for (int i = 0, j = k - 1; i < j; i++, j--) {
        dti_rgb t = colors[i];
        colors[i] = colors[j];
        colors[j] = t;
    }
}

static dt_status hex_list(const char *spec, int k, dti_rgb *out, dt_error *err)
{
    dti_rgb list[64];
    int m = 0;
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (m == 64 || parse_hex(p, len, &list[m]) != 0)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                 "--palette %s: '%.*s' is not a colour like #fd8d3c", spec,
                                 (int)len, p);
        m++;
        p += len;
        if (*p == ',')
            p++;
    }
    if (m < k)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--palette %s: %d colours for %d classes", spec, m, k);
    pick_even(list, m, k, out);
    return DT_OK;
}

dt_status dti_palette_colors(const char *spec, int k, dti_rgb *out, dt_error *err)
{
    if (k < 1 || k > DTI_MAX_CLASSES)
        return dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "%d classes", k);
    if (strchr(spec, '#') || strchr(spec, ','))
        return hex_list(spec, k, out, err);
    size_t len = strlen(spec);
    int reversed = len > 2 && strcmp(spec + len - 2, "_r") == 0;
    if (reversed)
        len -= 2;
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        if (strlen(schemes[i].name) != len || strncasecmp(schemes[i].name, spec, len) != 0)
            continue;
        /* 1 class: the middle of three; 2: the ends of three */
        int n = k < 3 ? 3 : k;
        dti_rgb full[DTI_MAX_CLASSES];
        const char *run = schemes[i].runs[n - 3];
        for (int c = 0; c < n; c++)
            parse_hex(run + 6 * c, 6, &full[c]);
        pick_even(full, n, k, out);
        if (reversed)
            reverse(out, k);
        return DT_OK;
    }
    char names[512];
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                         "--palette %s: not a ColorBrewer scheme (%s) or a list of hex colours",
                         spec, dti_palette_names(names, sizeof names));
}
