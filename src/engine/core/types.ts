// Contracts shared by every engine's core (docs/architecture.md, "engine/core").

/**
 * A priority queue of events keyed by integer time (picoseconds in the packet engine), ties broken by
 * insertion order (first pushed, first popped). Each event carries a small integer `kind` and two integer
 * payloads `a` and `b` (e.g. a port id and a packet id), so the hot loop allocates nothing.
 * After `pop()` returns true, the popped event is readable in `t`, `kind`, `a`, `b`.
 */
export interface EventQueue {
  push(t: number, kind: number, a: number, b: number): void;
  pop(): boolean;
  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number;
  readonly size: number;
  t: number;
  kind: number;
  a: number;
  b: number;
  clear(): void;
}
