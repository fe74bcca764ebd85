import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The chat widget: one classic script, dist/web/widget.js, that any page can load. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  publicDir: false,
  // Library mode leaves process.env alone; the page has no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: false,
    minify: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src/widget/main.tsx'),
      formats: ['iife'],
      name: 'SwitchboardWidget',
      fileName: () => 'widget.js',
    },
  },
});
