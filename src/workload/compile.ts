// The scenario's `traffic` list compiled on a fabric into one TrafficProgram (program.ts says what its tasks
// mean): patterns and flow lists here, collectives and training jobs through training/. Inference services are
// not compiled: they run as request-level components (src/engine/inference).

import { createRandom } from '../base/random.ts';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import type { Fabric, NodeId } from '../fabric/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ProgramBuilder } from './builder.ts';
import { classQueue } from './classes.ts';
import type { TrafficProgram, Transfer } from './program.ts';
import { compileJobStorage } from './storage.ts';
import { compileCollectiveItem, compileJob, stepComputePs } from './training/job.ts';
import { capableIn, type SharpCapable } from './training/sharp.ts';

function host(f: Fabric, ref: string, path: string): NodeId {
  // A custom fabric's hosts go by the names of its topology file (a generated host's name is its h-index).
  const named = f.nodeByName(ref);
  if (named !== undefined && f.nodes[named].role === 'host') return named;
  if (ref === 'border0') {
    if (f.border === -1)
      throw new ScenarioError([{ path, message: 'this fabric has no border0 (only access-aggregation fabrics do)' }]);
    return f.border;
  }
  const i = Number(ref.slice(1));
  if (!Number.isInteger(i) || i < 0 || i >= f.hosts.length)
    throw new ScenarioError([
      { path, message: `no host ${ref} in this fabric (it has h0..h${f.hosts.length - 1}); use a host in that range` },
    ]);
  return f.hosts[i] as NodeId;
}

/**
 * Compiles the scenario's `traffic` list on a fabric. Random choices (permutation) use the scenario seed. Past
 * `maxTasks` tasks the compile stops with a LimitError naming the traffic item (the resource guard's bound).
 * `skipInference` leaves inference items out (a mixed run simulates them beside the program).
 */
/**
 * `catalog`: the one the fabric was designed from, whose switch models say which reduce in the network
 * (`algorithm: sharp`); default the built-in one.
 */
export function compileTraffic(
  s: Scenario,
  f: Fabric,
  opts: { maxTasks?: number; skipInference?: boolean; catalog?: Catalog } = {},
): TrafficProgram {
  const b = new ProgramBuilder({ maxTasks: opts.maxTasks });
  // Read only when a collective asks for sharp: the catalog is loaded lazily.
  const capable: SharpCapable = (sw) => capableIn(f, opts.catalog ?? loadCatalog())(sw);
  let cls: Transfer['cls'] = 'roce';
  const add = (src: NodeId, dst: NodeId, bytes: number, startPs: number, item: number) => {
    b.task({ src, dst, bytes, startPs, item, cls });
  };
  (s.traffic ?? []).forEach((t, i) => {
    const path = `traffic[${i}]`;
    if ('inference' in t) {
      // A mixed run (engine/inference/mixed.ts) runs the service itself beside this program.
      if (opts.skipInference) return;
      throw new ScenarioError([
        {
          path: `${path}.inference`,
          message:
            'an inference service runs as request-level components, not as a traffic program (aifabric simulate runs it)',
        },
      ]);
    }
    cls = classQueue(s, t.class, `${path}.class`);
    if ('flows' in t) {
      t.flows.forEach((fl, j) => {
        const src = host(f, fl.src, `${path}.flows[${j}].src`);
        const dst = host(f, fl.dst, `${path}.flows[${j}].dst`);
        if (src === dst)
          throw new ScenarioError([
            { path: `${path}.flows[${j}]`, message: 'src and dst are the same host; pick two hosts' },
          ]);
        add(src, dst, fl.bytes, fl.start, i);
      });
      return;
    }
    if ('collective' in t) {
      compileCollectiveItem(b, s, f, t, i, capable);
      return;
    }
    if ('job' in t) {
      compileJob(b, s, f, t, i, capable);
      compileJobStorage(b, f, t, i, stepComputePs(t.job, `${path}.job`), classQueue(s, t.class, `${path}.class`));
      return;
    }
    const start = t.start ?? 0;
    const H = f.hosts.length;
    if (t.pattern === 'incast') {
      const recv = host(f, t.receiver ?? 'h0', `${path}.receiver`);
      const senders = t.senders
        ? t.senders.map((r, j) => host(f, r, `${path}.senders[${j}]`))
        : Array.from(f.hosts)
            .filter((h) => h !== recv)
            .map((h) => h as NodeId);
      senders.forEach((snd, j) => {
        if (snd === recv)
          throw new ScenarioError([{ path: `${path}.senders[${j}]`, message: 'the receiver cannot also be a sender' }]);
        add(snd, recv, t.bytes, start, i);
      });
    } else if (t.pattern === 'permutation') {
      if (H < 2) throw new ScenarioError([{ path, message: 'a permutation needs at least 2 hosts' }]);
      // A uniformly random derangement (no host sends to itself), by rejection from Fisher-Yates shuffles.
      const rng = createRandom(s.seed, 'traffic', i);
      const perm = Array.from({ length: H }, (_, k) => k);
      for (;;) {
        for (let k = H - 1; k > 0; k--) {
          const j = rng.int(k + 1);
          [perm[k], perm[j]] = [perm[j], perm[k]];
        }
        if (perm.every((v, k) => v !== k)) break;
      }
      for (let k = 0; k < H; k++) add(f.hosts[k] as NodeId, f.hosts[perm[k]] as NodeId, t.bytes, start, i);
    } else {
      // all-to-all: every host sends `bytes` to every other host.
      for (let a = 0; a < H; a++)
        for (let b = 0; b < H; b++) if (a !== b) add(f.hosts[a] as NodeId, f.hosts[b] as NodeId, t.bytes, start, i);
    }
  });
  const program = b.build();
  program.itemClass = (s.traffic ?? []).map((t) => ('inference' in t ? (t.inference.class ?? 'lossy') : t.class));
  return program;
}
