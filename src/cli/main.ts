// `aifabric <command>`: parses, calls the stages, prints. Errors become one line and a non-zero exit.
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { isUserError } from '../errors.ts';
import { capacityCommand } from './commands/capacity.ts';
import { catalogCommand } from './commands/catalog.ts';
import { demoCommand } from './commands/demo.ts';
import { planCommand } from './commands/plan.ts';
import { reportCommand } from './commands/report.ts';
import { schemaCommand } from './commands/schema.ts';
import { simulateCommand } from './commands/simulate.ts';

export const EXIT = { ok: 0, input: 1, usage: 2, internal: 3, invariant: 4 } as const;

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = new Command('aifabric')
    .description('Design and simulate the networks of AI data centers (training Clos, inference access/aggregation).')
    .version('0.1.0')
    .addOption(new Option('--debug', 'print stack traces of internal errors'))
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(catalogCommand());
  program.addCommand(schemaCommand());
  program.addCommand(planCommand());
  program.addCommand(simulateCommand());
  program.addCommand(capacityCommand());
  program.addCommand(demoCommand());
  program.addCommand(reportCommand());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    if (isUserError(e)) {
      for (const line of e.message.split('\n')) process.stderr.write(`error: ${line}\n`);
      return EXIT.input;
    }
    const err = e as Error;
    process.stderr.write(`internal error: ${err?.message ?? String(e)}\n`);
    if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('(this is a bug in aifabric; run with --debug for the stack trace and report it)\n');
    return EXIT.internal;
  }
}
