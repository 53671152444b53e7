// The packet's record layouts (packets.ts owns the pool): the packet types and traffic classes, the hot record's
// int32 fields and the bits of its PK_BITS field, the cold record's fields, and HPCC's INT record. Only the layouts
// live here (as port-layout.ts holds the port's): packets.ts re-exports them, and each hot file destructures
// PACKET_LAYOUT once into constants of its own. Leaves out the pool itself and what a packet means to each element.
import { INT_MAX_HOPS } from '../core/network.ts';

// Packet types and traffic classes.
export const T_DATA = 0;
export const T_ACK = 1;
export const T_NAK = 2;
export const T_CNP = 3;
export const C_CTRL = 0;
export const C_ROCE = 1;
export const C_LOSSY = 2;
/** Traffic classes per port in the port's own record (port-layout.ts; more with network.classes: class-queues.ts). */
export const NC = 3;
/** The class field: 4 bits, control and up to 8 classes (IEEE 802.1Q's priorities). */
export const CLASS_MASK = 15;

// Hot record: int32 fields at these offsets. PK_BITS holds the type (2 bits), class (4 bits), flags, the hop
// count (7 bits) and the frame's bytes (16 bits, above FRAME_SHIFT).
export const PK = 4;
export const PK_FLOW = 0;
/** Next packet in its queue, or in the free list. */
export const PK_NEXT = 1;
/** Ingress port at the current switch (PFC accounting), or -1. */
export const PK_INGRESS = 2;
export const PK_BITS = 3;
/** CE-marked; held in PFC headroom at the current switch; allocated. */
export const B_ECN = 64;
export const B_HDRM = 128;
export const B_LIVE = 256;
/** Switches passed so far, in PK_BITS above the flags (at most HOP_MAX: the count stops there). */
export const HOP_SHIFT = 9;
export const HOP_ONE = 1 << HOP_SHIFT;
export const HOP_MAX = 127;
/** The frame's bytes on the wire before preamble and gap, in PK_BITS from here (network.mtu is at most 9,216). */
export const FRAME_SHIFT = 16;
/** The largest frame PK_BITS holds. */
export const FRAME_MAX = 0xffff;
// Cold record: the sequence number, the payload and the destination node (12 bytes: read once a hop at most).
export const PC = 3;
export const PC_SEQ = 0;
export const PC_PAYLOAD = 1;
export const PC_DST = 2;

// INT record of a packet: the number of hops stamped, then per hop its fields (HPCC paper Fig. 6; int-header.h
// IntHop: ts, txBytes, qlen, B).
export const INT_HOP = 4;
export const INT_REC = 1 + INT_MAX_HOPS * INT_HOP;
export const INT_TS = 0;
export const INT_TX = 1;
export const INT_QLEN = 2;
export const INT_RATE = 3;

/**
 * The constants above in one object, for the hot files to destructure once into constants of their own: V8 folds
 * a module's own constants into optimized code, where an imported binding (or an exported one, even in its own
 * module) is read through a cell and checked at every use.
 */
export const PACKET_LAYOUT = {
  ...{ T_DATA, T_ACK, T_NAK, T_CNP, C_CTRL, C_ROCE, C_LOSSY, NC, CLASS_MASK },
  ...{ PK, PK_FLOW, PK_NEXT, PK_INGRESS, PK_BITS, B_ECN, B_HDRM, B_LIVE, HOP_SHIFT, HOP_ONE, HOP_MAX, FRAME_SHIFT },
  FRAME_MAX,
  ...{ PC, PC_SEQ, PC_PAYLOAD, PC_DST, INT_HOP, INT_REC, INT_TS, INT_TX, INT_QLEN, INT_RATE },
} as const;
