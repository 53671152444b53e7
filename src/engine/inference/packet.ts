// An inference service on the packet engine (issue 18): the packet request network (engine/packet/
// request-network.ts) for a service's item, the checks that network needs of the scenario, and its invariants.
// Which transfers run TCP and which RoCE, and how tokens are timed, is said there. Leaves out the run itself
// (run.ts) and the result (index.ts).
import type { Fabric } from '../../fabric/types.ts';
import type { InvariantCheck } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { PacketRequestNetwork, type PacketRequestOptions, type PacketRequestStats } from '../packet/request-network.ts';
import { TR_DCTCP, TR_NEWRENO } from '../packet/tcp.ts';
import type { InferenceSpec } from './config.ts';
import { placeReplicas } from './setup.ts';

/** The packet network for a service: slots on border0, the replicas' hosts and the storage nodes. */
export function packetNetwork(
  fabric: Fabric,
  net: NetworkConfig,
  it: { index: number; spec: InferenceSpec },
  seed: number,
  extra: Pick<PacketRequestOptions, 'program' | 'transports'> = {},
): PacketRequestNetwork {
  const path = `traffic[${it.index}].inference`;
  // Hosts of several links (planes, dual-homing) send each slot on its hash's port, as the job's QPs (qp-setup.ts).
  const senders = [...placeReplicas(fabric, it.spec, path), ...fabric.storage];
  if (fabric.border >= 0) senders.push(fabric.border);
  const northSouth = it.spec.transport === 'newreno' ? TR_NEWRENO : TR_DCTCP;
  // The class is a known one: runInference checked it (workload/classes.ts classNamed).
  const opts = { seed, senders, border: fabric.border, northSouth, serviceClass: it.spec.class ?? 'lossy' };
  return new PacketRequestNetwork(fabric, net, { ...opts, ...extra });
}

/**
 * Bytes counted twice, apart: the transfers' own count (started = delivered + failed + in flight), and the NICs'
 * in-order payload of the slots (what the receivers took), less what failed transfers got before they failed,
 * against the transfers delivered plus the live ones' part.
 */
export function packetInvariants(st: PacketRequestStats, partialOk: boolean): InvariantCheck[] {
  const tol = (x: number) => 1e-9 * Math.max(1, x);
  const received = st.slotPayloadDelivered - st.failedPartBytes;
  const part = st.failedPartBytes > 0 ? ` (${st.failedPartBytes} of them by transfers that failed)` : '';
  return [
    {
      name: 'bytes started = delivered + failed + in flight',
      ok: Math.abs(st.bytesStarted - (st.bytesDelivered + st.bytesFailed + st.bytesInFlight)) <= tol(st.bytesStarted),
      detail: `${st.bytesStarted} = ${st.bytesDelivered} + ${st.bytesFailed} + ${st.bytesInFlight}`,
    },
    {
      name: "packet payload received in order = the delivered transfers' bytes (+ the live ones' part)",
      ok: partialOk
        ? received >= st.bytesDelivered - tol(st.bytesDelivered) &&
          received <= st.bytesDelivered + st.bytesInFlight + tol(st.bytesStarted)
        : Math.abs(received - st.bytesDelivered) <= tol(st.bytesDelivered),
      detail: `${st.slotPayloadDelivered} received${part}, ${st.bytesDelivered} delivered, ${st.bytesInFlight} in flight`,
    },
  ];
}
