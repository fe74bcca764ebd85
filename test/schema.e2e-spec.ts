import { GraphQLSchemaHost } from '@nestjs/graphql';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GraphQLSchema,
  buildSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { TestApp } from './support/test-app';

const SCHEMA_FILE = join(__dirname, '..', 'schema.gql');
const DESIGN_DIR =
  process.env.SWITCHBOARD_DESIGN_DIR ?? join(__dirname, '..', '..', 'shared', 'design');
const CONTRACT_FILE = join(DESIGN_DIR, 'api.graphql');
/** The contract's additions (contract/*.graphql) of the capabilities built so far. */
const BUILT_ADDITIONS = [
  'guards.graphql',
  'availability.graphql',
  'handoff.graphql',
  'webhooks.graphql',
];
const HEADER = '# Generated from the code by `npm run schema:generate`: do not edit.\n\n';

const BUILT_IN_SCALARS = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);

/** Every type, field, argument and enum value of `contract` missing or typed differently in `served`. */
function differences(contract: GraphQLSchema, served: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__') || BUILT_IN_SCALARS.has(type.name)) {
      continue;
    }
    const mine = served.getType(type.name);
    if (!mine) {
      found.push(`type ${type.name}`);
      continue;
    }
    if (isEnumType(type)) {
      const values = isEnumType(mine) ? mine.getValues().map((v) => v.name) : [];
      type
        .getValues()
        .forEach((v) => values.includes(v.name) || found.push(`${type.name}.${v.name}`));
    }
    if (isObjectType(type) || isInputObjectType(type)) {
      const fields = isObjectType(mine) || isInputObjectType(mine) ? mine.getFields() : {};
      for (const field of Object.values(type.getFields())) {
        const own = fields[field.name];
        if (!own) {
          found.push(`${type.name}.${field.name}`);
        } else if (String(own.type) !== String(field.type)) {
          found.push(
            `${type.name}.${field.name}: ${String(own.type)} instead of ${String(field.type)}`,
          );
        } else if ('args' in field && 'args' in own) {
          for (const arg of field.args) {
            const ownArg = own.args.find((a) => a.name === arg.name);
            if (!ownArg || String(ownArg.type) !== String(arg.type)) {
              found.push(`${type.name}.${field.name}(${arg.name}: ${String(arg.type)})`);
            }
          }
        }
      }
    }
  }
  return found;
}

describe('GraphQL schema', () => {
  let app: TestApp;
  let served: GraphQLSchema;

  beforeAll(async () => {
    app = await TestApp.start();
    served = app.app.get(GraphQLSchemaHost).schema;
  });
  afterAll(() => app.close());

  it('is what schema.gql says (run `npm run schema:generate` after changing the API)', () => {
    const generated = HEADER + printSchema(lexicographicSortSchema(served)) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') {
      writeFileSync(SCHEMA_FILE, generated);
    }
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  (existsSync(CONTRACT_FILE) ? it : it.skip)(
    'serves api.graphql and the additions built so far with the same names and types',
    () => {
      const contract = buildSchema(
        [CONTRACT_FILE, ...BUILT_ADDITIONS.map((file) => join(DESIGN_DIR, 'contract', file))]
          .map((file) => readFileSync(file, 'utf8'))
          .join('\n'),
      );
      expect(differences(contract, served)).toEqual([]);
    },
  );
});
