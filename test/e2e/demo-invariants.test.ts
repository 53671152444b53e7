// `aifabric demo` exits 4 on a failed invariant, as simulate does (exit-code table, README): a failing invariant is
// injected into one of the demo's real engine results through the action's seam (DemoHooks.onResult); the engines
// run as they are. About 10-20 s: one in-process demo --quick, the smallest demo there is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/cli/actions/demo.ts';
import { EXIT } from '../../src/cli/exit.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-demo-invariant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aifabric demo and invariants', () => {
  it('a failed invariant in one of its runs is printed on stderr and exits 4', async () => {
    const err: string[] = [];
    const { stdout, stderr } = process;
    const saved = { out: stdout.write, err: stderr.write, code: process.exitCode };
    stdout.write = (() => true) as typeof stdout.write;
    stderr.write = ((chunk: string) => {
      err.push(String(chunk));
      return true;
    }) as typeof stderr.write;
    process.exitCode = undefined;
    let injected = 0;
    let code: typeof process.exitCode;
    try {
      // The action is async (the report's charts render asynchronously): the exit code is set once it settles.
      await demo(
        { quick: true, out: dir, seed: '1', pfc: true, json: true },
        {
          onResult: (r) => {
            if (injected++ === 0)
              r.invariants.push({ name: 'injected by the test', ok: false, detail: 'one run of the demo broke it' });
          },
        },
      );
      code = process.exitCode;
    } finally {
      stdout.write = saved.out;
      stderr.write = saved.err;
      process.exitCode = saved.code;
    }
    expect(injected).toBeGreaterThan(1);
    expect(code).toBe(EXIT.invariant);
    expect(err.join('')).toMatch(/^error: invariant failed: injected by the test: one run of the demo broke it/m);
  }, 120_000);
});
