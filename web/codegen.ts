import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The operation types of the web clients, generated from the served schema (schema.gql) and the
 * operations written in web/src. The output is committed so that typecheck and lint work on a
 * fresh checkout; `npm run web:codegen -- --check` (run by CI) fails when it is out of date.
 */
const config: CodegenConfig = {
  schema: 'schema.gql',
  documents: ['web/src/**/*.ts', 'web/src/**/*.tsx', '!web/src/gql/**'],
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;
