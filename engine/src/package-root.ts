import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder, found from this file both in the sources and in dist/. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'asconfig.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('gridcode: cannot find the project folder (asconfig.json) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
})();
