// The text `aifabric schema` prints. It depends on the sources only, so scripts/build.mjs computes it once at build
// time and bundles the string in place of this module: the built command prints it without loading zod.
import { scenarioJsonSchema } from '../scenario/schema.ts';

export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
