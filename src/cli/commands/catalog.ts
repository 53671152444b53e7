// `aifabric catalog` and `catalog show`: their arguments and options. The listing (src/cli/actions/catalog.ts)
// loads on use, with the catalog.
import { Command } from '@commander-js/extra-typings';
import { collectFiles } from './plan.ts';

export function catalogCommand() {
  const cmd = new Command('catalog')
    .description('list the hardware catalog (switches, NICs, cables and optics)')
    .enablePositionalOptions()
    .option('--json', 'print JSON')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .action(async (opts) => (await import('../actions/catalog.ts')).listCatalog(opts));
  cmd
    .command('show')
    .description('show one catalog entry in full')
    .argument('<id>', 'switch, NIC or medium id')
    .option('--json', 'print JSON')
    .option('--catalog <file>', 'add a user catalog file (switches, NICs, media; repeatable)', collectFiles, [])
    .action(async (id, opts) => (await import('../actions/catalog.ts')).showCatalogEntry(id, opts));
  cmd
    .command('validate')
    .description('check a user catalog file: format, units, and that no id collides with the built-in catalog')
    .argument('<file>', 'catalog YAML file')
    .option('--json', 'print JSON')
    .action(async (file, opts) => (await import('../actions/catalog.ts')).validateCatalog(file, opts));
  return cmd;
}
