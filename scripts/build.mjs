// `npm run build` (and `npm ci`, through `prepare`): bundles the CLI with esbuild into dist/, which bin/aifabric.js
// runs, so start-up parses one JavaScript file instead of compiling TypeScript (tsx) and resolving every module.
// Each command's work is a separate chunk loaded on use (code splitting), so `--help` loads only commander.
// Leaves out: type-checking (tsc --noEmit does that) and minifying (stack traces of --debug stay readable).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist');
const src = join(root, 'src');

/** Source files find their data (catalog/, scenarios/, data/) relative to their own `import.meta.url`. In the
 * bundle that URL would be the chunk's, in dist/, so each source gets the URL of its own path back (every chunk
 * sits directly in dist/). */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!args.path.startsWith(src) || !text.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

/** `aifabric schema`'s text, from the sources as they are now (src/cli/schema-text.ts run once, through a
 * throwaway bundle). */
async function schemaText() {
  const tmp = mkdtempSync(join(tmpdir(), 'aifabric-build-'));
  try {
    const file = join(tmp, 'schema-text.mjs');
    await build({
      entryPoints: [join(src, 'cli/schema-text.ts')],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'warning',
    });
    return (await import(pathToFileURL(file).href)).schemaText();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** src/cli/schema-text.ts in the bundle: the string it returns, computed above. */
function prebuiltSchema(text) {
  return {
    name: 'prebuilt-schema-text',
    setup(b) {
      b.onLoad({ filter: /schema-text\.ts$/ }, (args) =>
        args.path === join(src, 'cli/schema-text.ts')
          ? { contents: `export function schemaText() { return ${JSON.stringify(text)}; }`, loader: 'js' }
          : undefined,
      );
    },
  };
}

const schema = await schemaText();
const result = await build({
  entryPoints: { aifabric: join(src, 'cli/run.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // commander and cli-progress are CommonJS and require Node built-ins, which an ES module bundle needs a
  // `require` for.
  banner: {
    js: "import { createRequire as __aifabricRequire } from 'node:module';\nconst require = __aifabricRequire(import.meta.url);",
  },
  metafile: true,
  write: false,
  logLevel: 'warning',
  plugins: [prebuiltSchema(schema), sourceUrls],
});
// The module graph of every output, for test/e2e/startup.test.ts (what `--help` loads).
const files = [...result.outputFiles, { path: join(outdir, 'meta.json'), text: JSON.stringify(result.metafile) }];
// Only changed files are written and only files of an older build removed, so a build that changes nothing
// changes nothing on disk, and a CLI running from dist/ meanwhile is not disturbed.
mkdirSync(outdir, { recursive: true });
for (const f of files)
  if (!existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.text) writeFileSync(f.path, f.text);
const keep = new Set(files.map((f) => f.path));
for (const name of readdirSync(outdir)) if (!keep.has(join(outdir, name))) rmSync(join(outdir, name), { force: true });
