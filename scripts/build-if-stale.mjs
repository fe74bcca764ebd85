// Builds the service and its web clients (npm run build) only when dist/ is missing or older than
// what it is built from: `npm start` and `npm test` then start at once on a current build instead
// of rebuilding.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const SOURCES = [
  'src',
  'migrations',
  'web',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];
/** What one build writes: the oldest of them must be newer than every source. */
const OUTPUTS = [
  join('dist', 'src', 'main.js'),
  join('dist', 'web', 'widget.js'),
  join('dist', 'web', 'console', 'index.html'),
];

/** The newest modification time under `path` (a file or a directory). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return readdirSync(path).reduce(
    (latest, name) => Math.max(latest, newest(join(path, name))),
    stat.mtimeMs,
  );
}

/** Builds when the build is not current; the build's exit status (0 when none was needed). */
export function buildIfStale() {
  const built = OUTPUTS.map((output) => statSync(join(root, output), { throwIfNoEntry: false }));
  const changed = Math.max(...SOURCES.map((source) => newest(join(root, source))));
  if (built.every((stat) => stat && stat.mtimeMs >= changed)) {
    return 0;
  }
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(buildIfStale());
}
