import { randomBytes } from 'node:crypto';
import { readConfig, type ConfigInput } from '../server/config.js';
import { isLoopback, startServer } from '../server/server.js';
import { hashPassword } from '../server/auth/password.js';
import { openStore, DEFAULT_SQLITE_URL } from '../store/db.js';
import { verifyChain } from '../store/audit.js';
import { usersRepository } from '../store/users.repository.js';

/** `yingji serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serveCommand(flags: ConfigInput): Promise<number> {
  const read = readConfig(flags);
  if ('errors' in read) {
    process.stderr.write(`yingji serve: invalid configuration:\n${read.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 1;
  }
  const server = await startServer(read.config);
  const url = server.url.replace('127.0.0.1', 'localhost');
  const lines = [
    '',
    `应急 Yingji is running on ${url}  (API docs: ${url}/api/docs)`,
    `database: ${server.store.dialect} ${server.store.url}`,
  ];
  // Links in messages (acknowledgement links, incident pages) are built on the public URL;
  // without one they name the address listened on: a loopback address no phone can open.
  if (!read.config.notify.publicUrl) {
    if (isLoopback(new URL(server.publicUrl).hostname)) {
      lines.push(
        '',
        `WARNING: links in messages will not open on phones: YINGJI_PUBLIC_URL is not set, so they point at ${server.publicUrl.replace('127.0.0.1', 'localhost')}, which only this machine can reach.`,
        '  Set YINGJI_PUBLIC_URL to the address phones open, e.g. YINGJI_PUBLIC_URL=https://yingji.example.gov.cn, or listen on the network with --host 0.0.0.0.',
      );
    } else {
      lines.push(`links in messages: ${server.publicUrl} (set YINGJI_PUBLIC_URL to choose another address)`);
    }
  }
  if (server.demo) {
    lines.push(
      '',
      'Demo accounts (one per position; user name = role with "/" replaced by "."):',
      ...server.demo.usernames.map((u) => `  ${u}`),
      `Password for every demo account: ${server.demo.password}`,
      '',
    );
  } else if (server.firstStart) {
    lines.push('', 'No accounts yet. Create the first administrator with:', `  YINGJI_PASSWORD='a long password' npx yingji user create --username admin --admin --db ${server.store.url}`, '');
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down');
      server.stop().then(resolve, (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}

/** `yingji audit verify`: exit 0 when the hash chain holds, 1 with the first bad event. */
export async function auditVerifyCommand(opts: { db?: string }): Promise<number> {
  const store = await openStore(opts.db ?? process.env.YINGJI_DB ?? DEFAULT_SQLITE_URL);
  try {
    const result = await verifyChain(store.db, (n) => process.stderr.write(`\rchecked ${n} events`));
    process.stderr.write('\n');
    if (result.ok) {
      process.stdout.write(`ok: ${result.events} events, chain head ${result.head ?? '(empty)'}\n`);
      return 0;
    }
    process.stdout.write(`BROKEN at event ${result.seq}: ${result.problem} (${result.events} events before it are intact)\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** `yingji user create`: an account; the password comes from YINGJI_PASSWORD or is generated and printed. */
export async function userCreateCommand(opts: { username: string; admin?: boolean; person?: string; db?: string }): Promise<number> {
  const store = await openStore(opts.db ?? process.env.YINGJI_DB ?? DEFAULT_SQLITE_URL);
  try {
    const given = process.env.YINGJI_PASSWORD;
    if (given !== undefined && given.length < 10) {
      process.stderr.write('YINGJI_PASSWORD must have at least 10 characters\n');
      return 1;
    }
    const password = given ?? randomBytes(12).toString('base64url');
    const exists = await usersRepository.byUsername(store.db, opts.username);
    if (exists) {
      process.stderr.write(`user ${opts.username} already exists\n`);
      return 1;
    }
    await usersRepository.insert(store.db, { id: crypto.randomUUID(), username: opts.username, password_hash: await hashPassword(password), person_id: opts.person ?? null, is_admin: opts.admin ? 1 : 0, created_at: Date.now(), disabled: 0 });
    process.stdout.write(`created ${opts.admin ? 'administrator' : 'user'} ${opts.username}${given ? '' : ` with password ${password}`}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
