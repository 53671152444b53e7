// The flow engine's record layouts: the queue's event kinds and the typed-array records of tasks (one Int32 and one
// Float64 cache line each), path slots and directed links that every file of the engine reads. Only layouts and
// their one shared helper live here. Left out: the state that holds the records (state.ts).

// Queue event kinds. The first three carry a group of task items, all due at the event's time.
export const EV_DRAIN = 0;
export const EV_FINISH = 1;
export const EV_START = 2;
export const EV_LINK = 3;
export const EV_ROUTE = 4;
export const GROUP_KINDS = 3;
export const OPEN_SLOTS = 4;

// A task's Int32 record (stride TI): one cache line.
export const TI = 16;
export const I_NEXT = 0; // next repetition to start
export const I_REPEAT = 1;
export const I_BUSY = 2; // a transfer's repetition is sending, or a delay's is running
export const I_FIN = 3; // repetitions finished
export const I_STEP0 = 4; // stepDeps as [dep, lag] pairs in `stepDL`, pairs [I_STEP0, I_STEP1)
export const I_STEP1 = 5;
export const I_OUT0 = 6; // tasks that list this one in stepDeps: stepOut[I_OUT0 .. I_OUT1)
export const I_OUT1 = 7;
export const I_PATH0 = 8; // path slots [I_PATH0, I_PATH1)
export const I_PATH1 = 9;
export const I_VER = 10; // bumped at every rate change: drain items of older versions are stale
export const I_STAMP = 11; // batch in which the flow started or moved (it needs a rate whatever the old one was)
export const I_VISIT = 12; // recomputation whose region (or singles pass) holds the flow
export const I_XFER = 13; // 1 transfer, 0 delay
export const I_DEPS = 14; // deps not finished yet
export const I_LAZY = 15; // LZ_*: how the current repetition's send is tracked (paths.ts markExclusive, rates.ts recompute)

// Flows whose send time is known when they start (I_LAZY): no drain event, the arrival is scheduled at once and
// the flow is marked sent lazily (I_BUSY stays set until something asks after its send time).
export const LZ_NONE = 0;
/** No other task's path shares a link with this one, ever. */
export const LZ_EXCL = 1;
/** Alone on its links now ("solo"): on the link lists, so that a flow joining a link can end the solo run. */
export const LZ_SOLO = 2;
/** A solo repetition that was sent and taken off its links (by a flow that joined one of them). */
export const LZ_SENT = 3;

// A task's Float64 record (stride TF): one cache line.
export const TF = 8;
export const F_REM = 0; // bytes left to send at F_LAST
export const F_RATE = 1; // payload bytes per ps
export const F_LAST = 2;
export const F_PBYTES = 3; // bytes sent on the current path, not yet added to its links
export const F_BYTES = 4; // bytes per repetition
export const F_LAT = 5; // path latency of the last byte
export const F_LASTFIN = 6; // latest scheduled arrival (repetitions of one QP arrive in order)
export const F_AUX = 7; // a flow that started alone: its path's bottleneck; an exclusive or solo one: ps to send a repetition

// A path slot (stride 4): the directed link and the flow's place in that link's list of sending flows.
export const S_LINK = 0;
export const S_NEXT = 1;
export const S_PREV = 2;
export const S_FLOW = 3;

// A directed link's Int32 record (stride 4): 2 l is a -> b (up), 2 l + 1 is b -> a.
export const L_HEAD = 0;
export const L_COUNT = 1; // flows sending on it
export const L_SEED = 2; // batch in which a flow left it
export const L_VISIT = 3;

/** A link's load: the rate on it over its capacity (a down link with anything on it is infinitely loaded). */
export function linkLoad(sum: number, c: number): number {
  return c > 0 ? sum / c : sum > 0 ? Number.POSITIVE_INFINITY : 0;
}
