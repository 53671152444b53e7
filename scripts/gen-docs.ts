// `npm run docs`: regenerates docs/scenario-reference.md from the schema.
import { writeFileSync } from 'node:fs';
import { scenarioReferenceMarkdown } from '../src/scenario/reference.ts';

writeFileSync(new URL('../docs/scenario-reference.md', import.meta.url), scenarioReferenceMarkdown());
