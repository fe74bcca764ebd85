import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from './app-error';
import { formatError } from './format-error';

/** What graphql-js does with an error thrown in a resolver. */
function thrownInResolver(error: Error): GraphQLError {
  return new GraphQLError(error.message, { path: ['bot'], originalError: error });
}

describe('formatError', () => {
  it('keeps the code, message and extensions of an expected failure', () => {
    const error = thrownInResolver(AppError.badInput('input.timeZone', 'bad zone', { hint: 'x' }));
    expect(formatError(error.toJSON(), error)).toEqual({
      message: 'bad zone',
      path: ['bot'],
      locations: undefined,
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.timeZone', hint: 'x' },
    });
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR without leaking its message', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = thrownInResolver(new Error('connection to 10.0.0.5 refused, password=hunter2'));
    const formatted = formatError(error.toJSON(), error);
    expect(formatted.extensions).toEqual({ code: ErrorCode.INTERNAL_SERVER_ERROR });
    expect(JSON.stringify(formatted)).not.toMatch(/10\.0\.0\.5|hunter2/);
  });

  it('turns an untranslated unique violation into CONFLICT', () => {
    const violation = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('dup'), { code: '23505' }),
    );
    const error = thrownInResolver(violation);
    expect(formatError(error.toJSON(), error).extensions).toEqual({ code: ErrorCode.CONFLICT });
  });

  it('treats request-level errors (parse, validation, variables) as BAD_USER_INPUT', () => {
    const parse = new GraphQLError('Syntax Error', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    const variable = new GraphQLError('Variable "$r" got invalid value', {
      originalError: new GraphQLError('Value "OWNER" does not exist in "BotRole" enum.'),
    });
    for (const error of [parse, variable]) {
      expect(formatError(error.toJSON(), error).extensions).toEqual({
        code: ErrorCode.BAD_USER_INPUT,
      });
    }
  });

  it('masks an execution error raised by graphql-js itself (a null in a non-null field)', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = new GraphQLError('Cannot return null for non-nullable field Bot.name.', {
      path: ['bot', 'name'],
    });
    expect(formatError(error.toJSON(), error).extensions).toEqual({
      code: ErrorCode.INTERNAL_SERVER_ERROR,
    });
  });
});
