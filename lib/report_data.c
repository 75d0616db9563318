/* SPDX-License-Identifier: MIT */
/* dialtone report: what goes into the page: images as data, their titles, region names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

void dti_figure_free(dti_figure *f)
{
    if (!f)
        return;
    free(f->png);
    free(f->svg);
    memset(f, 0, sizeof *f);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* tEXt (Latin-1, here ASCII) or uncompressed iTXt (UTF-8) text of keyword into out. */
static void chunk_text(const unsigned char *data, uint32_t len, int itxt, const char *keyword,
                       char *out, size_t size)
{
    size_t klen = strlen(keyword);
    if (len <= klen || memcmp(data, keyword, klen) != 0 || data[klen] != '\0')
        return;
    const unsigned char *p = data + klen + 1, *end = data + len;
    if (itxt) {
        if (end - p < 2 || p[0] != 0) /* compressed: not ours */
            return;
        p += 2;
        for (int skip = 0; skip < 2 && p < end; skip++) { /* language, translated keyword */
            const unsigned char *z = memchr(p, 0, (size_t)(end - p));
            if (!z)
                return;
            p = z + 1;
        }
    }
    size_t n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

dt_status dti_figure_read_svg(dti_figure *f, const char *path, dt_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return dti_error_set(err, DT_ERR_IO, path, 0, "cannot open for reading");
    size_t cap = 0, n = 0, got = 0;
    char *text = NULL;
    for (;; n += got) { /* room for one more byte and the NUL */
        if (dti_grow(&text, &cap, n + 2, 1, 1 << 16) != 0) {
            free(text);
            text = NULL;
            break;
        }
        if ((got = fread(text + n, 1, cap - n - 1, fp)) == 0)
            break;
    }
    int failed = ferror(fp);
    fclose(fp);
    if (!text)
        return dti_nomem(err);
    text[n] = '\0';
    char *start = strstr(text, "<svg");
    if (failed || !start) {
        free(text);
        return dti_error_set(err, DT_ERR_FORMAT, path, 0, "not an SVG document");
    }
    memmove(text, start, strlen(start) + 1); /* inline: no XML declaration */
    free(f->svg);
    f->svg = text;
    return DT_OK;
}

dt_status dti_figure_read(dti_figure *f, const char *path, dt_error *err)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (!fp)
        return dti_error_set(err, DT_ERR_IO, path, 0, "cannot open for reading");
    size_t cap = 0, n = 0, got = 0;
    for (;; n += got) { /* room for one more byte */
        if (dti_grow(&f->png, &cap, n + 1, 1, 1 << 16) != 0) {
            free(f->png);
            f->png = NULL;
            break;
        }
        if ((got = VSIFReadL(f->png + n, 1, cap - n, fp)) == 0)
            break;
    }
    VSIFCloseL(fp);
    if (!f->png)
        return dti_nomem(err);
    f->size = n;
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 33 || memcmp(f->png, signature, 8) != 0 || memcmp(f->png + 12, "IHDR", 4) != 0) {
        dti_figure_free(f);
        return dti_error_set(err, DT_ERR_FORMAT, path, 0, "not a PNG image");
    }
    f->width = (int)be32(f->png + 16);
    f->height = (int)be32(f->png + 20);
    for (size_t at = 8; at + 12 <= n;) {
        uint32_t len = be32(f->png + at);
        const unsigned char *type = f->png + at + 4, *data = f->png + at + 8;
        if (len > n - at - 12)
            break;
        int itxt = memcmp(type, "iTXt", 4) == 0;
        if (itxt || memcmp(type, "tEXt", 4) == 0) {
            chunk_text(data, len, itxt, "Title", f->title, sizeof f->title);
            chunk_text(data, len, itxt, "Description", f->description, sizeof f->description);
        }
        if (memcmp(type, "IDAT", 4) == 0 || memcmp(type, "IEND", 4) == 0)
            break; /* dialtone writes its text before the image data */
        at += 12 + (size_t)len;
    }
    return DT_OK;
}

void dti_base64_write(FILE *stream, const unsigned char *data, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *fp = stream;
    char out[4];
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        out[0] = digits[v >> 18 & 63];
        out[1] = digits[v >> 12 & 63];
        out[2] = i + 1 < n ? digits[v >> 6 & 63] : '=';
        out[3] = i + 2 < n ? digits[v & 63] : '=';
        fwrite(out, 1, 4, fp);
    }
}

void dti_names_free(dti_names *names)
{
    if (!names)
        return;
    dti_strtab_free(&names->ids);
    for (size_t i = 0; i < names->count; i++)
        free(names->names[i]);
    free(names->names);
    memset(names, 0, sizeof *names);
}

const char *dti_names_find(dti_names *names, const char *id)
{
    if (!names->count)
        return NULL;
    uint32_t index = dti_strtab_intern(&names->ids, id, strlen(id));
    return index < names->count ? names->names[index] : NULL;
}

dt_status dti_names_read(dti_names *names, const char *path, const char *layer_name,
                         const char *id_field, dt_error *err)
{
    memset(names, 0, sizeof *names);
    dti_strtab_init(&names->ids);
    dti_ogr_init();
    CPLErrorReset();
    dti_layer opened;
    dt_status status = dti_layer_open_named(path, layer_name, &opened, err);
    if (status != DT_OK)
        return status;
    OGRLayerH layer = opened.layer;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int id = dti_region_id_field(defn, id_field), name = dti_region_name_field(defn);
    size_t cap = 0;
    if (id >= 0 && name >= 0) {
        OGR_L_ResetReading(layer);
        OGRFeatureH feature;
        while (status == DT_OK && (feature = OGR_L_GetNextFeature(layer))) {
            const char *key = OGR_F_GetFieldAsString(feature, id);
            uint32_t index = dti_strtab_intern(&names->ids, key, strlen(key));
            if (index == UINT32_MAX) {
                status = dti_nomem(err);
            } else if (index == names->count) { /* the first feature of an id names it */
                if (dti_grow(&names->names, &cap, names->count + 1, sizeof *names->names, 256) != 0)
                    status = dti_nomem(err);
                if (status == DT_OK &&
                    !(names->names[names->count++] = strdup(OGR_F_GetFieldAsString(feature, name))))
                    status = dti_nomem(err);
            }
            OGR_F_Destroy(feature);
        }
    }
    dti_layer_close(&opened);
    if (status != DT_OK)
        dti_names_free(names);
    return status;
}
