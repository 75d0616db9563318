/* SPDX-License-Identifier: MIT */
/* PNG files through libpng: 8-bit RGB from cairo's pixels, with text chunks. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "internal.h"

typedef struct png_failure {
    jmp_buf jump;
    char message[256];
} png_failure;

static void on_error(png_structp png, png_const_charp message)
{
    png_failure *failure = png_get_error_ptr(png);
    snprintf(failure->message, sizeof failure->message, "%s", message);
    longjmp(failure->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png, (void)message; /* the library never prints */
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

dt_status dti_png_write(FILE *fp, const char *display, const unsigned char *argb, int width,
                        int height, int stride, const dti_png_text *texts, int text_count,
                        double dpi_scale, dt_error *err)
{
    png_failure failure = {.message = ""};
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* volatile: kept across longjmp */
    unsigned char *volatile row = malloc((size_t)width * 3);
    png_text *volatile chunks = calloc((size_t)text_count + 1, sizeof(png_text));
    if (!png || !info || !row || !chunks) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(chunks);
        return dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
    }
    if (setjmp(failure.jump)) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(chunks);
        return dti_error_set(err, DT_ERR_IO, display, 0, "cannot write PNG: %s", failure.message);
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* maps are flat colour: the SUB/UP filters at level 6 are fast and small */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB | PNG_FILTER_UP);
    png_set_compression_level(png, 6);
    png_uint_32 ppm = (png_uint_32)(72.0 / 0.0254 * (dpi_scale > 0 ? dpi_scale : 1) + 0.5);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    int used = 0;
    for (int i = 0; i < text_count; i++) {
        if (!texts[i].text || !texts[i].text[0])
            continue;
        png_text *t = &chunks[used++];
        t->key = (png_charp)texts[i].key;
        t->text = (png_charp)texts[i].text;
        t->text_length = strlen(texts[i].text);
#ifdef PNG_iTXt_SUPPORTED
        if (!is_ascii(texts[i].text)) {
            t->compression = PNG_ITXT_COMPRESSION_NONE;
            t->lang = (png_charp) "";
            t->lang_key = (png_charp) "";
            t->itxt_length = t->text_length;
            t->text_length = 0;
            continue;
        }
#endif
        t->compression = PNG_TEXT_COMPRESSION_NONE;
    }
    if (used)
        png_set_text(png, info, chunks, used);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(argb + (size_t)y * (size_t)stride);
        unsigned char *dst = row;
        for (int x = 0; x < width; x++) {
            uint32_t p = src[x]; /* opaque, so premultiplied equals straight */
            *dst++ = (unsigned char)(p >> 16);
            *dst++ = (unsigned char)(p >> 8);
            *dst++ = (unsigned char)p;
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    free(chunks);
    if (fflush(fp) != 0 || ferror((FILE *)fp))
        return dti_error_set(err, DT_ERR_IO, display, 0, "cannot write");
    return DT_OK;
}
