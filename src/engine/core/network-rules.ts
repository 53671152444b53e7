// Rules between the scenario's PFC settings and the switches the fabric was built from: the headroom of every
// ingress port must fit in the switch buffer with room to spare for the shared pool, and XON must sit below XOFF
// (the resume offset below the largest dynamic XOFF threshold, alpha x the shared buffer of an empty switch:
// PFC-04's thresholds). Otherwise a paused port could never resume, or every frame would land in headroom.
// Not checked: the auto headroom's own size (it follows from the cables, so it has no field to fix).
// The rules run once per design (issue 14): checkPfc keeps their answer per network section, fabric and catalog.
import { type InputProblem, ScenarioError } from '../../errors.ts';
import { type Fabric, hasNic } from '../../fabric/types.ts';
import { exactBytes } from '../../scenario/range.ts';

/** The part of the resolved network (NetworkConfig, src/engine/core/network.ts) these rules read. */
export interface PfcView {
  pfc: boolean;
  pfcAlpha: number;
  resumeOffset: number;
  headroomBytes(link: number): number;
  bufferBytes(node: number): number;
}

/** The switch with the least room, per rule: one problem each at most, naming that switch. */
export function pfcProblems(net: PfcView, f: Fabric, explicitHeadroom: boolean): InputProblem[] {
  if (!net.pfc) return [];
  const out: InputProblem[] = [];
  let headroomWorst: { name: string; need: number; buffer: number; ports: number } | null = null;
  let xoffWorst: { name: string; xoff: number } | null = null;
  for (let n = 0; n < f.nodes.length; n++) {
    const node = f.nodes[n];
    if (hasNic(node.role)) continue;
    const buffer = net.bufferBytes(n);
    if (buffer <= 0) continue; // a switch without a catalog model: no buffer to check against
    let need = 0;
    for (let k = f.adjStart[n]; k < f.adjStart[n + 1]; k++) need += net.headroomBytes(f.adjLinks[k]);
    const ports = f.adjStart[n + 1] - f.adjStart[n];
    if (
      explicitHeadroom &&
      need >= buffer &&
      (!headroomWorst || buffer / ports < headroomWorst.buffer / headroomWorst.ports)
    )
      headroomWorst = { name: node.name, need, buffer, ports };
    const xoff = Math.max(0, buffer - need) * net.pfcAlpha;
    if (net.resumeOffset >= xoff && (!xoffWorst || xoff < xoffWorst.xoff)) xoffWorst = { name: node.name, xoff };
  }
  if (headroomWorst) {
    const { name, need, buffer, ports } = headroomWorst;
    out.push({
      path: 'network.pfc.headroom',
      message: `${exactBytes(Math.round(need / ports))} per port x ${ports} ports of ${name} = ${exactBytes(need)} does not fit in its ${exactBytes(buffer)} buffer with room for the shared pool; the nearest valid value is ${Math.max(0, Math.ceil(buffer / ports) - 1)}B`,
    });
  } else if (xoffWorst) {
    const { name, xoff } = xoffWorst;
    out.push({
      path: 'network.pfc.resumeOffset',
      message: `${exactBytes(net.resumeOffset)} puts XON at or below zero: XOFF at ${name} is at most alpha x its shared buffer = ${exactBytes(Math.floor(xoff))}, and a paused port would never resume; ${xoff >= 2 ? `the nearest valid value is ${Math.ceil(xoff) - 1}B` : 'raise network.pfc.alpha or lower the headroom'}`,
    });
  }
  return out;
}

/** The objects the rules' answer follows from: the scenario's `network` section (absent: the defaults) and the catalog. */
export interface PfcSource {
  network: object | undefined;
  catalog: object;
}

// pfcProblems' answer per network section, fabric and catalog. A sweep, the capacity search or the demo runs many
// engines on one design and network, and the rules sum every switch port's headroom (19 ms of a 20 ms
// resolveNetwork on a k=64 fat-tree of 16,384 hosts). Keyed by the objects themselves, held weakly: a loaded
// scenario and a fabric are not changed once made (a sweep's point is a new copy, scenario/sweep.ts setPath;
// fabrics are frozen), so the same three objects always give the same answer.
const answers = new WeakMap<object, WeakMap<Fabric, WeakMap<object, readonly InputProblem[]>>>();
const NO_NETWORK = {};

function answerFor(src: PfcSource, f: Fabric, compute: () => InputProblem[]): readonly InputProblem[] {
  const key = src.network ?? NO_NETWORK;
  const byFabric = answers.get(key) ?? new WeakMap<Fabric, WeakMap<object, readonly InputProblem[]>>();
  answers.set(key, byFabric);
  const byCatalog = byFabric.get(f) ?? new WeakMap<object, readonly InputProblem[]>();
  byFabric.set(f, byCatalog);
  const problems = byCatalog.get(src.catalog) ?? compute();
  byCatalog.set(src.catalog, problems);
  return problems;
}

/** Throws the rules' problems, worked out on the first run of a design and network and kept for the next ones. */
export function checkPfc(net: PfcView, f: Fabric, explicitHeadroom: boolean, src: PfcSource): void {
  const problems = answerFor(src, f, () => pfcProblems(net, f, explicitHeadroom));
  // Copies: whoever catches the error may locate or reword its problems without reaching the kept answer.
  if (problems.length > 0) throw new ScenarioError(problems.map((p) => ({ ...p })));
}
