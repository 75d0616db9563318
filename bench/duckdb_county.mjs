// SPDX-License-Identifier: MIT
// The DuckDB peer of `dialtone stats --by county`: the whole county table (SPEC.md's
// definitions, defaults) in one SQL statement over read_csv, written as CSV.
// Usage: node bench/duckdb_county.mjs OUT.csv FILE.csv...
// Needs @duckdb/node-api, which bench/run.sh installs under bench/.duckdb (not a dependency of
// dialtone). DUCKDB_THREADS=N limits DuckDB's threads (default: all cores).
//
// Exactness: speeds are read as DECIMAL(18,6) (SPEC: at most 6 decimals), so every comparison is
// exact; best_down is kept in micro-Mbps as an integer; the median prints twice-the-median * 5 at 7
// decimals without trailing zeros, and every share and pct_unserved is round-half-up in integers,
// as SPEC says. The output is then the generator's truth byte for byte.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// the package lives in bench/.duckdb/node_modules (or DUCKDB_DIR/node_modules)
const home = process.env.DUCKDB_DIR ? pathToFileURL(process.env.DUCKDB_DIR + '/') : new URL('./.duckdb/', import.meta.url);
const { DuckDBInstance } = createRequire(new URL('package.json', home))('@duckdb/node-api');

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
    console.error('usage: node bench/duckdb_county.mjs OUT.csv FILE.csv...');
    process.exit(2);
}
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";

// round-half-up(num / den) at `decimals` decimals, computed in integers, as text
const ratio = (num, den, decimals) => {
    const p = 10 ** decimals;
    const q = `((2 * ${p} * (${num}) + (${den})) // (2 * (${den})))`;
    return `CAST(${q} // ${p} AS VARCHAR) || '.' || lpad(CAST(${q} % ${p} AS VARCHAR), ${decimals}, '0')`;
};
// a value in units of 1e-7, as a plain decimal without trailing zeros
const fixed7 = (v) =>
    `CAST((${v}) // 10000000 AS VARCHAR) || CASE WHEN (${v}) % 10000000 = 0 THEN '' ELSE '.' || ` +
    `rtrim(lpad(CAST((${v}) % 10000000 AS VARCHAR), 7, '0'), '0') END`;

const tiers = [
    ['02_02', 0.2, 0.2],
    ['10_1', 10, 1],
    ['25_3', 25, 3],
    ['100_20', 100, 20],
    ['250_25', 250, 25],
    ['1000_100', 1000, 100],
];
const sql = `
COPY (
WITH rows AS (
    SELECT location_id, block_geoid, provider_id,
           CAST(technology AS INTEGER) IN (10, 40, 50, 71, 72)
               AND lower(trim(low_latency)) IN ('1', 'true', 't', 'yes', 'y') AS reliable,
           CAST(max_advertised_download_speed AS DECIMAL(18, 6)) AS down,
           CAST(max_advertised_upload_speed AS DECIMAL(18, 6)) AS up
    FROM read_csv([${files.map(quote).join(', ')}], header = true, all_varchar = true,
                  delim = ',', quote = '"', escape = '"')
),
locations AS (
    SELECT location_id, min(substr(block_geoid, 1, 5)) AS geoid,
           CASE WHEN bool_or(reliable AND down >= 100 AND up >= 20) THEN 2
                WHEN bool_or(reliable AND down >= 25 AND up >= 3) THEN 1 ELSE 0 END AS cls,
           coalesce(max(CASE WHEN reliable THEN CAST(down * 1000000 AS BIGINT) END), 0) AS best,
           ${tiers.map(([n, d, u]) => `bool_or(reliable AND down >= ${d} AND up >= ${u})::INTEGER AS t_${n}`).join(',\n           ')}
    FROM rows GROUP BY location_id
),
regions AS (
    SELECT geoid, count(*) AS n, count(*) FILTER (cls = 0) AS unserved,
           count(*) FILTER (cls = 1) AS underserved, count(*) FILTER (cls = 2) AS served,
           list_sort(list(best)) AS bests,
           ${tiers.map(([n]) => `sum(t_${n}) AS t_${n}`).join(', ')}
    FROM locations GROUP BY geoid
),
providers AS (
    SELECT substr(block_geoid, 1, 5) AS geoid, count(DISTINCT provider_id) AS providers
    FROM rows GROUP BY 1
)
SELECT r.geoid, r.n AS locations, r.unserved, r.underserved, r.served,
       ${ratio('r.unserved * 100', 'r.n', 2)} AS pct_unserved, p.providers,
       ${fixed7(`5 * (CASE WHEN r.n % 2 = 1 THEN 2 * r.bests[(r.n + 1) // 2]
                          ELSE r.bests[r.n // 2] + r.bests[r.n // 2 + 1] END)`)} AS median_max_down,
       ${tiers.map(([n]) => `${ratio(`r.t_${n}`, 'r.n', 4)} AS share_${n}`).join(',\n       ')}
FROM regions r JOIN providers p USING (geoid)
ORDER BY r.geoid
) TO ${quote(out)} (FORMAT csv, HEADER true, QUOTE '"')`;

const config = process.env.DUCKDB_THREADS ? { threads: process.env.DUCKDB_THREADS } : {};
const instance = await DuckDBInstance.create(':memory:', config);
const connection = await instance.connect();
try {
    await connection.run(sql);
} catch (e) {
    console.error(`duckdb_county: ${e.message}`);
    process.exit(1);
}
