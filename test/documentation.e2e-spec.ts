import { GraphQLSchemaHost } from '@nestjs/graphql';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchema, Source, parse, validate } from 'graphql';
import { TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');

/** README.md and every other Markdown file the repository tracks (docs, bench notes). */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

interface DocumentedOperation {
  /** Where it was found, e.g. "README.md:152". */
  where: string;
  document: string;
}

const FENCE = /^```(\w*)\n([\s\S]*?)^```/gm;
/** A "query": "..." JSON member (curl bodies) or a query: "..." JS property (graphql-ws). */
const QUERY_STRING = /"?query"?\s*:\s*"((?:[^"\\]|\\.)*)"/g;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every GraphQL document of `file`: ```graphql blocks, and the query strings of shell blocks. */
function operationsIn(file: string): DocumentedOperation[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: DocumentedOperation[] = [];
  for (const fence of text.matchAll(FENCE)) {
    const [, language, body] = fence;
    const start = fence.index + fence[0].indexOf('\n') + 1;
    if (language === 'graphql' || language === 'gql') {
      found.push({ where: `${file}:${lineOf(text, start)}`, document: body });
    } else {
      for (const query of body.matchAll(QUERY_STRING)) {
        found.push({
          where: `${file}:${lineOf(text, start + query.index)}`,
          document: JSON.parse(`"${query[1]}"`) as string,
        });
      }
    }
  }
  return found;
}

/** The problems of one documented operation against the served schema; none when it is valid. */
function problemsOf(schema: GraphQLSchema, operation: DocumentedOperation): string[] {
  try {
    return validate(schema, parse(new Source(operation.document, operation.where))).map(
      (error) => `${operation.where}: ${error.message}`,
    );
  } catch (error) {
    return [`${operation.where}: ${(error as Error).message}`];
  }
}

describe('Documentation', () => {
  let app: TestApp;
  let schema: GraphQLSchema;
  const operations = markdownFiles().flatMap(operationsIn);

  beforeAll(async () => {
    app = await TestApp.start();
    schema = app.app.get(GraphQLSchemaHost).schema;
  });
  afterAll(() => app.close());

  it('finds the README walkthrough and console operations', () => {
    const inReadme = operations.filter((operation) => operation.where.startsWith('README.md:'));
    const names = inReadme.flatMap((operation) =>
      [
        ...operation.document.matchAll(
          /\b(register|createBot|takeControl|conversationEvents|supportStatusChanged)\b/g,
        ),
      ].map((match) => match[1]),
    );
    expect(inReadme.length).toBeGreaterThanOrEqual(12);
    expect(new Set(names)).toEqual(
      new Set([
        'register',
        'createBot',
        'takeControl',
        'conversationEvents',
        'supportStatusChanged',
      ]),
    );
  });

  it('documents only operations that validate against the served schema', () => {
    expect(operations.flatMap((operation) => problemsOf(schema, operation))).toEqual([]);
  });

  it('shows a walkthrough that follows PORT or BASE_URL rather than a fixed port', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const walkthrough = readme.slice(readme.indexOf('### Walkthrough'));
    const shell = [...walkthrough.matchAll(FENCE)].map((fence) => fence[2]).join('\n');
    expect(shell).not.toMatch(/localhost:\d+/);
    expect(shell).toContain('$BASE_URL/graphql');
  });
});
