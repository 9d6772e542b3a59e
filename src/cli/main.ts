#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { runDrillCommand } from './drill.command.js';
import { explainCommand, validateCommand } from './plan.command.js';

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
  return program;
}

export { InvalidArgumentError };

buildCli().parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`yingji: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
