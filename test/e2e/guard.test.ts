// `aifabric simulate --max-memory / --max-events`: the resource guard as a user meets it (src/engine/guard.ts).
import { describe, expect, it } from 'vitest';
import { runMain } from './run-cli.ts';

describe('simulate resource limits', () => {
  it('refuses a run over --max-events with the estimate and a cheaper engine, exit 1', async () => {
    const r = await runMain(['simulate', 'scenarios/incast-16.yaml', '--max-events', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --max-events: this packet run needs about .* events .* use the flow engine/);
  });

  it('refuses a run over --max-memory, and says what a bad limit should look like', async () => {
    // 64 KB: the fabric (16 hosts x 2 KB) and the compiled program (2 flows x 1 KB) fit, the flow run does not.
    const over = await runMain(['simulate', 'scenarios/incast-16.yaml', '--engine', 'flow', '--max-memory', '64KB']);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(
      /--max-memory: this flow run needs about .* over the limit of .*: use the analytic engine/,
    );
    const bad = await runMain(['simulate', 'scenarios/incast-16.yaml', '--max-memory', 'lots']);
    expect(bad.code).toBe(2); // a bad option value is a usage error (exit-code table, README)
    expect(bad.stderr).toMatch(/--max-memory: "lots" is not a size/);
  });
});
