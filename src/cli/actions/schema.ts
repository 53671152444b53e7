// `aifabric schema`: prints the JSON Schema of the scenario format.
import { schemaText } from '../schema-text.ts';

export function printSchema(): void {
  process.stdout.write(schemaText());
}
