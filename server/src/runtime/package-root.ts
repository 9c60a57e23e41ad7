import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ServerPackage {
  /** The directory holding the server's package.json (the `server/` folder of the repository). */
  dir: string;
  version: string;
}

let found: ServerPackage | undefined;

/**
 * The server package, found by walking up from this module's file. A fixed relative path would break: the same code
 * runs from src/ (tests), from tsc's dist/ tree (the CLI) and from the bundle's entry or one of its chunks (`npm start`),
 * each at a different depth below the package.
 */
export function serverPackage(): ServerPackage {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@tandem/server') return (found = { dir, version: pkg.version ?? '0.0.0' });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the @tandem/server package.json was not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
