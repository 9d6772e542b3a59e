import { SqliteQueryCompiler, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';

/**
 * Records the SQL of every statement run through a Kysely instance (`db.withPlugin(log)`), as
 * SQLite's compiler writes it whatever the dialect (the same text on both): for tests that
 * count what a path asks of the database.
 */
export class StatementLog implements KyselyPlugin {
  private readonly compiler = new SqliteQueryCompiler();
  readonly sql: string[] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.sql.push(this.compiler.compileQuery(args.node, args.queryId).sql);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }

  /** How many statements so far start with `prefix` (and contain `part`, when given). */
  count(prefix: string, part?: string): number {
    return this.sql.filter((s) => s.startsWith(prefix) && (part === undefined || s.includes(part))).length;
  }

  clear(): void {
    this.sql.length = 0;
  }
}
