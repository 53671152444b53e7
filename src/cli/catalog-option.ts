// The catalog a command runs with: the built-in one, the scenario's `catalog:` files, then each `--catalog FILE`.
import { resolve } from 'node:path';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { scenarioCatalogFiles } from '../scenario/catalog-refs.ts';

/** A file named twice (in the scenario and by a flag) is read once, so it does not collide with itself. */
export function catalogFor(scenarioFile: string | undefined, flagFiles: readonly string[] = []): Catalog {
  const files = [...(scenarioFile ? scenarioCatalogFiles(scenarioFile) : []), ...flagFiles.map((f) => resolve(f))];
  return loadCatalog([...new Set(files)]);
}
