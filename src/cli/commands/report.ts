import { readFileSync, statSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import { ScenarioError } from '../../errors.ts';
import { reportInputFromText } from '../../report/from-result.ts';
import { renderReport } from '../../report/html.ts';
import { writeFilesAtomically } from '../output.ts';

/** `aifabric report result.json -o report.html`: one self-contained HTML file from a result, sweep or demo bundle. */
export function reportCommand() {
  return new Command('report')
    .description('write a self-contained HTML report (charts, diagram, tables) from simulate/demo JSON output')
    .argument('<input>', 'JSON from `simulate --json`, `simulate --sweep --json` or `demo --json`')
    .option('-o, --output <file>', 'HTML file to write', 'report.html')
    .action((file, opts) => {
      let text: string;
      try {
        if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        text = readFileSync(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ScenarioError([
          {
            path: file,
            message: `cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code}`,
          },
        ]);
      }
      const html = renderReport(reportInputFromText(text, file));
      writeFilesAtomically([{ path: opts.output, content: html }], '--output');
      process.stdout.write(`wrote ${opts.output} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
    });
}
