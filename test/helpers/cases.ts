// Validation cases, read from the repository's copy of the shared set (validation/cases.json), never retyped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ValidationCase {
  id: string;
  title: string;
  source: string;
  setup: Record<string, unknown>;
  expect: Record<string, unknown>;
  tolerance: { type: string; value?: number; note?: string };
}

const cases = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../validation/cases.json', import.meta.url)), 'utf8'),
) as ValidationCase[];

export function validationCase(id: string): ValidationCase {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`validation case ${id} not found in validation/cases.json`);
  return c;
}
