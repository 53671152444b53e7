// `npm run build` (and `npm ci`, through `prepare`): compiles src/ to JavaScript with esbuild, file by file, into
// dist/ (dist/cli/main.js from src/cli/main.ts), which bin/aifabric.js runs: start-up parses JavaScript instead of
// compiling TypeScript through tsx. A command's work is imported when it runs (src/cli/commands), so `--help` loads
// only commander (bundled into dist/vendor/) and the command declarations.
// Leaves out: type-checking (tsc --noEmit does that) and minifying; bundles only the third-party packages a
// command loads (dist/vendor/), the simulate action with the modules nothing else loads (BUNDLED below), and each
// engine for the CLI, with rolldown, which keeps `const` (engineBundle). One file per source keeps dist/ at src/'s
// depth, so the paths the sources find data by (`new URL('../../catalog/', import.meta.url)`) hold as they are,
// and keeps top-level `const` (an esbuild bundle turns it into `var`, which cost the packet engine 10-17% of its
// CPU time here: V8 folds a module's constants into optimized code, not its variables).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist');
const src = join(root, 'src');
const SCHEMA_TEXT = join(src, 'cli/schema-text.ts');

/** `aifabric schema`'s text, from the sources as they are now (src/cli/schema-text.ts run once, through a
 * throwaway bundle). */
async function schemaText() {
  const tmp = mkdtempSync(join(tmpdir(), 'aifabric-build-'));
  try {
    const file = join(tmp, 'schema-text.mjs');
    await build({
      entryPoints: [SCHEMA_TEXT],
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

/** src/cli/schema-text.ts in dist/: the string it returns, computed above, so `schema` loads no zod. */
function prebuiltSchema(text) {
  return {
    name: 'prebuilt-schema-text',
    setup(b) {
      b.onLoad({ filter: /schema-text\.ts$/ }, (args) =>
        args.path === SCHEMA_TEXT
          ? { contents: `export function schemaText() { return ${JSON.stringify(text)}; }`, loader: 'js' }
          : undefined,
      );
    },
  };
}

/** esbuild's options for a bundle into memory: one ES module for Node 20 (the vendored packages, the simulate action). */
const BUNDLE = { bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'warning' };

/** Third-party modules on the start-up path, bundled into one file each in dist/vendor/: resolving and parsing
 * commander's CommonJS files took 35-45 ms of `--help`'s 60 above Node's own start (loaded machine); zod's 95 ES
 * modules took 60-95 ms of a `simulate`'s start-up, yaml's CommonJS files 35-55 ms. Each entry is the module text
 * the vendored file is built from: a package's exports, by name for a CommonJS one (Node finds those names with
 * its own lexer when it imports the package; a bundle has to spell them). */
const VENDORED = {
  '@commander-js/extra-typings': { file: 'commander.js', contents: "export * from '@commander-js/extra-typings';" },
  zod: { file: 'zod.js', contents: "export * from 'zod';", plugins: [englishOnly()] },
  yaml: { file: 'yaml.js', contents: cjsExports('yaml') },
  'cli-progress': { file: 'cli-progress.js', contents: "export { default } from 'cli-progress';" },
};

/** zod's messages in English only, as aifabric writes them: its `locales` namespace (`z.locales.de()`, which
 * nothing here calls) keeps `en` alone, leaving out the other 60 languages' 340 KB: 9 ms of every import. zod
 * registers English by importing locales/en.js itself. */
function englishOnly() {
  return {
    name: 'zod-english-only',
    setup(b) {
      b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
        contents: "export { default as en } from './en.js';",
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/** `export const { a, b } = pkg;`: a CommonJS package's exports as ES module named exports. */
function cjsExports(pkg) {
  const names = Object.keys(createRequire(join(root, 'package.json'))(pkg));
  return `import m from '${pkg}';\nexport const { ${names.join(', ')} } = m;`;
}

async function vendored() {
  return Promise.all(
    Object.values(VENDORED).map(async ({ file, contents, plugins = [] }) => {
      const r = await build({
        stdin: { contents, resolveDir: root, loader: 'js' },
        outfile: join(outdir, 'vendor', file),
        plugins,
        ...BUNDLE,
        // A CommonJS package requires Node built-ins, which an ES module needs a `require` for.
        banner: { js: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);" },
      });
      return r.outputFiles[0];
    }),
  );
}

/** The sources import each other as `./x.ts` (tsx, vitest and tsc read them so); the compiled files are `.js`,
 * and vendored packages are imported from dist/vendor/. */
function jsImports(code, file) {
  let out = code.replace(/((?:\bfrom|\bimport\()\s*")(\.{1,2}\/[^"]*)\.ts"/g, '$1$2.js"');
  // loadEngine imports each engine's bundle (engineBundle below).
  if (file === join(outdir, 'engine', 'select.js'))
    out = out.replace(
      new RegExp(`(\\bimport\\(\\s*"\\./(?:${BUNDLED_ENGINES.join('|')})/engine)\\.js"`, 'g'),
      '$1.bundle.js"',
    );
  for (const [pkg, { file: vendor }] of Object.entries(VENDORED)) {
    let rel = relative(dirname(file), join(outdir, 'vendor', vendor))
      .split('\\')
      .join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    out = out.replaceAll(`from "${pkg}"`, `from "${rel}"`);
  }
  return out;
}

/** Command actions built as one file with the modules only they use (src/cli/actions/simulate.ts: 44 modules,
 * about 23 ms of CPU of a `simulate`'s start-up here). The others stay the one-file builds the bundle imports:
 * what the start-up (dist/cli/run.js, statically), an engine, or the action's own dynamic imports (the report)
 * load, so no module a process may load twice is copied into a bundle (a class would lose `instanceof`, a cache
 * its sharing), and the engines keep their top-level `const`s (see above). No bundled module may find data
 * through `import.meta.url` (the catalog and the traces are read by shared modules). */
const BUNDLED = ['cli/actions/simulate.ts'];
/** The engines built as one file each for the CLI (engineBundle below), and a path to one's entry module. */
const BUNDLED_ENGINES = ['analytic', 'flow', 'packet'];
const ENGINE_ENTRY = new RegExp(`engine/(?:${BUNDLED_ENGINES.join('|')})/engine\\.ts$`);
const STARTUP = 'cli/run.ts';
const ENGINES = [
  'engine/analytic/engine.ts',
  'engine/flow/engine.ts',
  'engine/packet/engine.ts',
  'engine/inference/index.ts',
];

/** The relative imports of a source file, static and dynamic; type-only ones are left out (erased). */
function srcImports(file) {
  const code = readFileSync(file, 'utf8');
  const out = { static: [], dynamic: [] };
  for (const m of code.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?\bfrom\s*'(\.[^']+)'|^import\s*'(\.[^']+)'/gm))
    out.static.push(join(dirname(file), m[1] ?? m[2]));
  for (const m of code.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) out.dynamic.push(join(dirname(file), m[1]));
  return out;
}

/** Every source `roots` load, statically and (unless `staticOnly`) through dynamic imports. */
function closure(roots, staticOnly = false) {
  const seen = new Set();
  const todo = [...roots];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    const i = srcImports(f);
    todo.push(...i.static, ...(staticOnly ? [] : i.dynamic));
  }
  return seen;
}

/** The bundled actions' text by output path. */
async function bundledActions() {
  const out = new Map();
  for (const entry of BUNDLED) {
    const file = join(src, entry);
    // What the action's own dynamic imports load runs in the same process: shared too.
    const dynamic = [...closure([file], true)].flatMap((f) => srcImports(f).dynamic);
    const shared = closure([...ENGINES.map((e) => join(src, e)), ...dynamic]);
    for (const f of closure([join(src, STARTUP)], true)) shared.add(f);
    shared.delete(file);
    const outfile = join(outdir, entry.replace(/\.ts$/, '.js'));
    const fromOut = (target) => {
      const rel = relative(dirname(outfile), target).split('\\').join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    };
    const r = await build({
      entryPoints: [file],
      outfile,
      ...BUNDLE,
      plugins: [
        {
          name: 'shared-modules-external',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (a) => {
              if (a.kind === 'entry-point') return undefined;
              const vendor = VENDORED[a.path];
              if (vendor) return { path: fromOut(join(outdir, 'vendor', vendor.file)), external: true };
              if (!a.path.startsWith('.')) return { path: a.path, external: true };
              const target = join(a.resolveDir, a.path);
              // An engine is imported as its bundle (engineBundle below), as dist/engine/select.js does.
              const js = ENGINE_ENTRY.test(target) ? '.bundle.js' : '.js';
              if (a.kind === 'dynamic-import' || shared.has(target))
                return { path: fromOut(join(outdir, relative(src, target))).replace(/\.ts$/, js), external: true };
              return undefined;
            });
          },
        },
      ],
    });
    out.set(outfile, r.outputFiles[0].text);
  }
  return out;
}

/**
 * One engine's built modules (dist/engine/<name>/ and dist/engine/core/) as one file, with rolldown (vite's
 * bundler, a development dependency at vite's version), which keeps top-level `const`, unlike esbuild (see above).
 * Importing the packet engine's 54 modules took 27 ms of CPU here, the bundle 5.5. What lies outside those two
 * folders stays the shared one-file module. The CLI loads one engine per process (src/engine/select.ts); the
 * library, tests and sweeps import the one-file modules (src/engine/index.ts).
 */
async function engineBundle(name, outfile) {
  const { rolldown } = await import('rolldown');
  const inside = [join(outdir, 'engine', name, '/'), join(outdir, 'engine', 'core', '/')];
  const bundle = await rolldown({
    input: join(outdir, 'engine', name, 'engine.js'),
    platform: 'node',
    logLevel: 'silent',
    external: (id, importer) => {
      if (!id.startsWith('.') && !id.startsWith('/')) return true;
      const p = id.startsWith('/') ? id : join(dirname(importer), id);
      return !inside.some((dir) => p.startsWith(dir));
    },
  });
  const { output } = await bundle.generate({
    format: 'esm',
    paths: (id) => {
      if (!id.startsWith('/')) return id;
      const rel = relative(dirname(outfile), id).split('\\').join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    },
  });
  await bundle.close();
  return output[0].code;
}

const sources = readdirSync(src, { recursive: true })
  .map((f) => join(src, f))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const result = await build({
  entryPoints: sources,
  outdir,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  plugins: [prebuiltSchema(await schemaText())],
});
// The bundled commands replace their one-file builds.
const bundles = await bundledActions();
const outputs = result.outputFiles.map((f) => ({
  path: f.path,
  text: bundles.get(f.path) ?? jsImports(f.text, f.path),
}));
// Only changed files are written and only files of an older build removed, so a build that changes nothing
// changes nothing on disk, and a CLI running from dist/ meanwhile is not disturbed.
const keep = new Set();
/** Writes a file of this build unless it holds `text` already, and keeps it from the pruning below. */
function writeKept(path, text) {
  keep.add(path);
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}
for (const f of [...outputs, ...(await vendored())]) writeKept(f.path, f.text);
// Each engine as one file for the CLI: dist/engine/<name>/engine.bundle.js, which loadEngine imports.
for (const name of BUNDLED_ENGINES) {
  const f = join(outdir, 'engine', name, 'engine.bundle.js');
  writeKept(f, await engineBundle(name, f));
}
// The built-in catalog's YAML parsed once here: src/catalog/index.ts reads a file from it while its text is the
// same (parsing the YAML took 150-250 ms of every command's start-up).
const parsedPath = join(outdir, 'catalog', 'parsed.json');
const { builtinParsed } = await import(pathToFileURL(join(outdir, 'catalog', 'index.js')).href);
const parsedText = `${JSON.stringify(builtinParsed())}\n`;
writeKept(parsedPath, parsedText);
for (const name of readdirSync(outdir, { recursive: true })) {
  const f = join(outdir, name);
  if (!keep.has(f) && statSync(f).isFile()) rmSync(f);
}
