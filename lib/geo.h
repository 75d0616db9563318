/* SPDX-License-Identifier: MIT */
/* Census geometry: vector layers named by the user, TIGER/Line blocks, region polygons, households.
 */
#ifndef DIALTONE_GEO_H
#define DIALTONE_GEO_H

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "coverage.h"

/* ---- vector layers named by the user (layers.c) ---- */
/* A layer of an OGR data source. The user names it as PATH (a source with one
 * layer; a .zip is read through /vsizip/) or PATH|layername=NAME (QGIS's form). */
typedef struct dti_layer {
    GDALDatasetH dataset;
    OGRLayerH layer;
    char *display; /* the user's text, for messages */
} dti_layer;

dt_status dti_layer_open(const char *spec, dti_layer *layer, dt_error *err);
/* The same, with the layer named apart (a --layer option, NULL when not given): PATH and
 * NAME, or PATH|layername=NAME; both naming different layers is a usage error. */
dt_status dti_layer_open_named(const char *path, const char *layer_name, dti_layer *layer,
                               dt_error *err);
/* *spec: PATH|layername=NAME from PATH and --layer NAME (a copy of PATH when layer_name is
 * NULL; NULL when path is). The caller frees it. */
dt_status dti_layer_spec(const char *path, const char *layer_name, char **spec, dt_error *err);
void dti_layer_close(dti_layer *layer);
/* 1 when every coordinate of g (and of its parts) is a finite number; a reader refuses a
 * feature with an infinite or NaN coordinate (its box would break every index). */
int dti_geometry_finite(OGRGeometryH g);
/* Field indices of names[0..count) into index[]; an error names the first
 * missing field and lists the layer's fields. what: "TIGER block layer". */
dt_status dti_layer_fields(const dti_layer *layer, const char *const *names, int count, int *index,
                           const char *what, dt_error *err);
/* Read only these fields (indices) and the geometry when with_geometry. */
void dti_layer_read_only(const dti_layer *layer, const int *index, int count, int with_geometry);
/* The layer's CRS, cloned, in longitude/latitude (x/y) axis order; an error
 * (DT_ERR_CRS) when it has none or one that is neither geographic nor
 * projected. The caller frees *srs with OSRDestroySpatialReference(). */
dt_status dti_layer_srs(const dti_layer *layer, OGRSpatialReferenceH *srs, dt_error *err);
/* Short name of a CRS for messages ("EPSG:4269" or its name), in name; returns name. */
const char *dti_srs_name(OGRSpatialReferenceH srs, char *name, size_t size);
/* A transformation between two CRS, or *ct = NULL when they are the same.
 * The caller frees *ct with OCTDestroyCoordinateTransformation(). */
dt_status dti_srs_transform(OGRSpatialReferenceH from, OGRSpatialReferenceH to,
                            OGRCoordinateTransformationH *ct, const char *what, dt_error *err);

/* ---- one index of boxes (boxgrid.c) ---- */
/* Boxes (xmin, ymin, xmax, ymax) on a uniform grid over their extent; a box is listed in
 * every cell it touches, or in big[] (offered to every query) when it would touch too many
 * or is not finite. Queries give candidates: the caller tests each against its box. */
typedef struct dti_boxgrid {
    double x0, y0, x1, y1, cw, ch; /* extent and cell size */
    long nx, ny;                   /* 0 when every box is big */
    size_t *cell_start;            /* per cell: first index into cell_items; +1 sentinel */
    uint32_t *cell_items;
    uint32_t *big;
    size_t nbig;
} dti_boxgrid;
/* Index n boxes read at minx[i * stride] and so on. 0, or -1 out of memory (free it). */
int dti_boxgrid_build(dti_boxgrid *g, const double *minx, const double *miny, const double *maxx,
                      const double *maxy, size_t stride, size_t n);
/* The boxes listed in the cell of (x, y): *items[0..return); the big ones come apart. */
size_t dti_boxgrid_point(const dti_boxgrid *g, double x, double y, const uint32_t **items);
/* Call visit(item) for every box listed in a cell the query box touches and every big one
 * (an item may come more than once). Returns visit's first non-zero. */
typedef int (*dti_boxgrid_visit)(uint32_t item, void *user);
int dti_boxgrid_query(const dti_boxgrid *g, double minx, double miny, double maxx, double maxy,
                      dti_boxgrid_visit visit, void *user);
void dti_boxgrid_free(dti_boxgrid *g);

/* ---- census blocks: TIGER/Line 2020 tabblock20 layers (blocks.c) ---- */
typedef struct dti_blocks {
    size_t count, cap;
    uint64_t *geoids;        /* GEOID20 */
    double *lon, *lat;       /* INTPTLON20 / INTPTLAT20, degrees */
    int64_t *aland, *awater; /* ALAND20 / AWATER20, square metres */
    uint32_t *housing, *pop; /* HOUSING20 / POP20 */
    uint8_t *area;           /* UR20 (optional): 1 urban, 2 rural, 0 unknown */
    size_t with_area;        /* blocks whose UR20 is U or R */
    dti_u64map index;        /* GEOID -> block index */
    size_t source_count;
    char **sources;                  /* the layer specs as given */
    size_t *source_end;              /* blocks of source s: [source_end[s-1], source_end[s]) */
    OGRSpatialReferenceH *layer_srs; /* per source: the layer's CRS */
    OGRSpatialReferenceH
        *point_srs; /* per source: CRS of the internal points (its geographic CRS) */
} dti_blocks;

/* Read every block layer (attributes and internal points only). A GEOID seen
 * twice is an error. Free with dti_blocks_free(). */
dt_status dti_blocks_read(dti_blocks *blocks, char *const *specs, size_t count,
                          dt_progress_fn progress, void *user, dt_error *err);
void dti_blocks_free(dti_blocks *blocks);
/* Index of a block, or UINT32_MAX when it is not in the layers. */
uint32_t dti_blocks_find(const dti_blocks *blocks, uint64_t geoid);
/* Read the layers again and call fn for every block in layer order, with its
 * geometry (OGRGeometryH in the first layer's CRS, NULL when with_geometry is
 * 0 or it has none). fn returns 0 to go on, else a status to stop with. */
typedef dt_status (*dti_block_fn)(uint32_t block, void *geometry, void *user, dt_error *err);
dt_status dti_blocks_each(const dti_blocks *blocks, int with_geometry, dti_block_fn fn, void *user,
                          dt_error *err);

/* ---- a layer of region polygons: vertices, rings, features, ids (region_layer.c) ---- */
/* What reading a region layer left out or repaired, for notes. */
typedef struct dti_region_notes {
    size_t features;         /* read */
    size_t empty, zero_area; /* features left out: no geometry, nothing to draw */
    size_t bad_rings;        /* rings of fewer than three points, left out */
    size_t repaired;         /* invalid geometry made valid (MakeValid) */
    size_t invalid;          /* invalid geometry counted (checked up to 50,000 features) */
    int64_t empty_fids[8], repaired_fids[8];     /* the first few */
    char first_skipped[128], first_invalid[128]; /* region ids */
    int validity_checked;                        /* repairing, and GDAL has GEOS */
} dti_region_notes;

/* Every polygon of a layer in flat arrays: a feature is the rings of one OGR feature, each
 * exterior ring followed by its holes, all closed (last vertex == first). */
typedef struct dti_region_layer {
    double *x, *y; /* every vertex, in the layer's CRS (a map projects them in place) */
    size_t point_count, point_cap;
    uint32_t *ring_point; /* ring r: points [ring_point[r], ring_point[r + 1]) */
    uint8_t *ring_outer;  /* 1 for an exterior ring, 0 for a hole */
    size_t ring_count, ring_cap;
    uint32_t *feature_ring;   /* feature f: rings [feature_ring[f], feature_ring[f + 1]) */
    uint32_t *feature_region; /* index into ids */
    size_t feature_count, feature_cap;
    dti_strtab ids;         /* region ids in order of appearance (a map's join adds others) */
    size_t region_count;    /* the layer's regions: ids 0 .. region_count - 1 */
    char **names;           /* per region when keep_names: NAMELSAD or NAME, NULL when none */
    OGRGeometryH *geometry; /* per region when keep_geometry: a MultiPolygon of its polygons */
    size_t region_cap;      /* of names and geometry */
    int keep_names, keep_geometry;
    dti_region_notes notes;
} dti_region_layer;

/* How to read a layer; each caller names what it needs. */
typedef struct dti_region_read {
    const char *display; /* the layer in messages */
    int id_index;        /* field of the region id, -1: the feature id */
    /* Every feature must have an id; messages name a feature by FID and id ("feature 3 (id
     * 31)"), else by the region id ("region 31": the id may be the FID). Geometry must be a
     * Polygon or MultiPolygon (else collections of them are read too). */
    int id_required;
    int names;          /* keep each region's name: its first feature's dti_region_name_fields */
    int repair;         /* invalid geometry is repaired with MakeValid (when GDAL has GEOS); else
                           it is counted in notes.invalid */
    int skip_zero_area; /* leave out features with nothing to draw, counted */
    const int *fields;  /* other fields the caller reads in new_region (up to 6) */
    int field_count;
    /* Called for each feature that brings a new region (region == its index). */
    dt_status (*new_region)(OGRFeatureH f, uint32_t region, const char *id, void *user,
                            dt_error *err);
    void *region_user;
    dt_progress_fn progress; /* reading regions: 0 .. 0.4 */
    void *user;
} dti_region_read;

/* An empty layer; keep_geometry keeps one MultiPolygon per region. */
void dti_region_layer_init(dti_region_layer *rl, int keep_geometry);
/* Read every feature of layer into rl (made with dti_region_layer_init); the caller checks
 * the layer's GDAL error state and that it found a region. dti_region_layer_free() frees
 * it, also after a failure. */
dt_status dti_region_layer_read(dti_region_layer *rl, const dti_layer *layer,
                                const dti_region_read *how, dt_error *err);
/* Add a Polygon or MultiPolygon (OGRGeometryH, linear, not taken) as a feature of region id. */
dt_status dti_region_layer_add(dti_region_layer *rl, const char *id, OGRGeometryH geometry,
                               dt_error *err);
void dti_region_layer_free(dti_region_layer *rl);
/* Index of the id field: id_field, or when NULL the first of GEOID, GEOID20, GEOID10 and
 * geoid present; -1 when none. */
int dti_region_id_field(OGRFeatureDefnH defn, const char *id_field);
/* The first of dti_region_name_fields the layer has, or -1. */
int dti_region_name_field(OGRFeatureDefnH defn);
/* Fields that name a region (NAMELSAD, NAME ...), in order of preference; NULL-terminated. */
extern const char *const dti_region_name_fields[];

/* ---- region polygons: read, index, point in polygon (polygons.c) ---- */
typedef struct dti_polygons dti_polygons;

/* What reading a region layer found worth telling the user. */
typedef struct dti_polygons_report {
    size_t features, repaired, empty;
    int64_t repaired_fids[8], empty_fids[8]; /* the first few */
    int validity_checked;                    /* 0: GDAL has no GEOS */
} dti_polygons_report;

/* Read the region layer spec with id_field; keep_geometry keeps one
 * multipolygon per region for outputs. Free with dti_polygons_free(). */
dti_polygons *dti_polygons_read(const char *spec, const char *id_field, int keep_geometry,
                                dti_polygons_report *report, dt_error *err);
/* An empty set in srs (OGRSpatialReferenceH, cloned); add polygons, then index. */
dti_polygons *dti_polygons_new(OGRSpatialReferenceH srs, int keep_geometry);
/* Add a Polygon or MultiPolygon (OGRGeometryH, not taken) to region id. */
dt_status dti_polygons_add(dti_polygons *polygons, const char *id, OGRGeometryH geometry,
                           dt_error *err);
/* Sort regions by id (numerically when numeric_ids) and build the index. */
dt_status dti_polygons_index(dti_polygons *polygons, int numeric_ids, dt_error *err);
/* The index of a layer the caller keeps, unchanged, until dti_polygons_free(); regions sorted
 * as dti_polygons_index does, srs (may be NULL) cloned. NULL on failure (err says why). */
dti_polygons *dti_polygons_over(const dti_region_layer *layer, OGRSpatialReferenceH srs,
                                int numeric_ids, dt_error *err);
void dti_polygons_free(dti_polygons *polygons);
size_t dti_polygons_count(const dti_polygons *polygons);
const char *dti_polygons_id(const dti_polygons *polygons, size_t region);
OGRGeometryH dti_polygons_geometry(const dti_polygons *polygons, size_t region);
OGRSpatialReferenceH dti_polygons_srs(const dti_polygons *polygons);
/* Region containing (x, y) in the layer's CRS, DTI_NO_REGION for none. When
 * regions overlap there, the smallest index wins and *several is set. */
uint32_t dti_polygons_locate(const dti_polygons *polygons, double x, double y, int *several);

/* Where the blocks' internal points fell. */
typedef struct dti_assign_report {
    size_t in_no_region, in_several, not_transformed;
} dti_assign_report;

/* Region of every block's internal point (transformed into the regions' CRS);
 * several (may be NULL) flags the blocks that fell in overlapping regions. */
dt_status dti_polygons_assign(const dti_polygons *polygons, const dti_blocks *blocks,
                              uint32_t *block_region, uint8_t *several, dti_assign_report *report,
                              dt_progress_fn progress, void *user, dt_error *err);

/* Region table from polygons: ids copied; every coverage block gets the region
 * of its layer block (layer_region), DTI_NO_REGION when not in the layers. */
dt_status dti_regions_from_polygons(const dti_coverage *cov, const dti_blocks *blocks,
                                    const uint32_t *layer_region, const dti_polygons *polygons,
                                    dti_region_table *regions, dt_error *err);

/* ---- exact sums of fractions (exact_sum.c) ---- */
/* Many independent sums of num/den, kept exactly and rounded half up only at
 * the end: region sums of apportioned housing units. */
typedef struct dti_fraction_sums dti_fraction_sums;

dti_fraction_sums *dti_fraction_sums_new(size_t count);
void dti_fraction_sums_free(dti_fraction_sums *sums);
/* sums[which] += num / den (den > 0). 0 ok, -1 out of memory. */
int dti_fraction_sums_add(dti_fraction_sums *sums, size_t which, uint64_t num, uint32_t den);
/* round-half-up(sums[which] * 10^decimals), decimals 0..9. 0 ok, -1 out of memory. */
int dti_fraction_sums_round(dti_fraction_sums *sums, size_t which, int decimals, uint64_t *scaled);

/* ---- households: housing units apportioned to classes (households.c) ---- */
/* Locations of one coverage block by class, all and residential (R or X). */
typedef struct dti_block_tally {
    uint32_t locations, unserved, underserved, served;
    uint32_t residential, residential_unserved, residential_underserved;
} dti_block_tally;

/* Per coverage block tallies; caller frees *tallies with free(). */
dt_status dti_block_tallies(const dti_coverage *cov, dti_block_tally **tallies, dt_error *err);

/* Block counts from a file `geoid,households` (PL 94-171 H1_002N). */
typedef struct dti_block_counts {
    size_t count;
    uint64_t *geoids;
    uint32_t *values;
    dti_u64map index; /* GEOID -> entry */
} dti_block_counts;

dt_status dti_households_read(const char *path, dti_block_counts *counts, dt_error *err);
void dti_block_counts_free(dti_block_counts *counts);

/* One region's units (HOUSING20 or households) and how they split (SPEC). */
typedef struct dti_units_sums {
    uint64_t units, no_data;
    uint64_t unserved_x10, underserved_x10; /* one decimal, rounded half up at the end */
} dti_units_sums;

/* Units of a block split by its residential locations: unserved and
 * underserved as exact fractions num/den (den 0 when there is no residential
 * location, and then the units have no data). */
typedef struct dti_units_split {
    uint64_t unserved_num, underserved_num, no_data;
    uint32_t den;
} dti_units_split;
dti_units_split dti_units_split_block(uint32_t units, const dti_block_tally *tally);

/* Sum blocks (geoids[i], units[i], in region[i] or DTI_NO_REGION) into
 * sums[0..nregions); a block without locations has all its units without data.
 * Caller frees *sums with free(). */
dt_status dti_units_sum(const dti_coverage *cov, const dti_block_tally *tallies,
                        const uint64_t *geoids, const uint32_t *units, const uint32_t *region,
                        size_t count, size_t nregions, dti_units_sums **sums, dt_error *err);

#endif
