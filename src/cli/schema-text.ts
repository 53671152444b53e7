// The text `aifabric schema` prints. It depends on the sources only, so scripts/build.mjs computes it once at build
// time and writes the string in place of this module (dist/cli/schema-text.js): the built command loads no zod.
import { scenarioJsonSchema } from '../scenario/schema.ts';

export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
