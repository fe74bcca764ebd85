import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The agent console: a single-page app served by the service under /console/. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/console'),
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web/console'),
    emptyOutDir: true,
    target: 'es2020',
  },
});
