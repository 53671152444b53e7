// Fabrics several test files design: the demo's inference fabric at 96 hosts (aurcore-48x25g-8x100g access under
// aurcore-32x100g aggregation, 1.5:1, border0 behind the aggregation switches), single- or dual-homed.
import type { Catalog } from '../../src/catalog/index.ts';
import { designFabric } from '../../src/fabric/index.ts';
import type { Fabric } from '../../src/fabric/types.ts';
import { fabricSpec } from '../../src/scenario/schema.ts';

export function accessAgg96(catalog: Catalog, dualHomed?: boolean): Fabric {
  return designFabric(
    fabricSpec({
      topology: 'access-aggregation',
      hosts: 96,
      nic: '25G',
      switch: 'aurcore-48x25g-8x100g',
      spineSwitch: 'aurcore-32x100g',
      ...(dualHomed !== undefined ? { dualHomed } : {}),
    }),
    catalog,
  ).fabric;
}
