import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, Lexer, Source, TokenKind, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../errors/app-error';

/** Which limit refused an operation, in `extensions.limit`. */
export type LimitName = 'depth' | 'aliases' | 'tokens';

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
}

/** The error of a refused operation: BAD_USER_INPUT naming the limit. */
export function limitError(limit: LimitName, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, limit, http: { status: 400 } },
  });
}

/**
 * Whether a document has more than `max` lexical tokens, counted before anything parses it (so
 * a huge document costs a scan, never a syntax tree). Stops counting at the limit; a document
 * that does not even lex is left to the parser to refuse.
 */
export function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      tokens += 1;
      if (tokens > max) {
        return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}

/** The token limit's refusal, or null when the document is within it. */
export function checkTokens(query: unknown, limits: GraphQLLimits): GraphQLError | null {
  return typeof query === 'string' && exceedsTokens(query, limits.maxTokens)
    ? limitError('tokens', `The document has more than ${limits.maxTokens} tokens`)
    : null;
}

/**
 * Validation rules for depth and aliases (graphql-armor's), reporting through the validation
 * context an error that names the limit instead of throwing out of validation.
 */
export function limitRules(limits: GraphQLLimits): ValidationRule[] {
  const reporting =
    (limit: LimitName) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      context?.reportError(limitError(limit, error.message.replace(/^Syntax Error: /, '')));
    };
  return [
    maxDepthRule({
      n: limits.maxDepth,
      propagateOnRejection: false,
      onReject: [reporting('depth')],
    }),
    maxAliasesRule({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [reporting('aliases')],
    }),
  ];
}
