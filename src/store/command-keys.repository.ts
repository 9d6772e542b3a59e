import type { Trx } from './db.js';
import type { CommandKeysTable } from './schema.js';

/** Idempotency keys of commands: looked up and written inside the command's transaction, never changed. */
export const commandKeysRepository = {
  async get(trx: Trx, key: string): Promise<CommandKeysTable | undefined> {
    const row = await trx.selectFrom('command_keys').selectAll().where('key', '=', key).executeTakeFirst();
    return row ? { ...row, created_at: Number(row.created_at) } : undefined;
  },

  async insert(trx: Trx, row: CommandKeysTable): Promise<void> {
    await trx.insertInto('command_keys').values(row).execute();
  },
};
