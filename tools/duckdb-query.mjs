// Runs SQL on an in-memory DuckDB and prints each result as JSON lines: the
// independent reader the tests check sluice's Parquet files with.
//
//   node tools/duckdb-query.mjs "SQL" ["SQL" ...]
// Each statement's rows are printed as one JSON object per line; a failing
// statement prints its error to stderr and exits 1.
import { DuckDBInstance } from '@duckdb/node-api';

const statements = process.argv.slice(2);
if (statements.length === 0) {
  console.error('usage: node tools/duckdb-query.mjs "SQL" ["SQL" ...]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
for (const sql of statements) {
  try {
    const reader = await connection.runAndReadAll(sql);
    for (const row of reader.getRowObjectsJson()) console.log(JSON.stringify(row));
  } catch (e) {
    console.error(`duckdb: ${e.message}`);
    process.exit(1);
  }
}
