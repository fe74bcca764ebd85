import { isRetryable, problemOf } from './errors';

const failure = (code: string, message = 'Something') => ({
  graphQLErrors: [{ message, extensions: { code } }],
});

describe('problemOf', () => {
  it('puts the API codes in plain words', () => {
    expect(problemOf(failure('END_USER_OFFLINE'))).toEqual({
      code: 'END_USER_OFFLINE',
      words: 'The user is offline',
    });
    expect(problemOf(failure('ALREADY_UNDER_CONTROL'))?.words).toBe(
      'Another agent already has control of this conversation',
    );
  });

  it("keeps the service's sentence for BAD_USER_INPUT, which names the wrong value", () => {
    expect(problemOf(failure('BAD_USER_INPUT', 'endTime must be after startTime'))?.words).toBe(
      'endTime must be after startTime',
    );
  });

  it('tells a network failure apart, and nothing from no error', () => {
    expect(problemOf({ networkError: new Error('offline') })?.code).toBe('NETWORK');
    expect(problemOf(undefined)).toBeNull();
  });

  it('retries only what a retry may cure', () => {
    expect(isRetryable({ code: 'RATE_LIMITED', words: '' })).toBe(true);
    expect(isRetryable({ code: 'NETWORK', words: '' })).toBe(true);
    expect(isRetryable({ code: 'FORBIDDEN', words: '' })).toBe(false);
  });
});
