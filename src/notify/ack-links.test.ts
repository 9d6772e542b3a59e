import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../test/support/databases.js';
import { openStore, type Store } from '../store/db.js';
import { ACK_LINK_TTL_MS, AckLinks, tokenKey, type AckClaims } from './ack-links.js';
import { settled } from './test-support/settle.js';

const KEY = 'link-signing-key-0123456789abcdef0123';
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const claims: AckClaims = { personId: 'person-7', incidentId: 'inc-1', role: 'town-tanggou/principal', action: 'ack' };

for (const dialect of DIALECTS) {
  describe(`acknowledgement links on ${dialect}`, () => {
    let store: Store;
    let url: string;
    let drop: () => Promise<void>;
    let now = T0;
    let links: AckLinks;

    beforeEach(async () => {
      const db = await freshDatabase(dialect);
      drop = db.drop;
      url = db.url;
      store = await openStore(url);
      now = T0;
      links = new AckLinks(KEY, () => now);
    });
    afterEach(async () => {
      await store.close();
      await settled(dialect, url);
      await drop();
    });

    it('works once: the holder acts as the person it was made for, and never again', async () => {
      const { token, expiresAt } = await links.create(store.db, claims, 60 * 60_000);
      expect(expiresAt).toBe(T0 + 60 * 60_000);
      expect(await links.inspect(store.db, token)).toEqual({ ok: true, claims, expiresAt });
      now += 10 * 60_000;
      expect(await links.redeem(store.db, token)).toEqual({ ok: true, claims, expiresAt });
      expect(await links.redeem(store.db, token)).toEqual({ ok: false, reason: 'used' });
      expect(await links.inspect(store.db, token)).toEqual({ ok: false, reason: 'used' });
      const row = await store.db.selectFrom('ack_links').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ person_id: 'person-7', incident_id: 'inc-1', role: 'town-tanggou/principal', action: 'ack', used_at: now });
    });

    it('keeps only the token’s key: its creation time, then its hash', async () => {
      const { token } = await links.create(store.db, claims);
      const row = await store.db.selectFrom('ack_links').selectAll().executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(tokenKey(token));
      expect(row.token_hash.slice(0, 12)).toBe(T0.toString(16).padStart(12, '0'));
      expect(row.token_hash.slice(16)).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token.split('.')[0]);
      expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
      expect(row.expires_at).toBe(T0 + ACK_LINK_TTL_MS);
    });

    it('still honours, once, a link stored under its hash alone (made before keys had the time)', async () => {
      const { token, row } = links.sign(claims, 60 * 60_000);
      await store.db.insertInto('ack_links').values({ ...row, token_hash: createHash('sha256').update(token).digest('hex') }).execute();
      expect(await links.inspect(store.db, token)).toMatchObject({ ok: true, claims });
      expect(await links.redeem(store.db, token)).toMatchObject({ ok: true, claims });
      expect(await links.redeem(store.db, token)).toEqual({ ok: false, reason: 'used' });
    });

    it('refuses forged tokens: altered, signed with another key, or made up', async () => {
      const { token } = await links.create(store.db, claims);
      const [nonce, mac] = token.split('.') as [string, string];
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      expect(await links.redeem(store.db, `${flip(nonce, 5)}.${mac}`)).toEqual({ ok: false, reason: 'forged' });
      expect(await links.redeem(store.db, `${nonce}.${flip(mac, 0)}`)).toEqual({ ok: false, reason: 'forged' });
      // Another deployment's key signs a token this one never accepts, even for a stored nonce.
      const other = new AckLinks('another-key-0123456789abcdef012345', () => now);
      const { token: foreign } = await other.create(store.db, claims);
      expect(await links.redeem(store.db, foreign)).toEqual({ ok: false, reason: 'forged' });
      expect(await links.redeem(store.db, 'not-a-token')).toEqual({ ok: false, reason: 'malformed' });
      expect(await links.redeem(store.db, `${token}x`)).toEqual({ ok: false, reason: 'malformed' });
      // Correctly signed with this key but never issued here (e.g. from a restored backup's peer).
      const elsewhere = await openStore((await freshDatabase('sqlite')).url);
      const { token: stray } = await links.create(elsewhere.db, claims);
      await elsewhere.close();
      expect(await links.redeem(store.db, stray)).toEqual({ ok: false, reason: 'unknown' });
      // None of this used up the real one.
      expect(await links.redeem(store.db, token)).toMatchObject({ ok: true });
    });

    it('refuses a token after its expiry, to the millisecond', async () => {
      const { token } = await links.create(store.db, { ...claims, action: 'arrive' }, 30 * 60_000);
      now = T0 + 30 * 60_000 - 1;
      expect(await links.inspect(store.db, token)).toMatchObject({ ok: true, claims: { action: 'arrive' } });
      now = T0 + 30 * 60_000;
      expect(await links.inspect(store.db, token)).toEqual({ ok: false, reason: 'expired' });
      expect(await links.redeem(store.db, token)).toEqual({ ok: false, reason: 'expired' });
      const row = await store.db.selectFrom('ack_links').select('used_at').executeTakeFirstOrThrow();
      expect(row.used_at).toBeNull();
    });

    it('lets exactly one of many simultaneous uses succeed', async () => {
      const { token } = await links.create(store.db, claims);
      const other = await openStore(store.url);
      try {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => links.redeem(i % 2 ? other.db : store.db, token)));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(7).fill('used'));
      } finally {
        await other.close();
      }
    });

    it('is used inside the caller’s transaction: a failed acknowledgement leaves the link usable', async () => {
      const { token } = await links.create(store.db, claims);
      await expect(
        store.db.transaction().execute(async (trx) => {
          expect(await links.redeem(trx, token)).toMatchObject({ ok: true });
          throw new Error('the engine refused the acknowledgement');
        }),
      ).rejects.toThrow('refused');
      expect(await links.redeem(store.db, token)).toMatchObject({ ok: true });
    });

    it('refuses a key too short to sign with, and builds the link URL', () => {
      expect(() => new AckLinks('short')).toThrow(/at least 32 bytes/);
      expect(AckLinks.url('https://yingji.county.example/', 'abc.def')).toBe('https://yingji.county.example/a/abc.def');
    });
  });
}

describe('signing many acknowledgement links', () => {
  it('gives every link its own nonce, across refills of the random pool, each signed and distinct', () => {
    const links = new AckLinks(KEY, () => T0);
    const tokens = Array.from({ length: 1_100 }, () => links.sign(claims).token);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(new Set(tokens.map((t) => t.split('.')[0])).size).toBe(tokens.length);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
  });

  it('keys links in the order they were made, also many in one millisecond and under a clock that went back', () => {
    let now = T0 + 1_000_000;
    const links = new AckLinks(KEY, () => now);
    const keys: string[] = [];
    for (let i = 0; i < 400; i++) {
      // Runs of signings within one millisecond, the clock then moving on, once going back a minute.
      if (i % 50 === 49) now += i === 199 ? -60_000 : 3;
      keys.push(tokenKey(links.sign(claims).token));
    }
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
    // The hash alone has no order: the time and sequence in front are what sort them.
    const hashes = keys.map((k) => k.slice(16));
    expect([...hashes].sort()).not.toEqual(hashes);
  });
});
