// Closed-form go-back-N link utilization with frame errors (Stallings; GBN-01): the textbook law the NIC's
// go-back-N recovery (nic.ts) is checked against. Models a window of N frames, independent frame errors and
// a sender that learns of a loss one round trip later; leaves out timeouts and lost acknowledgements.

/** Probability that a frame of `bytes` has at least one bit error at bit error rate `ber`. */
export function frameErrorProbability(bytes: number, ber: number): number {
  return 1 - (1 - ber) ** (8 * bytes);
}

/**
 * Utilization U of a go-back-N link: frame time tFr, one-way propagation tPr (s), frame error probability p,
 * window N. A window covering the round trip (N tFr >= 2 tPr + tFr) keeps the link busy between losses:
 * U = tFr (1-p) / (tFr + 2 tPr p); a smaller one stalls each round trip: U = N tFr (1-p) / ((1-p+Np)(2 tPr + tFr)).
 */
export function gbnUtilization(tFr: number, tPr: number, p: number, window: number): number {
  if (window * tFr >= 2 * tPr + tFr) return (tFr * (1 - p)) / (tFr + 2 * tPr * p);
  return (window * tFr * (1 - p)) / ((1 - p + window * p) * (2 * tPr + tFr));
}
