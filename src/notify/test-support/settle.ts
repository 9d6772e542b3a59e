import pg from 'pg';

/**
 * Waits until a closed PostgreSQL test database has no sessions left: a pool's `end()`
 * resolves before its connections are gone, and dropping the database (WITH FORCE) then
 * kills them mid-goodbye, an unhandled error in the test run. No-op for SQLite.
 */
export async function settled(dialect: string, url: string): Promise<void> {
  if (dialect !== 'postgres') return;
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: process.env.YINGJI_TEST_PG });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(rows[0]!.n) === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await client.end();
  }
}
