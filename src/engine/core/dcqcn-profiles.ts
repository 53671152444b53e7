// Named DCQCN parameter sets (`network.dcqcn.profile`). Each profile fixes the reaction point's algorithm and
// its constants, and the notification point's CNP pacing, each constant cited where it is set; the scenario may
// still override any of them. Leaves out ConnectX's byte counter (rpg_byte_reset), which the HPCC ns-3 model
// of its reaction point has no counterpart for.

/** Which reaction point: the SIGCOMM'15 algorithm, or ConnectX firmware's as the HPCC ns-3 model has it. */
export type DcqcnAlgorithm = 'paper' | 'connectx';

export const DCQCN_PROFILES = ['paper', 'hpcc-ns3', 'connectx'] as const;
export type DcqcnProfile = (typeof DCQCN_PROFILES)[number];

/**
 * The default profile. connectx is the ConnectX firmware algorithm (NVIDIA DOCA "DCQCN CC Parameters",
 * ConnectX-4 and later: alpha updated every dce_tcp_rtt = 1 us whether or not a CNP came, rate cut at most once
 * per rate_reduce_monitor_period = 4 us) with its notification point (min_time_between_cnps: at most one CNP
 * per 4 us from the receiving port), which is what deployed RoCE NICs run; the paper's algorithm (a cut per CNP,
 * alpha decaying only after 55 us without one) is what the NICs were derived from, not what they ship.
 */
export const DEFAULT_DCQCN_PROFILE: DcqcnProfile = 'connectx';

/**
 * What the notification point paces CNPs per: each flow (QP), as the DCQCN paper's NP does (DCQCN-04), or the
 * receiving NIC port over all its QPs, as ConnectX's min_time_between_cnps does ("minimum time between sending
 * CNPs from the port": Mellanox mstflint tools_open_layouts.h and mlxconfig's help; NVIDIA "DCQCN parameters").
 */
export type CnpScope = 'flow' | 'port';

/**
 * When a switch decides the ECN mark: as a packet joins its egress queue (on the queue it finds there), or as it
 * leaves (on the queue behind it). The DCQCN paper's CP marks at enqueue: "at an egress queue, an arriving packet
 * is ECN-marked if the queue length exceeds a threshold", with RED's Kmin/Kmax/Pmax (Zhu et al. SIGCOMM'15,
 * Sec. 3.1), on Trident II switches whose WRED-ECN decides as the packet is queued ("the decision to drop or queue
 * the packet": Dell Networking OS S6000 (Trident II) reference, `wred ecn`). HPCC's ns-3 switch marks at dequeue
 * (switch-node.cc SwitchNotifyDequeue, switch-mmu.cc ShouldSendCN; ECN-01).
 */
export type EcnMarkAt = 'enqueue' | 'dequeue';

/** One reaction point's DCQCN settings, whatever the line rate (network.ts adds the QP's rate: DcqcnParams). */
export interface DcqcnSettings {
  algorithm: DcqcnAlgorithm;
  g: number;
  /** tau': alpha update period (ps). */
  alphaIntervalPs: number;
  /** T: rate increase timer (ps). */
  rateTimerPs: number;
  /** B: byte counter; 0: none (the connectx algorithm increases on the timer only). */
  byteCounter: number;
  /** F: fast recovery steps. */
  fastRecoverySteps: number;
  additiveIncreaseBps: number;
  hyperIncreaseBps: number;
  minRateBps: number;
  /** 0: cut on each CNP (paper); else cut at most once per this period (connectx). */
  rateDecreaseIntervalPs: number;
  /** R_T = R_C on every cut (paper), or only when an increase step ran since the last cut (connectx). */
  clampTargetRate: boolean;
}

/** A profile's values; rates per 100 Gb/s of line rate where the profile scales them with the NIC. */
export interface DcqcnProfileValues extends DcqcnSettings {
  /** Scale R_AI and R_HAI with line rate / 25G (HPCC run.py: ai = 5 x bw/25, hai = 50 x bw/25). */
  scaleIncreaseWithRate: boolean;
  cnpIntervalPs: number;
  cnpScope: CnpScope;
  /** Where the switches mark ECN for this profile (the switch the profile's source ran). */
  ecnMarkAt: EcnMarkAt;
}

export const DCQCN_PROFILE_VALUES: Record<DcqcnProfile, DcqcnProfileValues> = {
  // DCQCN-01 (Zhu et al., SIGCOMM'15 defaults, restated in CoNEXT'16 dcqcn-model.tex and fluidmodel/dcqcn2.m).
  paper: {
    algorithm: 'paper',
    g: 1 / 256, // DCQCN-01 g
    alphaIntervalPs: 55e6, // DCQCN-01 tau' = 55 us
    rateTimerPs: 55e6, // DCQCN-01 T = 55 us
    byteCounter: 10e6, // DCQCN-01 B = 10 MB
    fastRecoverySteps: 5, // DCQCN-01 F = 5
    additiveIncreaseBps: 40e6, // DCQCN-01 R_AI = 40 Mb/s
    hyperIncreaseBps: 200e6, // the paper leaves R_HAI open; HPCC run.py's 50 x bw/25 at 100G (ECN-02)
    scaleIncreaseWithRate: false,
    minRateBps: 100e6, // HPCC rdma-hw.cc RdmaHw::GetTypeId MinRate default 100 Mb/s (the paper gives none)
    cnpIntervalPs: 50e6, // DCQCN-01 / DCQCN-04: at most one CNP per 50 us per flow
    cnpScope: 'flow', // DCQCN-04: the NP keeps one timer per flow
    ecnMarkAt: 'enqueue', // SIGCOMM'15 Sec. 3.1: "an arriving packet is ECN-marked" (Trident II WRED-ECN)
    rateDecreaseIntervalPs: 0, // the paper cuts on each CNP (DCQCN-02 Eq. 1)
    clampTargetRate: true, // DCQCN-02 Eq. 1: R_T = R_C on every CNP
  },
  // HPCC's public ns-3 model of ConnectX DCQCN (rdma-hw.cc *Mlx functions) with simulation/run.py `--cc dcqcn`
  // values (ECN-02), which the HPCC paper's DCQCN baseline used.
  'hpcc-ns3': {
    algorithm: 'connectx',
    g: 1 / 256, // run.py EWMA_GAIN 0.00390625
    alphaIntervalPs: 1e6, // run.py ALPHA_RESUME_INTERVAL 1 (us); DOCA dce_tcp_rtt default 1 us
    rateTimerPs: 300e6, // run.py RP_TIMER 300 (us)
    byteCounter: 0, // rdma-hw.cc RateIncEventTimerMlx: timer-driven only
    fastRecoverySteps: 1, // run.py FAST_RECOVERY_TIMES 1
    additiveIncreaseBps: 20e6, // run.py RATE_AI 5 x bw/25 Mb/s: 20 Mb/s at 100G
    hyperIncreaseBps: 200e6, // run.py RATE_HAI 50 x bw/25 Mb/s: 200 Mb/s at 100G
    scaleIncreaseWithRate: true,
    minRateBps: 1e9, // run.py MIN_RATE 1000Mb/s
    cnpIntervalPs: 0, // rdma-hw.cc ReceiveUdp: every ACK of a marked packet carries the CNP (L2_ACK_INTERVAL 1)
    cnpScope: 'flow', // no pacing: the scope does not matter at interval 0
    ecnMarkAt: 'dequeue', // switch-node.cc SwitchNotifyDequeue (ECN-01)
    rateDecreaseIntervalPs: 4e6, // run.py RATE_DECREASE_INTERVAL 4 (us); DOCA rate_reduce_monitor_period 4 us
    clampTargetRate: false, // run.py CLAMP_TARGET_RATE 0 (rdma-hw.cc CheckRateDecreaseMlx)
  },
  // ConnectX as deployed: its reaction point as HPCC's ns-3 models it, with the values above (run.py), and its
  // notification point, which the ns-3 model leaves out (it flags every ACK of a marked packet). The firmware's
  // own rate constants (DOCA: rpg_min_rate 1 Mb/s, rpg_ai_rate 5 and rpg_hai_rate 50 Mb/s at any line rate) are
  // not used: with them and no byte counter, 2 MB permutation flows sat near 1 Mb/s for 33 ms (docs/dcqcn.md).
  connectx: {
    algorithm: 'connectx',
    g: 1 / 256, // run.py EWMA_GAIN (DOCA dce_tcp_g 1019/1024 is a gain of 5/1024, within 25% of it)
    alphaIntervalPs: 1e6, // DOCA dce_tcp_rtt default 1 us
    rateTimerPs: 300e6, // DOCA rpg_time_reset default 300 us (run.py RP_TIMER 300)
    byteCounter: 0, // rdma-hw.cc: timer-driven only (DOCA rpg_byte_reset 32767 B is left out, see above)
    fastRecoverySteps: 1, // DOCA rpg_threshold default 1 (run.py FAST_RECOVERY_TIMES 1)
    additiveIncreaseBps: 20e6, // run.py RATE_AI 5 x bw/25 Mb/s: 20 Mb/s at 100G
    hyperIncreaseBps: 200e6, // run.py RATE_HAI 50 x bw/25 Mb/s: 200 Mb/s at 100G
    scaleIncreaseWithRate: true,
    minRateBps: 1e9, // run.py MIN_RATE 1000Mb/s
    cnpIntervalPs: 4e6, // NVIDIA "DCQCN parameters": min_time_between_cnps default 4 us (mlxconfig MIN_TIME_BETWEEN_CNPS 4)
    cnpScope: 'port', // "minimum time between sending CNPs from the port" (mstflint tools_open_layouts.h)
    ecnMarkAt: 'dequeue', // the hpcc-ns3 switch (switch-node.cc SwitchNotifyDequeue, ECN-01)
    rateDecreaseIntervalPs: 4e6, // DOCA rate_reduce_monitor_period default 4 us
    clampTargetRate: false, // DOCA clamp_tgt_rate 0, clamp_tgt_rate_after_time_inc 1 (R_T follows after a timer step)
  },
};
