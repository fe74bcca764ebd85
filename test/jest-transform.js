// Jest transformer: TypeScript's own compiler turns the project's TypeScript, and the ESM-only
// packages in node_modules (NestJS 12), into CommonJS that jest can load on Node 20.
// `import.meta.*` has no CommonJS form, so it is rewritten to the module's own file first,
// and an ESM module's own `createRequire` is dropped for CommonJS's `require`.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const ts = require('typescript');

// Any change to this file changes every cache key.
const TRANSFORM_SOURCE = readFileSync(__filename);
// ESM statements, import.meta, or a dynamic import() (which jest's CommonJS sandbox cannot run).
const ESM_SYNTAX = /^\s*(import|export)[\s{*]|import\.meta|\bimport\(/m;

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  allowJs: true,
  sourceMap: true,
  inlineSources: true,
};

function withoutImportMeta(source) {
  return (
    source
      // `const require = createRequire(import.meta.url)`: CommonJS already has its own `require`.
      .replace(/^\s*(const|let|var)\s+require\s*=\s*[^;\n]*createRequire\([^;\n]*;?/gm, '')
      // The same, minified (PGlite's Emscripten glue: `var require=e(C)` after importing
      // createRequire as `e`): a hoisted local `require` would shadow CommonJS's own.
      .replace(/\bvar require=([\w$]+)\(([\w$.]+)\)/g, 'void $1')
      .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/\bimport\.meta\.resolve\b/g, 'require.resolve')
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename')
  );
}

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha1')
      .update(TRANSFORM_SOURCE)
      .update(ts.version)
      .update(filename)
      .update(source)
      .digest('hex');
  },

  process(source, filename) {
    const isTypeScript = filename.endsWith('.ts');
    if (!isTypeScript && !ESM_SYNTAX.test(source)) {
      return { code: source };
    }
    const { outputText, sourceMapText } = ts.transpileModule(withoutImportMeta(source), {
      // .mjs/.cjs names would make TypeScript keep their module format: compile as .js.
      fileName: isTypeScript ? filename : filename.replace(/\.[cm]?js$/, '.js'),
      compilerOptions,
    });
    return { code: outputText, map: sourceMapText };
  },
};
