// The invariants every inference run reports (checked by tests on every run): conservation of requests, Little's
// law from two independent counts, the batch and KV limits, completion, and, on a fluid network, conservation of
// bytes. Each compares numbers counted in different places (accounting.ts against the RequestTable, the
// network's own counters), so a bookkeeping slip in one shows up.
import type { InvariantCheck } from '../../result/types.ts';
import type { ServiceRun } from './summary.ts';

/** The service's own invariants. */
export function serviceInvariants(c: ServiceRun['check']): InvariantCheck[] {
  return [
    {
      name: 'every request is completed, failed or in flight',
      ok: c.count === c.completed + c.failed + c.inFlight,
      detail: `${c.count} arrived = ${c.completed} completed + ${c.failed} failed + ${c.inFlight} in flight`,
    },
    {
      name: "Little's law: time-average number in system = arrival rate x mean time in system",
      ok: Math.abs(c.areaNs - c.sumTimeInSystemNs) <= 1e-9 * Math.max(1, c.sumTimeInSystemNs),
      detail: `integral of the count ${c.areaNs.toExponential(6)} ns vs sum of times in system ${c.sumTimeInSystemNs.toExponential(6)} ns`,
    },
    {
      name: 'no replica exceeds its batch or KV-cache limit',
      ok: c.maxBatchSeen <= c.maxBatch && (c.kvTokens === 0 || c.maxKvSeen <= c.kvTokens),
      detail: `largest batch ${c.maxBatchSeen} of ${c.maxBatch}; largest KV use ${c.maxKvSeen} of ${c.kvTokens} tokens`,
    },
    {
      name: 'every flow completed',
      ok: c.inFlight === 0,
      detail: c.inFlight === 0 ? 'no request left in flight' : `${c.inFlight} requests still in flight at the end`,
    },
  ];
}

/** Bytes conservation of a network that counts its bytes (the fluid network's stats()). */
export function bytesInvariant(st: {
  bytesStarted: number;
  bytesDelivered: number;
  bytesFailed: number;
  bytesInFlight: number;
}): InvariantCheck {
  return {
    name: 'bytes started = delivered + failed + in flight',
    ok:
      Math.abs(st.bytesStarted - (st.bytesDelivered + st.bytesFailed + st.bytesInFlight)) <=
      1e-6 * Math.max(1, st.bytesStarted),
    detail: `${st.bytesStarted} = ${st.bytesDelivered} + ${st.bytesFailed} + ${st.bytesInFlight}`,
  };
}
