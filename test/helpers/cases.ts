// Validation cases, read from the repository's copy of the shared set (validation/cases.json), never retyped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { CollectiveOp } from '../../src/workload/collective.ts';

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

/** COLL-02's expected keys as (operation, algorithm) of the closed forms (engine/analytic/collectives.ts). */
export const COLL02_ALGORITHMS: Record<string, [CollectiveOp, string]> = {
  allgather_ring: ['all-gather', 'ring'],
  allgather_recursive_doubling: ['all-gather', 'recursive-doubling'],
  reduce_scatter_recursive_halving: ['reduce-scatter', 'recursive-halving'],
  allreduce_rabenseifner: ['all-reduce', 'rabenseifner'],
  allreduce_ring: ['all-reduce', 'ring'],
  allreduce_recursive_doubling: ['all-reduce', 'recursive-doubling'],
  bcast_binomial: ['broadcast', 'binomial'],
  bcast_scatter_allgather: ['broadcast', 'scatter-allgather'],
  alltoall_bruck: ['all-to-all', 'bruck'],
  alltoall_pairwise: ['all-to-all', 'pairwise'],
};

/** Published figures are rounded: accept the case's tolerance or half a unit of the last printed digit. */
export function expectClose(got: number, want: number, rel: number, printed = String(want)): void {
  const decimals = printed.includes('.') ? printed.split('.')[1].length : 0;
  const tol = Math.max(rel * Math.abs(want), 0.5 * 10 ** -decimals);
  expect(Math.abs(got - want), `got ${got}, expected ${want} (tolerance ${tol})`).toBeLessThanOrEqual(tol);
}
