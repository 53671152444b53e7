// Priority flow control (IEEE 802.1Qbb), the switch's side: the MMU (mmu.ts) asks for XOFF when an ingress
// queue of a lossless class passes its threshold and for XON when it drains (each class its own pause state); this sends the PAUSE frames upstream and refreshes a
// pause still needed before it runs out. The upstream port's reaction (paused classes, expiry) is the port's
// (port.ts). Leaves out PFC frames queueing behind a data frame being sent (they go out at once).
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { type Clock, EV_PFC_REFRESH, EV_PFC_RX } from './events.ts';
import { NC } from './packets.ts';
import type { Topology } from './topology.ts';

/** PFC pause quanta are 512 bit times; the field is 16 bits (PFC-01). */
export const PAUSE_QUANTA_MAX = 65535;
/** A PFC frame is a 64-byte MAC control frame (PFC-01). */
export const PFC_FRAME_BYTES = 64;

/** How long a PFC pause of `quanta` lasts at a port speed: one quantum is 512 bit times (PFC-01). */
export function pauseDurationPs(quanta: number, rateBps: number): number {
  return Math.round((quanta * 512 * 1e12) / rateBps);
}

export class Pfc {
  /** Per ingress port x class (its classes side by side): a PAUSE is in force upstream. */
  readonly pauseSent: Uint8Array;
  /** Classes per port: control, roce, lossy, and with network.classes the others. */
  private readonly queues: number;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly net: NetworkConfig,
    private readonly c: Counters,
  ) {
    this.queues = net.portClasses?.names.length ?? NC;
    this.pauseSent = new Uint8Array(topo.P * this.queues);
  }

  /** XOFF: pause class `cls` on the sender feeding `inPort`, unless already paused. */
  pause(inPort: number, cls: number): void {
    const k = inPort * this.queues + cls;
    if (this.pauseSent[k]) return;
    this.pauseSent[k] = 1;
    this.sendFrame(inPort, cls, PAUSE_QUANTA_MAX);
    // Refresh before the pause expires while the queue stays above XON (802.1Qbb practice: half the time).
    this.clock.q.push(this.clock.now + Math.round(this.maxPausePs(inPort) / 2), EV_PFC_REFRESH, inPort, cls);
  }

  /** XON: the ingress queue drained below the resume threshold. */
  resume(inPort: number, cls: number): void {
    this.pauseSent[inPort * this.queues + cls] = 0;
    this.sendFrame(inPort, cls, 0);
  }

  refresh(inPort: number, cls: number): void {
    const k = inPort * this.queues + cls;
    if (!this.pauseSent[k]) return;
    this.sendFrame(inPort, cls, PAUSE_QUANTA_MAX);
    this.clock.q.push(this.clock.now + Math.round(this.maxPausePs(inPort) / 2), EV_PFC_REFRESH, inPort, cls);
  }

  private maxPausePs(port: number): number {
    return pauseDurationPs(PAUSE_QUANTA_MAX, 8e12 / this.topo.psPerByte[port]);
  }

  /**
   * A PFC frame from the switch at the far end of `port` back to its sender: 64 bytes on the reverse
   * direction, then propagation. MAC control frames go ahead of queued data (at most behind one frame,
   * not modelled). b encodes class and quanta.
   */
  private sendFrame(port: number, cls: number, quanta: number): void {
    this.c.pauseFrames++;
    const back = port ^ 1;
    const topo = this.topo;
    const t =
      this.clock.now +
      Math.round((PFC_FRAME_BYTES + this.net.wireOverheadBytes) * topo.psPerByte[back]) +
      topo.propPs[back];
    this.clock.q.push(t, EV_PFC_RX, port, cls * 65536 + quanta);
  }
}
