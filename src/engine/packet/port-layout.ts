// The egress port's record layouts (port.ts owns the state, scheduler.ts picks from it): per port one record of
// RI Int32 fields and, over the same buffer from the fifth double, RD Float64 fields (128 bytes: two cache lines;
// one array per field cost a cache miss per field once k=32's 49,152 ports outgrow the cache), and a cold record
// of CD Float64 fields for what only PFC pauses and DWRR touch. Only the layouts live here; each file destructures
// them once into module constants (an imported binding costs a check at every record access).
import { NC } from './packets.ts';
import { S_ELEMENT, S_HOST } from './topology.ts';

/**
 * Int32: the frame in serialization (-1 when idle), flags, each class's queue (head and tail packets).
 * I_FLAGS: topology.ts sender in the low 2 bits (FROM_HOST: a host's NIC sends on the port; FROM_ELEMENT: a switch
 * with a reduction element on it, which also makes packets on demand), the DWRR class whose turn it is (2 bits), the
 * port's kind above.
 * Float64: the queue and its statistics; busy time, bytes on the wire, per class the bytes queued and the pause.
 * Cold (Float64): the pause-expiry event queued (its time, or -1), the start of the pause in force per class (or
 * -1), the DWRR deficit per class, and at a reduction element's port whose turn it is (0 the element's, 1 the
 * forwarded packets').
 */
export const PORT_LAYOUT = {
  RI: 32,
  I_TX: 0,
  I_FLAGS: 1,
  I_HEAD: 2,
  I_TAIL: 2 + NC,
  FROM_HOST: S_HOST,
  FROM_ELEMENT: S_ELEMENT,
  DRR_SHIFT: 2,
  DRR_MASK: 3 << 2,
  KIND_SHIFT: 4,
  RD: 16,
  F_QBYTES: 4,
  F_QLAST: 5,
  F_QINTEGRAL: 6,
  F_MAXQ: 7,
  F_BUSY_PS: 8,
  F_WIRE_BYTES: 9,
  F_CLASS_BYTES: 10,
  F_PAUSED_UNTIL: 10 + NC,
  CD: 8,
  C_EXPIRE_ARMED: 0,
  C_PAUSE_BEGIN: 1,
  C_DEFICIT: 1 + NC,
  C_ELEMENT_TURN: 1 + 2 * NC,
} as const;
