// Issue 12's limits on the engines' size, so a change lands in one small room: no file in src/engine/packet over
// 500 lines, none in src/engine/flow or src/engine/inference over 700, no function over 150 lines in src/engine.
// Functions are found by the TypeScript parser (declarations, methods, constructors, accessors, arrows, function
// expressions), counted from their first to their last line; test files and test factories are not engine code
// for that limit (the file limits count them).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const engine = join(root, 'src/engine');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** Every function-like node of a source text longer than `max` lines, as `name (lines)`. */
function longFunctions(fileName: string, text: string, max: number): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.SyntaxKind[node.kind];
      if (last - first + 1 > max) out.push(`${name} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('engine size limits (issue 12)', () => {
  // Test factories (they import vitest: a describe block per contract) are tests, not engine code.
  const all = tsFiles(engine);
  const files = all.filter((f) => !readFileSync(f, 'utf8').includes("from 'vitest'"));
  it('reads the engines', () => expect(files.length).toBeGreaterThan(40));
  for (const [folder, max] of [
    ['packet', 500],
    ['flow', 700],
    ['inference', 700],
  ] as const) {
    it(`no file in src/engine/${folder} over ${max} lines (tests included)`, () => {
      const over = all
        .filter((f) => f.startsWith(join(engine, folder)))
        .map((f) => ({ f: relative(root, f), n: lineCount(readFileSync(f, 'utf8')) }))
        .filter((x) => x.n > max);
      expect(over).toEqual([]);
    });
  }
  it('no function in src/engine over 150 lines', () => {
    const over = files.flatMap((f) =>
      longFunctions(f, readFileSync(f, 'utf8'), 150).map((x) => `${relative(root, f)}: ${x}`),
    );
    expect(over).toEqual([]);
  });
  it('negative control: a 151-line arrow inside a class method is found, a 150-line one is not', () => {
    const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `    x += ${i};`).join('\n');
    const text = (n: number) => `class A {\n  m() {\n    const f = () => {\n${body(n)}\n    };\n  }\n}\n`;
    expect(longFunctions('a.ts', text(151), 150)).toEqual(['m (153 lines)', 'ArrowFunction (151 lines)']);
    expect(longFunctions('b.ts', text(150), 150)).toEqual(['m (152 lines)']);
  });
});
