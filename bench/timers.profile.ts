/**
 * Where one timer's cost goes: N incidents seeded through the processor (in process, no HTTP),
 * then their guidance windows fall due together and fire (three summonses each); prints the
 * cost per fired stream without and with notifications. `npm run bench:timers-profile`.
 * Env: N (default 2,000), DIALECT (sqlite | postgres, with YINGJI_TEST_PG), PROFILE (a folder:
 * a CPU profile of the firing alone is written there, to open in Chrome's DevTools), COLD=1
 * (the streams are read from the database, as after a restart, not from the server's cache).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { streamCache } from '../src/server/stream.cache.js';
import { testApp } from '../test/support/server.js';
import type { Command } from '../src/engine/incident/commands.js';

const N = Number(process.env.N ?? 2000);
const dialect = (process.env.DIALECT ?? 'sqlite') as 'sqlite' | 'postgres';
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou', 'town-hengbu', 'town-fushan'], matter: 'm', category: 'claim', behaviors: [] };
const actor = { userId: 'u1', username: 'staff', role: 'petition-bureau/staff', onBehalf: false };

for (const notify of [false, true]) {
  const t = await testApp(dialect, T0);
  if (!notify) t.processor.withFlushHook(null);
  await Promise.all(Array.from({ length: N }, (_, i) => t.processor.submit(null, { ...report, matter: `m ${i}` }, actor)));
  t.clock.now = T0 + 10 * 60_000;
  if (process.env.COLD === '1') streamCache(t.store).clear();
  const profiler = process.env.PROFILE ? new Session() : null;
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  await profiler?.post('Profiler.start');
  // What the process (its SQLite threads included) wrote to disk while firing.
  const written = () => Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
  const writtenBefore = written();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  const fired = await t.processor.fireDueTimers();
  const ms = performance.now() - start;
  delay.disable();
  const mb = (written() - writtenBefore) / 1e6;
  if (profiler) writeFileSync(join(process.env.PROFILE!, `fire-${dialect}-notify-${notify}.cpuprofile`), JSON.stringify((await profiler.post('Profiler.stop')).profile));
  const events = await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const outbox = await t.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(`${dialect}${process.env.COLD === '1' ? ' cold' : ''} notify=${notify}: ${fired} streams fired in ${ms.toFixed(0)} ms = ${(ms / fired).toFixed(3)} ms per stream (${(fired / ms * 1000).toFixed(0)}/s); events ${events.n}, outbox ${outbox.n}; ${mb.toFixed(0)} MB written (${((mb * 1e3) / fired).toFixed(1)} KB per stream); event loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
  await t.close();
}
