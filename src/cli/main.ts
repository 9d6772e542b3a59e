#!/usr/bin/env node
import { Command, Option } from 'commander';
import { runDrillCommand } from './drill.command.js';
import { explainCommand, validateCommand } from './plan.command.js';
import { auditVerifyCommand, serveCommand, userCreateCommand } from './serve.command.js';

/** `yingji`: validate and explain plans, run drills. Exit codes: 0 ok, 1 invalid input. */
export function buildCli(): Command {
  const program = new Command('yingji')
    .description('应急 Yingji — runs a county emergency plan for petition incidents')
    .showHelpAfterError();

  const lang = () =>
    new Option('--lang <lang>', 'language of the output: zh or en').choices(['zh', 'en']).default('zh');

  const plan = program.command('plan').description('check and explain plan files');
  plan
    .command('validate')
    .argument('<file>', 'plan YAML file')
    .description('check a plan and its organization; errors as FILE:LINE:COL: message')
    .action((file: string) => {
      process.exitCode = validateCommand(file);
    });
  plan
    .command('explain')
    .argument('<file>', 'plan YAML file')
    .addOption(lang())
    .description('print a readable summary of a plan')
    .action((file: string, opts: { lang: 'zh' | 'en' }) => {
      process.exitCode = explainCommand(file, opts.lang);
    });

  program
    .command('drill')
    .description('run a scenario against the plan on a virtual clock')
    .requiredOption('--scenario <file>', 'scenario YAML file')
    .option('--plan <file>', 'plan YAML file (default: the shipped plan)')
    .option('--json', 'print one JSON document (contract §3)')
    .addOption(lang())
    .action((opts: { scenario: string; plan?: string; json?: boolean; lang: 'zh' | 'en' }) => {
      process.exitCode = runDrillCommand(opts);
    });
  program
    .command('serve')
    .description('run the server and web UI')
    .option('--port <port>', 'HTTP port (env YINGJI_PORT; default 8080)')
    .option('--host <host>', 'address to listen on (env YINGJI_HOST; default 127.0.0.1)')
    .option('--db <url>', 'sqlite:PATH (default ./data/yingji.db) or postgres://… (env YINGJI_DB)')
    .option('--plan <file>', 'plan YAML file (env YINGJI_PLAN; default: the shipped plan)')
    .option('--demo', 'load the demo organization, people and one account per position')
    .option('--trust-proxy <proxies>', 'behind a reverse proxy: its addresses/CIDR ranges (comma-separated), or true (env YINGJI_TRUST_PROXY; default false)')
    .action(async (opts: { port?: string; host?: string; db?: string; plan?: string; demo?: boolean; trustProxy?: string }) => {
      process.exitCode = await serveCommand(opts);
    });

  program
    .command('audit')
    .description('check the tamper-evident record')
    .command('verify')
    .option('--db <url>', 'database URL (env YINGJI_DB; default sqlite:./data/yingji.db)')
    .description("walk the event log's hash chain; exit 1 and name the first bad event")
    .action(async (opts: { db?: string }) => {
      process.exitCode = await auditVerifyCommand(opts);
    });

  program
    .command('user')
    .description('manage accounts')
    .command('create')
    .requiredOption('--username <name>', 'user name')
    .option('--admin', 'an administrator')
    .option('--person <id>', 'link to a person of the organization')
    .option('--db <url>', 'database URL (env YINGJI_DB; default sqlite:./data/yingji.db)')
    .description('create an account; password from YINGJI_PASSWORD or generated and printed')
    .action(async (opts: { username: string; admin?: boolean; person?: string; db?: string }) => {
      process.exitCode = await userCreateCommand(opts);
    });
  return program;
}

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`yingji: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
