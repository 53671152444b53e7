// `aifabric report`: reads a result, sweep or demo bundle and writes its self-contained HTML report.
import { readFileSync, statSync } from 'node:fs';
import { ScenarioError } from '../../errors.ts';
import { reportInputFromText } from '../../report/from-result.ts';
import { renderReport } from '../../report/html.ts';
import { writeFilesAtomically } from '../output.ts';

/** `aifabric report result.json -o report.html`: one self-contained HTML file from a result, sweep or demo bundle. */
export async function report(file: string, opts: { output: string; json?: boolean }): Promise<void> {
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
  const html = await renderReport(reportInputFromText(text, file));
  writeFilesAtomically([{ path: opts.output, content: html }], '--output');
  const bytes = Buffer.byteLength(html);
  process.stdout.write(
    opts.json
      ? `${JSON.stringify({ output: opts.output, bytes })}\n`
      : `wrote ${opts.output} (${Math.ceil(bytes / 1024)} KB)\n`,
  );
}
