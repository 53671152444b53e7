// An input file's text, or a ScenarioError naming the field or flag that named the file and why it could not be
// read. Shared by the readers of topology files, `plan`'s scenario and `import netbox`'s CSVs.
import { readFileSync } from 'node:fs';
import { ScenarioError } from '../errors.ts';

export function readInputText(file: string, path: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError([{ path, message: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}` }]);
  }
}
