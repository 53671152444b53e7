// `aifabric <command>`: parses, calls the stages, prints. Errors become one line per problem (or, with --json, one
// JSON object on stdout) and the exit code of src/cli/exit.ts.
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { formatProblem } from '../errors.ts';
import { capacityCommand } from './commands/capacity.ts';
import { catalogCommand } from './commands/catalog.ts';
import { demoCommand } from './commands/demo.ts';
import { importCommand } from './commands/import.ts';
import { planCommand } from './commands/plan.ts';
import { reportCommand } from './commands/report.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';
import { runsCommand, sweepCommand, workerCommand } from './commands/sweep.ts';
import { EXIT, errorJson, errorReport } from './exit.ts';

export { EXIT } from './exit.ts';

/** Commander's own messages (`error: unknown option '--hostz'`) without the prefix and the help hint. */
function commanderMessage(written: string, e: CommanderError): string {
  const line = written.split('\n').find((l) => l.startsWith('error: ')) ?? e.message;
  return line.replace(/^error: /, '').trim();
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  // With --json every error is one JSON object on stdout, so commander's own prose is held back.
  const json = argv.includes('--json');
  let usageText = '';
  const program = new Command('aifabric')
    .description('Design and simulate the networks of AI data centers (training Clos, inference access/aggregation).')
    .version('0.1.0')
    .addOption(new Option('--debug', 'print stack traces of internal errors'))
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => {
        if (json) usageText += s;
        else process.stderr.write(s);
      },
      writeOut: (s) => process.stdout.write(s),
    })
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(catalogCommand());
  program.addCommand(schemaCommand());
  program.addCommand(planCommand());
  program.addCommand(simulateCommand());
  program.addCommand(capacityCommand());
  program.addCommand(demoCommand());
  program.addCommand(reportCommand());
  program.addCommand(importCommand());
  program.addCommand(sweepCommand());
  program.addCommand(runsCommand());
  program.addCommand(workerCommand());
  program.addCommand(serveCommand());
  // addCommand does not pass these settings down: without them a subcommand's usage error (a misspelt option)
  // would exit the process with commander's own code 1, and print prose under --json.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands as Command[]) {
      sub.copyInheritedSettings(program);
      inherit(sub);
    }
  };
  inherit(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      if (json) {
        const message = commanderMessage(usageText, e);
        // The option, argument or command commander quotes (`unknown option '--hostz'`), else the whole line.
        const field = /'([^']+)'/.exec(message)?.[1] ?? 'command line';
        process.stdout.write(errorJson({ code: EXIT.usage, problems: [{ path: field, message }] }));
      }
      return EXIT.usage;
    }
    const report = errorReport(e);
    if (json) process.stdout.write(errorJson(report));
    else if (report.code === EXIT.internal) {
      const err = e as Error;
      process.stderr.write(`${report.problems[0].message}\n`);
      if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
      else process.stderr.write('(this is a bug in aifabric; run with --debug for the stack trace and report it)\n');
    } else for (const p of report.problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
    return report.code;
  }
}
