// `aifabric import netbox`: its options. The reading (src/cli/actions/import.ts) loads on use.
import { Command } from '@commander-js/extra-typings';
import { collectFiles } from './plan.ts';

export function importCommand() {
  const cmd = new Command('import').description(
    'read a fabric from another tool into a topology file (custom fabrics)',
  );
  cmd
    .command('netbox')
    .description('NetBox import CSVs (devices, interfaces, cables; the format plan --csv writes) to a topology file')
    .requiredOption('--devices <file>', 'devices CSV (name, role, device_type, ...)')
    .requiredOption('--interfaces <file>', 'interfaces CSV (device, name, type, speed in kbps, ...)')
    .requiredOption(
      '--cables <file>',
      'cables CSV (side_a_device, side_a_name, side_b_device, side_b_name, length, ...)',
    )
    .option('-o, --output <file>', 'topology file to write', 'topology.yaml')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .option('--json', 'print what was written as JSON')
    .action(async (opts) => (await import('../actions/import.ts')).importNetboxFiles(opts));
  return cmd;
}
