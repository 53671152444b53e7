// PFC headroom: the bytes a lossless ingress queue must still take after it decides to pause its sender
// (IEEE 802.1Qbb Annex N; PFC-02). Everything already on the wire or committed to it until the PAUSE takes
// effect: the cable's round trip at the rate, the frame the receiver is sending when it decides (it goes first),
// the PAUSE frame itself, the sender's response time, and the frame the sender has started when the PAUSE
// arrives. With cell-based buffer accounting the bytes are turned into whole cells. Leaves out gearbox and PHY
// (MAC/PHY) delays, which the vendors add from their own data sheets (SONiC's mac_phy_delay).

/** Light in fibre (SMF about 5.13 ns/m) and copper DAC (about 4.76 ns/m): 5 ns/m (PFC-02, Cisco's 100 m figures). */
export const PROP_PS_PER_M = 5000;

/**
 * The sender's response time in pause quanta x 64 B: PFC-02 (IEEE 802.3 Table 31B-1 via Cisco Press) at 10, 25,
 * 40, 100 and 400G; 50G (147 quanta) and 200G (453) from the same 802.3 clause 31B.3.7 as SONiC tabulates it
 * (sonic-swss cfgmgr/buffer_headroom_barefoot.lua), rather than interpolated between their neighbours.
 */
const REACTION_BYTES: [number, number][] = [
  [10e9, 3840],
  [25e9, 5120],
  [40e9, 7552],
  [50e9, 147 * 64],
  [100e9, 25216],
  [200e9, 453 * 64],
  [400e9, 57920],
];

/** The sender's PFC response time in bytes at its rate (PFC-02), linear between the tabulated speeds. */
export function pfcReactionBytes(rateBps: number): number {
  const t = REACTION_BYTES;
  if (rateBps <= t[0][0]) return t[0][1];
  for (let i = 1; i < t.length; i++) {
    if (rateBps <= t[i][0]) {
      const [r0, b0] = t[i - 1];
      const [r1, b1] = t[i];
      return b0 + ((b1 - b0) * (rateBps - r0)) / (r1 - r0);
    }
  }
  const [rl, bl] = t[t.length - 1];
  return (bl * rateBps) / rl;
}

/** A PFC frame on the wire: 64 B MAC control frame + 8 B preamble + 12 B gap = 672 bit times (PFC-02's D-Pause). */
export const PAUSE_WIRE_BYTES = 84;

/** The parts of one link's headroom (PFC-02's component list). */
export interface HeadroomParts {
  rateBps: number;
  /** One-way propagation of the cable (ps). */
  cablePs: number;
  /** Largest frame the receiver may be sending when it decides to pause (MTU[R]). */
  receiverFrameBytes: number;
  /** Largest frame the sender may have started when the PAUSE arrives (MTU[S]). */
  senderFrameBytes: number;
  /** The PAUSE frame on the wire (PAUSE_WIRE_BYTES; Cisco's 10G worked example leaves it out: 0). */
  pauseFrameBytes: number;
  /** The sender's response time (pfcReactionBytes). */
  responseBytes: number;
  /** What the receiving switch's pipeline still holds after the decision (its port-to-port latency, ps). */
  pipelinePs: number;
}

/** Headroom in bytes, not rounded: 2 x cable x rate + MTU[R] + PAUSE + response + MTU[S] + pipeline (PFC-02). */
export function headroomBytes(p: HeadroomParts): number {
  const bytesPerPs = p.rateBps / 8e12;
  const cable = p.cablePs * bytesPerPs;
  return (
    2 * cable +
    (p.receiverFrameBytes + p.senderFrameBytes) +
    p.pauseFrameBytes +
    p.responseBytes +
    p.pipelinePs * bytesPerPs
  );
}

/** Bytes a frame takes in a buffer counted in cells of `cellBytes` (0: counted in bytes). */
export function cellBytes(frameBytes: number, cellBytes: number): number {
  return cellBytes > 0 ? Math.ceil(frameBytes / cellBytes) * cellBytes : frameBytes;
}

/**
 * Headroom reserved in a cell-accounted buffer: the in-flight bytes arrive as frames of `frameBytes` at most,
 * each rounded up to whole cells (SONiC's cell_occupancy with no small packets: RoCE data packets are MTU sized),
 * then the total rounded up to a whole cell. Without cells: the bytes rounded up to a whole byte.
 */
export function reservedHeadroomBytes(bytes: number, frameBytes: number, cell: number): number {
  if (cell <= 0) return Math.ceil(bytes);
  const occupancy = cellBytes(frameBytes, cell) / frameBytes;
  return Math.ceil((bytes * occupancy) / cell) * cell;
}
