import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';

/** The project root: the nearest folder above this file with a package.json (src/ or dist/src/). */
function projectRoot(from: string): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) {
      return process.cwd();
    }
    folder = parent;
  }
  return folder;
}

/** Where `npm run build` puts the web clients (Vite's output): dist/web. */
export const WEB_DIST = join(projectRoot(__dirname), 'dist', 'web');

export const WIDGET_FILE = join(WEB_DIST, 'widget.js');
export const CONSOLE_DIR = join(WEB_DIST, 'console');
export const CONSOLE_INDEX = join(CONSOLE_DIR, 'index.html');

/**
 * What answers GET /console/<rest>: the built file when there is one; for a path without an
 * extension (a route of the single-page app, e.g. /console/support) the app's index.html; for a
 * missing file, nothing. Paths that climb out of the console's folder are refused.
 */
export function consoleFileFor(rest: string): { file: string; isIndex: boolean } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  const file = normalize(join(CONSOLE_DIR, decoded));
  if (file !== CONSOLE_DIR && !file.startsWith(CONSOLE_DIR + sep)) {
    return null;
  }
  if (file !== CONSOLE_DIR && statSync(file, { throwIfNoEntry: false })?.isFile()) {
    return { file, isIndex: file === CONSOLE_INDEX };
  }
  if (extname(decoded) !== '') {
    return null;
  }
  return existsSync(CONSOLE_INDEX) ? { file: CONSOLE_INDEX, isIndex: true } : null;
}
