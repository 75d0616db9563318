/* SPDX-License-Identifier: MIT */
/* dialtone report: the one self-contained HTML page (inline CSS and JS, images as data). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#1a1a1a;margin:0;"
    "background:#fff;line-height:1.45}\n"
    "main{max-width:1080px;margin:0 auto;padding:24px 28px 48px}\n"
    "h1{font-size:30px;margin:8px 0 4px}h2{font-size:21px;margin:36px 0 10px;"
    "border-bottom:2px solid #e5e5e5;padding-bottom:4px}\n"
    ".subtitle{color:#555;font-size:16px;margin:0 0 18px}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}\n"
    ".card{flex:1 1 180px;border:1px solid #ddd;border-radius:6px;padding:10px 14px}\n"
    ".card .value{font-size:26px;font-weight:bold}.card .label{color:#555;font-size:13px}\n"
    ".card.unserved .value{color:#b10026}.card.underserved .value{color:#e6550d}\n"
    ".card.served .value{color:#1f6fb4}\n"
    "figure{margin:18px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    /* the live map: the SVG on screen, its PNG in print */
    ".map-live{position:relative;border:1px solid #eee}.map-live svg{display:block;"
    "max-width:100%;height:auto}.map-print{display:none}\n"
    /* over the SVG's own #regions path rule */
    ".map-live #regions path{cursor:pointer}.map-live #regions path:focus,"
    ".map-live #regions path.hl{stroke:#000;stroke-width:3px;outline:none}\n"
    ".map-tip{position:absolute;z-index:2;pointer-events:none;background:#fff;"
    "border:1px solid #888;border-radius:4px;padding:6px 9px;font-size:13px;"
    "box-shadow:0 2px 6px rgba(0,0,0,.25);max-width:340px}.map-tip b{display:block}\n"
    "table tr.hl td{background:#fff1b8}\n"
    "@media print{.map-live{display:none}.map-print{display:inline}}\n"
    ""
    "table{border-collapse:collapse;font-size:14px;margin:8px 0;width:100%}\n"
    "th,td{padding:4px 8px;border-bottom:1px solid #e5e5e5;text-align:right}\n"
    "th:first-child,td:first-child,th.text,td.text{text-align:left}\n"
    "thead th{background:#f4f4f4;position:sticky;top:0}\n"
    "table.sortable th{cursor:pointer;user-select:none}\n"
    "table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}\n"
    "table.sortable th[aria-sort=descending]::after{content:' \\25BC'}\n"
    "tbody tr:nth-child(even){background:#fafafa}\n"
    ".note{color:#555;font-size:13px}.notes li{margin:4px 0}\n"
    "footer{color:#777;font-size:12px;margin-top:36px}\n"
    /* the table of regions holds every region; with the script, the first rows of its order
     * show until "Show all" (sorting sorts every region, then shows the first again) */
    ".js table.collapsed tr.more{display:none}\n"
    ".toggle{display:none}.js .toggle{display:inline;font:inherit;color:#1f6fb4;background:none;"
    "border:0;padding:0;cursor:pointer;text-decoration:underline}\n"
    /* print: no sorting hints or buttons, the first rows only, headings kept with what follows,
     * figures and tables kept whole where they fit a page */
    "@media print{@page{margin:14mm}body{font-size:11px;line-height:1.3}"
    "main{max-width:none;padding:0}h1{font-size:22px}h2{font-size:15px;margin:14px 0 6px;"
    "break-after:avoid;page-break-after:avoid}h2+*{break-before:avoid}"
    ".screen,.toggle,.js .toggle{display:none}table.collapsible tr.more{display:none}"
    "table{font-size:10px}th,td{padding:2px 5px}thead th{position:static}"
    "tr,figure,.cards{break-inside:avoid;page-break-inside:avoid}"
    "figure{margin:4px 0}figure img{max-height:84mm;width:auto;border:0}"
    "#maps figure{display:inline-block;width:49%;vertical-align:top;margin:0}"
    "#maps figure img{width:100%;max-height:none}"
    "table.sortable th{cursor:auto}.card .value{font-size:18px}"
    "section{break-inside:auto}a{color:inherit;text-decoration:none}}\n";

/* Sorting by clicking a header (numbers by data-value), #sort=KEY[:asc] in the address,
 * and where the first map landed (data-map-box on <html>) for tools that check the page. */
static const char script[] =
    "(function(){\n"
    "function sortTable(table,col,dir){\n"
    " var th=table.tHead.rows[0].cells[col],numeric=th.getAttribute('data-type')==='number';\n"
    " var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);\n"
    " rows.sort(function(a,b){\n"
    "  var x=a.cells[col].getAttribute('data-value'),y=b.cells[col].getAttribute('data-value');\n"
    "  if(x===null)x=a.cells[col].textContent;if(y===null)y=b.cells[col].textContent;\n"
    "  var c=numeric?(x===''?-Infinity:+x)-(y===''?-Infinity:+y):x.localeCompare(y);\n"
    "  if(c===0)c=(+a.getAttribute('data-order'))-(+b.getAttribute('data-order'));\n"
    "  else if(dir==='descending')c=-c;return c;});\n"
    " rows.forEach(function(r,i){body.appendChild(r);if(table.hasAttribute('data-top'))"
    "r.classList.toggle('more',i>=+table.getAttribute('data-top'));});\n"
    " Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.removeAttribute("
    "'aria-sort');});\n"
    " th.setAttribute('aria-sort',dir);}\n"
    "Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(t){\n"
    " Array.prototype.forEach.call(t.tBodies[0].rows,function(r,i){r.setAttribute('data-order',"
    "i);});\n"
    " Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){\n"
    "  th.addEventListener('click',function(){var d=th.getAttribute('aria-sort')==='descending'"
    "?'ascending':'descending';if(th.getAttribute('data-type')!=='number'&&!th.getAttribute("
    "'aria-sort'))d='ascending';sortTable(t,col,d);});});});\n"
    "var m=/[#&]sort=([A-Za-z0-9_]+)(:asc)?/.exec(location.hash);\n"
    "if(m){var t=document.getElementById('worst');if(t){Array.prototype.forEach.call("
    "t.tHead.rows[0].cells,function(th,col){if(th.getAttribute('data-key')===m[1])sortTable("
    "t,col,m[2]?'ascending':'descending');});}}\n"
    "function box(){var img=document.querySelector('figure .map-live svg')||"
    "document.querySelector('figure img');if(!img)return;\n"
    " var r=img.getBoundingClientRect();document.documentElement.setAttribute('data-map-box',"
    "[Math.round(r.left+window.scrollX),Math.round(r.top+window.scrollY),Math.round(r.width),"
    "Math.round(r.height)].join(','));}\n"
    "box();window.addEventListener('load',box);window.addEventListener('resize',box);\n"
    "Array.prototype.forEach.call(document.querySelectorAll('button.toggle'),function(b){\n"
    " var t=document.getElementById(b.getAttribute('data-table')),shown=b.textContent;\n"
    " b.addEventListener('click',function(){var c=t.classList.toggle('collapsed');\n"
    "  b.textContent=c?shown:b.getAttribute('data-less');});});\n"
    "document.documentElement.classList.add('js');\n"
    "document.documentElement.setAttribute('data-ready','1');\n"
    "})();\n";

/* The live map: hover or focus (Tab) a region for its name and numbers; the region and its
 * row of the table highlight each other; #region=GEOID in the address opens one. */
static const char map_script[] =
    "(function(){\n"
    "var live=document.querySelector('.map-live'),src=document.getElementById('map-data');\n"
    "if(!live||!src)return;var data=JSON.parse(src.textContent),tip=live.querySelector("
    "'.map-tip');\n"
    "function sep(v){var p=String(v).split('.');p[0]=p[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g,"
    "',');return p.join('.');}\n"
    "function rowsOf(id){var t=document.getElementById('worst');if(!t)return[];var col=-1;\n"
    " Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c,i){if(c.getAttribute("
    "'data-key')==='geoid')col=i;});\n"
    " return Array.prototype.filter.call(t.tBodies[0].rows,function(r){return col>=0&&"
    "r.cells[col].textContent===id;});}\n"
    "function pathOf(id){return live.querySelector('path[data-geoid=\"'+id.replace(/[\"\\\\]/g,"
    "'')+'\"]');}\n"
    "function fill(id){var d=data.r[id];tip.textContent='';var b=document.createElement('b');\n"
    " b.textContent=(d&&d[0]?d[0]+' ':'')+'('+id+')';tip.appendChild(b);\n"
    " if(!d){tip.appendChild(document.createTextNode('no data'));return;}\n"
    " for(var k=1;k<data.k.length;k++){var line=document.createElement('div'),s=document."
    "createElement('span');\n"
    "  s.setAttribute('data-key',data.k[k]);s.setAttribute('data-value',d[k]);s.textContent="
    "d[k]===''?'\u2013':sep(d[k])+data.u[k];\n"
    "  line.appendChild(document.createTextNode(data.l[k]+': '));line.appendChild(s);"
    "tip.appendChild(line);}}\n"
    "function place(x,y){var r=live.getBoundingClientRect();tip.style.left=Math.min(x-r.left+14,"
    "r.width-tip.offsetWidth-4)+'px';tip.style.top=(y-r.top+14)+'px';}\n"
    "function show(p,x,y){var id=p.getAttribute('data-geoid');fill(id);tip.hidden=false;"
    "tip.setAttribute('data-geoid',id);\n"
    " if(x===undefined){var b=p.getBoundingClientRect();x=b.left+b.width/2;y=b.top+b.height/2;}"
    "place(x,y);\n"
    " p.classList.add('hl');rowsOf(id).forEach(function(r){r.classList.add('hl');});}\n"
    "function hide(p){tip.hidden=true;p.classList.remove('hl');rowsOf(p.getAttribute("
    "'data-geoid')).forEach(function(r){r.classList.remove('hl');});}\n"
    "Array.prototype.forEach.call(live.querySelectorAll('path[data-geoid]'),function(p){\n"
    " p.setAttribute('tabindex','0');p.setAttribute('focusable','true');\n"
    " var t=p.querySelector('title');if(t)p.setAttribute('aria-label',t.textContent);\n"
    " p.addEventListener('mousemove',function(e){show(p,e.clientX,e.clientY);});\n"
    " p.addEventListener('mouseleave',function(){hide(p);});\n"
    " p.addEventListener('focus',function(){show(p);});p.addEventListener('blur',function(){"
    "hide(p);});});\n"
    "var t=document.getElementById('worst');if(t){var col=-1;Array.prototype.forEach.call("
    "t.tHead.rows[0].cells,function(c,i){if(c.getAttribute('data-key')==='geoid')col=i;});\n"
    " Array.prototype.forEach.call(t.tBodies[0].rows,function(r){if(col<0)return;var p=pathOf("
    "r.cells[col].textContent);if(!p)return;\n"
    "  r.addEventListener('mouseenter',function(){p.classList.add('hl');r.classList.add('hl');"
    "});\n"
    "  r.addEventListener('mouseleave',function(){p.classList.remove('hl');r.classList.remove("
    "'hl');});});}\n"
    "var m=/[#&]region=([^&]+)/.exec(location.hash);if(m){var p=pathOf(decodeURIComponent("
    "m[1]));if(p){p.focus();show(p);}}\n"
    "})();\n";

static const char *const tech_labels[DTI_TECH_COUNT] = {"Fiber",
                                                        "Cable",
                                                        "Copper (DSL)",
                                                        "Licensed fixed wireless",
                                                        "Licensed-by-rule fixed wireless",
                                                        "Unlicensed fixed wireless"};

static void esc(FILE *fp, const char *text)
{
    for (const char *c = text; *c; c++)
        switch (*c) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*c, fp);
        }
}

/* 1234567 -> "1,234,567" */
static char *count_text(char *buf, size_t size, uint64_t v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v), k = 0;
    for (int i = 0; i < n && (size_t)k + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

/* A decimal cell with thousands separators in its whole part ("12345.5" -> "12,345.5"). */
static char *number_text(char *buf, size_t size, const char *cell)
{
    uint64_t whole;
    size_t n = strcspn(cell, ".");
    if (n == 0 || dti_parse_u64(cell, n, &whole) != 0) {
        snprintf(buf, size, "%s", cell);
        return buf;
    }
    count_text(buf, size, whole);
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s", cell + n);
    return buf;
}

static void percent_text(char *buf, size_t size, uint64_t part, uint64_t whole)
{
    if (!whole)
        snprintf(buf, size, "0");
    else
        dti_format_ratio(buf, size, 100 * part, whole, 1);
}

/* ---- the headline ---- */

static void card(FILE *fp, const char *kind, const char *value, const char *label)
{
    fprintf(fp, "<div class=\"card %s\"><div class=\"value\">", kind);
    esc(fp, value);
    fputs("</div><div class=\"label\">", fp);
    esc(fp, label);
    fputs("</div></div>\n", fp);
}

static void headline(FILE *fp, const dti_report *r)
{
    const dti_report_totals *t = &r->totals;
    char a[64], b[64], label[160];
    const char *noun = r->region_noun ? r->region_noun : "regions";
    fprintf(fp, "<section id=\"headline\"><h2>Headline</h2>\n<div class=\"cards\">\n");
    snprintf(label, sizeof label, "locations in %zu %s", r->stats.nrows, noun);
    card(fp, "locations", count_text(a, sizeof a, t->locations), label);
    static const char *const kinds[] = {"unserved", "underserved", "served"};
    const uint64_t counts[] = {t->unserved, t->underserved, t->served};
    for (int k = 0; k < 3; k++) {
        percent_text(b, sizeof b, counts[k], t->locations);
        snprintf(label, sizeof label, "%s locations (%s%%)", kinds[k], b);
        card(fp, kinds[k], count_text(a, sizeof a, counts[k]), label);
    }
    fputs("</div>\n<p>", fp);
    percent_text(b, sizeof b, t->unserved + t->underserved, t->locations);
    char down[32], up[32];
    dti_format_fixed(down, sizeof down, r->rules.served_down, 6);
    dti_format_fixed(up, sizeof up, r->rules.served_up, 6);
    fprintf(fp, "%s of %s locations (%s%%) lack a reliable %s/%s Mbps connection; ",
            count_text(a, sizeof a, t->unserved + t->underserved),
            count_text(label, sizeof label, t->locations), b, down, up);
    fprintf(fp, "in %zu of %zu %s, half or more of the locations are unserved.", t->majority,
            r->stats.nrows, noun);
    fputs("</p>\n</section>\n", fp);
}

/* ---- figures ---- */

/* A JSON string, safe inside <script>. */
static void json_string(FILE *fp, const char *text)
{
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&')
            fprintf(fp, "\\u%04x", *c);
        else
            fputc(*c, fp);
    fputc('"', fp);
}

/* The numbers the live map's tooltips show, as the stats table has them (CSV text). */
static void map_data(FILE *fp, dti_report *r)
{
    const dti_csv_table *s = &r->stats;
    struct {
        const char *key, *label, *unit;
        int col;
    } keys[] = {{"name", "", "", -1},
                {"locations", "Locations", "", r->col.locations},
                {"unserved", "Unserved", "", r->col.unserved},
                {"pct_unserved", "Share unserved", "%", -2},
                {"underserved", "Underserved", "", r->col.underserved},
                {"served", "Served", "", r->col.served},
                {"median_max_down", "Median best download", " Mbps", r->col.median}};
    size_t nk = sizeof keys / sizeof *keys - (r->col.median < 0);
    fputs("<script type=\"application/json\" id=\"map-data\">{\"k\":[", fp);
    for (size_t k = 0; k < nk; k++)
        fprintf(fp, "%s\"%s\"", k ? "," : "", keys[k].key);
    fputs("],\"l\":[", fp);
    for (size_t k = 0; k < nk; k++)
        fprintf(fp, "%s\"%s\"", k ? "," : "", keys[k].label);
    fputs("],\"u\":[", fp);
    for (size_t k = 0; k < nk; k++)
        fprintf(fp, "%s\"%s\"", k ? "," : "", keys[k].unit);
    fputs("],\"r\":{", fp);
    for (size_t row = 0; row < s->nrows; row++) {
        const char *geoid = dti_csv_table_cell(s, row, r->col.geoid);
        const char *name = dti_names_find(&r->names, geoid);
        fputs(row ? ",\n" : "\n", fp);
        json_string(fp, geoid);
        fputs(":[", fp);
        json_string(fp, name ? name : "");
        for (size_t k = 1; k < nk; k++) {
            fputc(',', fp);
            json_string(fp,
                        keys[k].col == -2 ? r->pct[row] : dti_csv_table_cell(s, row, keys[k].col));
        }
        fputc(']', fp);
    }
    fputs("}}</script>\n", fp);
}

static void figure(FILE *fp, const dti_figure *f, int index)
{
    fprintf(fp, "<figure id=\"map%d\">", index);
    if (f->svg) { /* live on screen; the PNG below is for print */
        fputs("<div class=\"map-live\">", fp);
        fputs(f->svg, fp);
        fputs("<div class=\"map-tip\" role=\"status\" hidden></div></div>\n", fp);
    }
    fprintf(fp, "<img%s width=\"%d\" height=\"%d\" alt=\"", f->svg ? " class=\"map-print\"" : "",
            f->width, f->height);
    esc(fp, f->title[0] ? f->title : "map");
    if (f->description[0]) {
        fputs(": ", fp);
        esc(fp, f->description);
    }
    fputs("\" src=\"data:image/png;base64,", fp);
    dti_base64_write(fp, f->png, f->size);
    fputs("\">", fp); /* the title and subtitle are drawn in the image; alt has them */
    fputs("</figure>\n", fp);
}

/* ---- tables ---- */

/* A header cell: numeric ones sort by number. */
static void th(FILE *fp, const char *key, const char *label, int numeric)
{
    fprintf(fp, "<th data-key=\"%s\"%s%s>", key, numeric ? " data-type=\"number\"" : "",
            numeric ? "" : " class=\"text\"");
    esc(fp, label);
    fputs("</th>", fp);
}

static void td_text(FILE *fp, const char *text)
{
    fputs("<td class=\"text\">", fp);
    esc(fp, text);
    fputs("</td>", fp);
}

/* A numeric cell: the table's own text as data-value, shown with separators and a suffix. */
static void td_number(FILE *fp, const char *cell, const char *suffix)
{
    char shown[96];
    fputs("<td data-value=\"", fp);
    esc(fp, cell);
    fputs("\">", fp);
    esc(fp, number_text(shown, sizeof shown, cell));
    if (*cell)
        esc(fp, suffix);
    fputs("</td>", fp);
}

/* A share (0 to 1, as the table has it) shown as a percentage like its neighbours, exactly:
 * the decimal point moved two places ("0.8333" -> "83.33%"); data-value keeps the share. */
static void td_share(FILE *fp, const char *cell)
{
    char shown[96];
    size_t whole = strcspn(cell, ".");
    const char *frac = cell[whole] == '.' ? cell + whole + 1 : "";
    size_t nfrac = strlen(frac), used = 0;
    int ok = whole > 0 && whole + nfrac + 4 < sizeof shown;
    for (const char *p = cell; ok && *p; p++)
        ok = (*p >= '0' && *p <= '9') || p == cell + whole;
    if (!ok) { /* not a plain decimal: as it is */
        td_number(fp, cell, "");
        return;
    }
    for (size_t i = 0; i < whole; i++)
        if (used || cell[i] != '0')
            shown[used++] = cell[i];
    for (size_t i = 0; i < 2; i++)
        if (used || (i < nfrac ? frac[i] : '0') != '0' || i == 1)
            shown[used++] = i < nfrac ? frac[i] : '0';
    size_t last = nfrac; /* the rest of the decimals, without trailing zeros */
    while (last > 2 && frac[last - 1] == '0')
        last--;
    if (last > 2) {
        shown[used++] = '.';
        for (size_t i = 2; i < last; i++)
            shown[used++] = frac[i];
    }
    shown[used] = '\0';
    fputs("<td data-value=\"", fp);
    esc(fp, cell);
    fputs("\">", fp);
    esc(fp, shown);
    fputs("%</td>", fp);
}

static void worst_table(FILE *fp, dti_report *r)
{
    const dti_csv_table *s = &r->stats;
    size_t n = r->top && r->top < s->nrows ? r->top : s->nrows;
    const char *noun = r->region_noun ? r->region_noun : "regions";
    fprintf(
        fp,
        "<section id=\"worst-regions\"><h2>The %zu %s with the largest share unserved"
        "</h2>\n<p class=\"note screen\">Click a column to sort (every one of the %zu %s).</p>\n",
        n, noun, s->nrows, noun);
    /* every region is in the page: sorting sorts them all; beyond the first n they show on
     * "Show all" (and without the script), never in print */
    if (n < s->nrows)
        fprintf(fp,
                "<table id=\"worst\" class=\"sortable collapsible collapsed\" "
                "data-top=\"%zu\"><thead><tr>",
                n);
    else
        fputs("<table id=\"worst\" class=\"sortable\"><thead><tr>", fp);
    th(fp, "rank", "#", 1);
    th(fp, "geoid", "Region", 0);
    if (r->names.count)
        th(fp, "name", "Name", 0);
    th(fp, "locations", "Locations", 1);
    th(fp, "unserved", "Unserved", 1);
    th(fp, "pct_unserved", "% unserved", 1);
    th(fp, "underserved", "Underserved", 1);
    th(fp, "served", "Served", 1);
    if (r->col.providers >= 0)
        th(fp, "providers", "Providers", 1);
    if (r->col.median >= 0)
        th(fp, "median_max_down", "Median best download (Mbps)", 1);
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t k = 0; k < s->nrows; k++) {
        size_t row = r->worst[k];
        char rank[32];
        snprintf(rank, sizeof rank, "%zu", k + 1);
        const char *geoid = dti_csv_table_cell(s, row, r->col.geoid);
        fputs(k < n ? "<tr>" : "<tr class=\"more\">", fp);
        td_number(fp, rank, "");
        td_text(fp, geoid);
        if (r->names.count) {
            const char *name = dti_names_find(&r->names, geoid);
            td_text(fp, name ? name : "");
        }
        td_number(fp, dti_csv_table_cell(s, row, r->col.locations), "");
        td_number(fp, dti_csv_table_cell(s, row, r->col.unserved), "");
        td_number(fp, r->pct[row], "%");
        td_number(fp, dti_csv_table_cell(s, row, r->col.underserved), "");
        td_number(fp, dti_csv_table_cell(s, row, r->col.served), "");
        if (r->col.providers >= 0)
            td_number(fp, dti_csv_table_cell(s, row, r->col.providers), "");
        if (r->col.median >= 0)
            td_number(fp, dti_csv_table_cell(s, row, r->col.median), "");
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
    if (n < s->nrows) {
        fprintf(fp, "<p class=\"note\">%zu more %s in the full table, ", s->nrows - n, noun);
        if (r->stats_link) {
            fputs("<a href=\"", fp);
            esc(fp, r->stats_link);
            fputs("\">", fp);
            esc(fp, r->stats_link);
            fputs("</a>", fp);
        } else {
            fputs("read from standard input", fp);
        }
        fprintf(fp,
                "<span class=\"screen\">, and in this page: <button class=\"toggle\" "
                "data-table=\"worst\" data-less=\"show the first %zu only\">show all %zu "
                "%s</button></span>.</p>\n",
                n, s->nrows, noun);
    }
    fputs("</section>\n", fp);
}

/* A table of chosen columns (by name, when present) of some rows of t. */
static void column_table(FILE *fp, const dti_csv_table *t, const char *id,
                         const char *const (*columns)[3], size_t ncolumns, const size_t *rows,
                         size_t nrows, dti_names *names)
{
    int col[24];
    fprintf(fp, "<table id=\"%s\" class=\"sortable\"><thead><tr>", id);
    for (size_t c = 0; c < ncolumns; c++) {
        col[c] = dti_csv_table_column(t, columns[c][0]);
        if (col[c] >= 0)
            th(fp, columns[c][0], columns[c][1], columns[c][2][0] != 't');
        if (col[c] >= 0 && strcmp(columns[c][0], "geoid") == 0 && names && names->count)
            th(fp, "name", "Name", 0); /* the name beside the region id */
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t k = 0; k < nrows; k++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < ncolumns; c++) {
            if (col[c] >= 0) {
                const char *cell = dti_csv_table_cell(t, rows[k], col[c]);
                if (columns[c][2][0] == 't')
                    td_text(fp, cell);
                else if (columns[c][2][0] == 's')
                    td_share(fp, cell);
                else
                    td_number(fp, cell, columns[c][2][0] == '$' ? "" : columns[c][2]);
            }
            if (col[c] >= 0 && strcmp(columns[c][0], "geoid") == 0 && names && names->count) {
                const char *name = dti_names_find(names, dti_csv_table_cell(t, rows[k], col[c]));
                td_text(fp, name ? name : "");
            }
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
}

static void plan_section(FILE *fp, dti_report *r)
{
    static const char *const columns[][3] = {{"rank", "Rank", ""},
                                             {"geoid", "Region", "t"},
                                             {"pass", "Pass", "t"},
                                             {"density", "Density (per km\xc2\xb2)", ""},
                                             {"cost_per_location", "$ per location", "$"},
                                             {"project_locations", "Connects", ""},
                                             {"project_households", "Households", ""},
                                             {"cost", "Cost ($)", "$"},
                                             {"cumulative_cost", "Cumulative cost ($)", "$"},
                                             {"cumulative_locations", "Cumulative locations", ""}};
    const dti_plan_totals *p = &r->plan_totals;
    char a[64], b[64], c[64];
    fputs("<section id=\"plan\"><h2>The plan</h2>\n<p>", fp);
    if (r->has_budget)
        fprintf(fp, "With a budget of $%s, ",
                count_text(a, sizeof a, (uint64_t)(r->budget / DTI_MONEY_UNIT)));
    fprintf(fp,
            "%zu of %zu projects are funded for $%s, connecting %s unserved and %s "
            "underserved locations.",
            p->funded, r->plan.nrows, count_text(b, sizeof b, (uint64_t)(p->cost / DTI_MONEY_UNIT)),
            count_text(a, sizeof a, p->locations[0]), count_text(c, sizeof c, p->locations[1]));
    if (p->waiting)
        fprintf(fp,
                " %zu projects for underserved locations wait: BEAD funds every unserved "
                "location first.",
                p->waiting);
    fputs("</p>\n", fp);
    if (r->plan_method_note[0]) {
        fputs("<p class=\"note\">", fp);
        esc(fp, r->plan_method_note);
        fputs("</p>\n", fp);
    }
    if (r->has_plan_map)
        figure(fp, &r->plan_map, 90);
    size_t shown = p->funded < 200 ? p->funded : 200;
    if (shown) {
        fputs("<h3>Funded projects</h3>\n", fp);
        column_table(fp, &r->plan, "funded", columns, sizeof columns / sizeof *columns,
                     r->funded_rows, shown, &r->names);
        if (shown < p->funded)
            fprintf(fp, "<p class=\"note\">%zu more funded projects in the plan table.</p>\n",
                    p->funded - shown);
    }
    fputs("</section>\n", fp);
}

static void diff_section(FILE *fp, dti_report *r)
{
    const dti_report_change *d = &r->change;
    char a[64], b[64], c[64], e[64];
    fputs("<section id=\"change\"><h2>Change since the previous filing</h2>\n", fp);
    /* one universe per section, said where it differs from the headline's */
    fputs(r->fabric ? "<p class=\"note\">These counts cover the locations in the availability "
                      "files of the two filings only: unlike the numbers above, they leave out "
                      "the fabric's locations that no provider reports.</p>\n"
                    : "<p class=\"note\">These counts cover the locations in the availability "
                      "files of the two filings.</p>\n",
          fp);
    fputs("<table id=\"change-totals\"><thead><tr><th class=\"text\"></th><th>Previous</th>"
          "<th>This filing</th><th>Change</th></tr></thead><tbody>\n",
          fp);
    static const char *const labels[] = {"Locations", "Served", "Underserved", "Unserved"};
    for (int k = 0; k < 4; k++)
        fprintf(fp, "<tr><td class=\"text\">%s</td><td>%s</td><td>%s</td><td>%s%lld</td></tr>\n",
                labels[k], count_text(a, sizeof a, d->old[k]), count_text(b, sizeof b, d->now[k]),
                d->now[k] >= d->old[k] ? "+" : "", (long long)d->now[k] - (long long)d->old[k]);
    fputs("</tbody></table>\n<p>", fp);
    fprintf(fp, "%s locations moved up a class and %s moved down; %s appeared and %s vanished.",
            count_text(a, sizeof a, d->upgraded), count_text(b, sizeof b, d->downgraded),
            count_text(c, sizeof c, d->appeared), count_text(e, sizeof e, d->vanished));
    fputs("</p>\n<table id=\"change-technology\"><thead><tr><th class=\"text\">Technology</th>"
          "<th>Upgrades</th><th>Downgrades</th></tr></thead><tbody>\n",
          fp);
    for (int t = 0; t < DTI_TECH_COUNT; t++)
        fprintf(fp, "<tr><td class=\"text\">%s</td><td>%s</td><td>%s</td></tr>\n", tech_labels[t],
                count_text(a, sizeof a, d->upgraded_by[t]),
                count_text(b, sizeof b, d->downgraded_by[t]));
    fputs("</tbody></table>\n</section>\n", fp);
}

static void price_section(FILE *fp, dti_report *r)
{
    static const char *const columns[][3] = {
        {"geoid", "Region", "t"},
        {"median_served_price", "Median price of 100/20 ($/month)", "$"},
        {"priced_share", "Served locations priced", "s"},
        {"median_usd_per_mbps", "Median $ per Mbps", "$"},
        {"affordability_pct", "% of median income", "%"},
        {"median_max_down", "Median best download (Mbps)", ""},
        {"speed_ratio", "Benchmark speed / local", ""},
        {"price_ratio", "Local price / benchmark", ""}};
    size_t n = r->top && r->top < r->priced_count ? r->top : r->priced_count;
    fputs("<section id=\"prices\"><h2>Prices and speeds</h2>\n", fp);
    fprintf(fp,
            "<p>%zu of %zu regions have a price for served locations. The %zu with the "
            "highest median price:</p>\n",
            r->priced_count, r->stats.nrows, n);
    column_table(fp, &r->stats, "price-table", columns, sizeof columns / sizeof *columns,
                 r->priced_rows, n, &r->names);
    fputs("</section>\n", fp);
}

static void notes(FILE *fp, dti_report *r)
{
    char sd[32], su[32], ud[32], uu[32];
    dti_format_fixed(sd, sizeof sd, r->rules.served_down, 6);
    dti_format_fixed(su, sizeof su, r->rules.served_up, 6);
    dti_format_fixed(ud, sizeof ud, r->rules.underserved_down, 6);
    dti_format_fixed(uu, sizeof uu, r->rules.underserved_up, 6);
    fputs("<section id=\"method\"><h2>How the numbers were made</h2>\n<ul class=\"notes\">\n", fp);
    fprintf(fp,
            "<li>A location is <b>served</b> when one reliable offer there advertises at "
            "least %s Mbps download and %s Mbps upload; <b>underserved</b> when it is not "
            "served and one reliable offer advertises at least %s/%s Mbps; <b>unserved</b> "
            "otherwise. The thresholds are inclusive: exactly %s/%s counts as served.</li>\n",
            sd, su, ud, uu, sd, su);
    fprintf(fp,
            "<li>An offer is <b>reliable</b> when it is over copper (DSL), cable, fiber, "
            "or licensed or licensed-by-rule fixed wireless%s, with low latency. Satellite "
            "service never counts, however fast.</li>\n",
            r->rules.ulfw ? ", or unlicensed fixed wireless" : " (not unlicensed fixed wireless)");
    fputs("<li>Download and upload must come from the same offer: a fast download from one "
          "offer and a fast upload from another do not add up to service.</li>\n",
          fp);
    fputs(r->fabric ? "<li>Locations that no provider reports come from the location fabric "
                      "and count as unserved.</li>\n"
                    : "<li>Only locations that some provider reports are counted; locations no "
                      "provider reports at all are missing, so the unserved counts are a lower "
                      "bound.</li>\n",
          fp);
    fputs("<li>The share unserved is rounded half up to two decimals. The median best "
          "download is the middle value of every location's fastest reliable download, with "
          "0 for locations without one. Providers counts the distinct providers reporting any "
          "offer in the region.</li>\n",
          fp);
    if (r->has_plan) {
        fputs("<li>The plan costs each region's project as the locations it connects times "
              "a cost per location that depends on the region's density (locations per "
              "km\xc2\xb2 of land). ",
              fp);
        if (r->costs) {
            fputs("The costs come from ", fp);
            esc(fp, r->costs);
            fputs(". ", fp);
        } else {
            fputs("The costs are dialtone's <b>illustrative model defaults, not measured "
                  "costs</b>. ",
                  fp);
        }
        fputs("Unserved locations are funded before underserved ones (BEAD's order); each "
              "project is funded whole, the cheapest per location first, and the allocation "
              "reaches the most locations the budget allows.</li>\n",
              fp);
    }
    if (r->has_diff)
        fputs("<li>A change of class is credited to the technology of the offers that meet the "
              "new class (an upgrade) or met the old one (a downgrade): the first of fiber, "
              "cable, copper, licensed, licensed-by-rule and unlicensed fixed wireless. A "
              "location whose block moved to another region counts as vanished from one and "
              "appeared in the other.</li>\n",
              fp);
    fputs("</ul>\n</section>\n", fp);
}

void dti_report_write(FILE *stream, dti_report *r)
{
    FILE *fp = stream;
    const char *title = r->title ? r->title : "Broadband coverage report";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"dialtone " DT_VERSION "\">\n<title>",
          fp);
    esc(fp, title);
    fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<header><h1>", style);
    esc(fp, title);
    fputs("</h1>\n<p class=\"subtitle\">", fp);
    esc(fp, r->subtitle ? r->subtitle
                        : "Served, underserved and unserved locations from the FCC Broadband "
                          "Data Collection, by the rules of BEAD");
    fputs("</p></header>\n", fp);
    headline(fp, r);
    if (r->map_count) {
        fputs("<section id=\"maps\"><h2>Maps</h2>\n", fp);
        int live = 0;
        for (size_t i = 0; i < r->map_count; i++) {
            figure(fp, &r->maps[i], (int)i + 1);
            live |= r->maps[i].svg != NULL;
        }
        if (live)
            map_data(fp, r);
        fputs("</section>\n", fp);
    }
    worst_table(fp, r);
    if (r->has_plan)
        plan_section(fp, r);
    if (r->has_diff)
        diff_section(fp, r);
    if (r->priced_count)
        price_section(fp, r);
    notes(fp, r);
    fputs("<footer>", fp);
    if (r->source) {
        esc(fp, r->source);
        fputs("<br>", fp);
    }
    fputs("Made with dialtone " DT_VERSION ".</footer>\n</main>\n<script>\n", fp);
    fputs(script, fp);
    fputs(map_script, fp);
    fputs("</script>\n</body>\n</html>\n", fp);
}
