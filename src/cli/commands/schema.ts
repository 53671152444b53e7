import { Command } from '@commander-js/extra-typings';
import { scenarioJsonSchema } from '../../scenario/schema.ts';

export function schemaCommand() {
  return new Command('schema')
    .description('print the JSON Schema of the scenario format (for editors and validators)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
