// `aifabric schema`: the command. The schema (src/cli/actions/schema.ts, with zod) loads on use.
import { Command } from '@commander-js/extra-typings';

export function schemaCommand() {
  return new Command('schema')
    .description('print the JSON Schema of the scenario format (for editors and validators)')
    .option('--json', 'print JSON (the schema is JSON already; accepted so that every command takes --json)')
    .action(async () => (await import('../actions/schema.ts')).printSchema());
}
