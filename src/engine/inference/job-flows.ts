// The plain flows of a mixed run's job (patterns and flow lists: tasks of no op), as runFlow and runPacket report
// them: start and end of the whole task from the task driver, the ideal FCT and the resent bytes from the engine
// that carried them (mixed.ts on the fluid network, mixed-packet.ts on the packet engine).
import type { Fabric } from '../../fabric/types.ts';
import type { FlowResult } from '../../result/types.ts';
import type { TrafficProgram, Transfer } from '../../workload/program.ts';
import type { TaskDriver } from '../core/task-graph.ts';

export function jobPlainFlows(
  program: TrafficProgram,
  fabric: Fabric,
  driver: Pick<TaskDriver, 'taskStartPs' | 'taskEndPs'>,
  idealPs: (t: number, task: Transfer) => number,
  retransmittedBytes: (t: number) => number,
): FlowResult[] {
  const out: FlowResult[] = [];
  program.transfers.forEach((task, t) => {
    if (task.kind !== 'transfer' || task.op !== -1) return;
    const start = driver.taskStartPs[t];
    const end = driver.taskEndPs[t];
    const fct = end >= 0 && start >= 0 ? end - start : -1;
    const ideal = idealPs(t, task);
    out.push({
      id: t,
      src: fabric.nodes[task.src].name,
      dst: fabric.nodes[task.dst].name,
      bytes: task.bytes * task.repeat,
      startPs: start,
      endPs: end,
      fctPs: fct,
      idealFctPs: ideal,
      slowdown: fct >= 0 && ideal > 0 ? Math.max(1, fct / ideal) : -1,
      retransmittedBytes: retransmittedBytes(t),
    });
  });
  return out;
}
