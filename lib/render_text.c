/* SPDX-License-Identifier: MIT */
/* Text in any script: characters the map's font lacks come from fontconfig's fallback fonts. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "internal.h"

/* The map's text is set in a toy face ("DejaVu Sans", normal or bold), which cairo resolves
 * to one font with FcFontMatch: a character that font lacks is drawn as its box. Text the
 * face covers entirely is measured and drawn exactly as before (one cairo_show_text); other
 * text is cut into runs, each in the toy face or in the first font of FcFontSort's order for
 * the same pattern that has the character, and measuring and drawing walk the same runs. */

enum { MAX_SETS = 8, MAX_RUNS = 64 };

typedef struct fallback_set {
    char family[64];
    int bold, italic;
    FcPattern *pattern;        /* the request, substituted */
    FcFontSet *fonts;          /* FcFontSort's order, trimmed to fonts adding coverage */
    cairo_font_face_t **faces; /* made when first needed */
} fallback_set;

static pthread_mutex_t sets_lock = PTHREAD_MUTEX_INITIALIZER;
static fallback_set sets[MAX_SETS];
static int set_count;

/* The sorted fonts for a toy face's family and weight; NULL when fontconfig has none. Made
 * once per family and weight, kept for the process (fontconfig and cairo own them). */
static fallback_set *fallback_for(const char *family, int bold, int italic)
{
    fallback_set *found = NULL;
    pthread_mutex_lock(&sets_lock);
    for (int i = 0; i < set_count && !found; i++)
        if (sets[i].bold == bold && sets[i].italic == italic && !strcmp(sets[i].family, family))
            found = &sets[i];
    if (!found && set_count < MAX_SETS && strlen(family) < sizeof sets[0].family) {
        FcPattern *pat = FcPatternCreate();
        FcFontSet *fonts = NULL;
        if (pat) {
            FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
            FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_MEDIUM);
            FcPatternAddInteger(pat, FC_SLANT, italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN);
            FcConfigSubstitute(NULL, pat, FcMatchPattern);
            FcDefaultSubstitute(pat);
            FcResult result;
            fonts = FcFontSort(NULL, pat, FcTrue, NULL, &result);
        }
        cairo_font_face_t **faces = fonts ? calloc((size_t)fonts->nfont + 1, sizeof *faces) : NULL;
        if (faces) {
            found = &sets[set_count++];
            snprintf(found->family, sizeof found->family, "%s", family);
            found->bold = bold;
            found->italic = italic;
            found->pattern = pat;
            found->fonts = fonts;
            found->faces = faces;
        } else {
            if (fonts)
                FcFontSetDestroy(fonts);
            if (pat)
                FcPatternDestroy(pat);
        }
    }
    pthread_mutex_unlock(&sets_lock);
    return found;
}

/* Index in set of the first font holding c, or -1. */
static int font_with(const fallback_set *set, uint32_t c)
{
    for (int i = 0; i < set->fonts->nfont; i++) {
        FcCharSet *chars;
        if (FcPatternGetCharSet(set->fonts->fonts[i], FC_CHARSET, 0, &chars) == FcResultMatch &&
            FcCharSetHasChar(chars, c))
            return i;
    }
    return -1;
}

static cairo_font_face_t *face_of(fallback_set *set, int font)
{
    pthread_mutex_lock(&sets_lock);
    if (!set->faces[font]) {
        FcPattern *ready = FcFontRenderPrepare(NULL, set->pattern, set->fonts->fonts[font]);
        if (ready) {
            cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(ready);
            FcPatternDestroy(ready); /* the face holds its own reference */
            if (cairo_font_face_status(face) == CAIRO_STATUS_SUCCESS)
                set->faces[font] = face;
            else
                cairo_font_face_destroy(face);
        }
    }
    cairo_font_face_t *face = set->faces[font];
    pthread_mutex_unlock(&sets_lock);
    return face;
}

/* The next UTF-8 character of s (n bytes long, n >= 1) in *c; its length, or 0 when s does
 * not start with a well-formed character. */
static int utf8_next(const unsigned char *s, size_t n, uint32_t *c)
{
    int len = s[0] < 0x80             ? 1
              : (s[0] & 0xe0) == 0xc0 ? 2
              : (s[0] & 0xf0) == 0xe0 ? 3
              : (s[0] & 0xf8) == 0xf0 ? 4
                                      : 0;
    if (!len || (size_t)len > n)
        return 0;
    uint32_t v = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
        return 0;
    *c = v;
    return len;
}

/* Whether cr's current font has a glyph for the n bytes at s. */
static int primary_has(cairo_t *cr, const char *s, int n)
{
    cairo_glyph_t *glyphs = NULL;
    int count = 0;
    cairo_status_t st = cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), 0, 0, s, n,
                                                         &glyphs, &count, NULL, NULL, NULL);
    int has = st == CAIRO_STATUS_SUCCESS && count > 0;
    for (int i = 0; has && i < count; i++)
        has = glyphs[i].index != 0;
    cairo_glyph_free(glyphs);
    return has;
}

typedef struct text_run {
    size_t start, len;
    int font; /* -1: cr's own font; else an index in the fallback set */
} text_run;

/* Cut text into runs by font; 0 when the whole text is in cr's own font (or cannot be cut:
 * not UTF-8, not a toy face, no fontconfig), else the number of runs. */
static int text_runs(cairo_t *cr, const char *text, fallback_set **set_out, text_run runs[MAX_RUNS])
{
    size_t n = strlen(text);
    size_t i = 0;
    while (i < n && (unsigned char)text[i] < 0x80)
        i++;
    if (i == n || primary_has(cr, text, (int)n))
        return 0;
    cairo_font_face_t *toy = cairo_get_font_face(cr);
    if (cairo_font_face_get_type(toy) != CAIRO_FONT_TYPE_TOY)
        return 0;
    fallback_set *set = fallback_for(cairo_toy_font_face_get_family(toy),
                                     cairo_toy_font_face_get_weight(toy) == CAIRO_FONT_WEIGHT_BOLD,
                                     cairo_toy_font_face_get_slant(toy) != CAIRO_FONT_SLANT_NORMAL);
    if (!set)
        return 0;
    int count = 0;
    for (i = 0; i < n;) {
        uint32_t c;
        int len = utf8_next((const unsigned char *)text + i, n - i, &c);
        if (!len)
            return 0;
        int font = -1;
        if (c >= 0x80 && !primary_has(cr, text + i, len)) {
            font = font_with(set, c);
            if (font >= 0 && !face_of(set, font))
                font = -1;
        }
        if (count && runs[count - 1].font == font)
            runs[count - 1].len += (size_t)len;
        else if (count == MAX_RUNS)
            runs[count - 1].len += (size_t)len; /* the rest in the last run's font */
        else
            runs[count++] = (text_run){i, (size_t)len, font};
        i += (size_t)len;
    }
    *set_out = set;
    return count == 1 && runs[0].font == -1 ? 0 : count;
}

/* Measure (draw 0) or draw at the current point (draw 1) each run; the total advance. */
static double walk_runs(cairo_t *cr, const char *text, fallback_set *set, const text_run *runs,
                        int count, int draw)
{
    cairo_font_face_t *own = cairo_font_face_reference(cairo_get_font_face(cr));
    double advance = 0;
    char piece[1024];
    for (int r = 0; r < count; r++) {
        size_t len = runs[r].len < sizeof piece - 1 ? runs[r].len : sizeof piece - 1;
        memcpy(piece, text + runs[r].start, len);
        piece[len] = '\0';
        cairo_set_font_face(cr, runs[r].font < 0 ? own : set->faces[runs[r].font]);
        cairo_text_extents_t ext;
        cairo_text_extents(cr, piece, &ext);
        advance += ext.x_advance;
        if (draw)
            cairo_show_text(cr, piece);
    }
    cairo_set_font_face(cr, own);
    cairo_font_face_destroy(own);
    return advance;
}

double dti_text_advance(struct _cairo *cr, const char *text)
{
    fallback_set *set = NULL;
    text_run runs[MAX_RUNS];
    int count = text_runs(cr, text, &set, runs);
    if (count)
        return walk_runs(cr, text, set, runs, count, 0);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

void dti_text_show(struct _cairo *cr, const char *text)
{
    fallback_set *set = NULL;
    text_run runs[MAX_RUNS];
    int count = text_runs(cr, text, &set, runs);
    if (count)
        walk_runs(cr, text, set, runs, count, 1);
    else
        cairo_show_text(cr, text);
}

size_t dti_text_fallback_families(struct _cairo *cr, const char *text, char *buf, size_t size)
{
    fallback_set *set = NULL;
    text_run runs[MAX_RUNS];
    int count = text_runs(cr, text, &set, runs);
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (int r = 0; r < count; r++) {
        FcChar8 *family;
        if (runs[r].font < 0 || FcPatternGetString(set->fonts->fonts[runs[r].font], FC_FAMILY, 0,
                                                   &family) != FcResultMatch)
            continue;
        int seen = 0;
        for (int q = 0; q < r && !seen; q++)
            seen = runs[q].font == runs[r].font;
        if (seen)
            continue;
        int wrote = snprintf(buf + used, size > used ? size - used : 0, "%s%s", used ? ", " : "",
                             (const char *)family);
        if (wrote < 0 || used + (size_t)wrote >= size)
            break;
        used += (size_t)wrote;
    }
    return used;
}

/* Scripts written without spaces, where a line may break between any two characters: CJK
 * ideographs, kana, Hangul, full-width forms. */
static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
           (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
           (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

/* Punctuation that must not begin a line: it stays with the character before it. */
static int closing(uint32_t c)
{
    static const uint32_t marks[] = {0x3001, 0x3002, 0x3009, 0x300b, 0x300d, 0x300f, 0x3011,
                                     0xff01, 0xff09, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff1f};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (c == marks[i])
            return 1;
    return 0;
}

size_t dti_text_word(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    while (i < n && s[i] != ' ' && s[i] != '\n') {
        uint32_t c;
        int len = utf8_next(s + i, n - i, &c);
        if (!len) {
            i++;
            continue;
        }
        if (wide(c) && !closing(c)) {
            if (i)
                return i; /* the word before it */
            i = (size_t)len;
            while (i < n && (len = utf8_next(s + i, n - i, &c)) && closing(c))
                i += (size_t)len;
            return i;
        }
        i += (size_t)len;
    }
    return i;
}
