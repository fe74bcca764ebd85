/** What a failed call gives the user to read: the code of the API, and plain words for it. */
export interface Problem {
  code: string;
  words: string;
}

/** The API's error codes (api.graphql) in plain words, for people rather than programs. */
const WORDS: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: 'Your role does not allow this.',
  NOT_FOUND: 'This no longer exists, or you cannot see it.',
  BAD_USER_INPUT: 'Please check what you entered.',
  CONFLICT: 'Someone changed this at the same time. Please try again.',
  END_USER_OFFLINE: 'The user is offline',
  ALREADY_UNDER_CONTROL: 'Another agent already has control of this conversation',
  BOT_PAUSED: 'The bot is paused while a person has control',
  NOT_IN_CONTROL: 'You no longer have control of this conversation',
  REQUEST_CLOSED: 'This request is closed',
  RATE_LIMITED: 'Too many attempts. Please wait a moment and try again.',
  SERVICE_UNAVAILABLE: 'Switchboard is busy. Please try again in a moment.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server.',
  NETWORK: 'Switchboard cannot be reached. Check your connection.',
};

interface ErrorLike {
  networkError?: unknown;
  graphQLErrors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * The first problem of an urql error. BAD_USER_INPUT keeps the service's own sentence, which says
 * which value is wrong and why; every other code gets its plain words.
 */
export function problemOf(error: ErrorLike | undefined | null): Problem | null {
  if (!error) {
    return null;
  }
  const first = error.graphQLErrors?.[0];
  if (!first) {
    return error.networkError ? { code: 'NETWORK', words: WORDS.NETWORK } : null;
  }
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'UNKNOWN';
  if (code === 'BAD_USER_INPUT' && first.message) {
    return { code, words: first.message };
  }
  return { code, words: WORDS[code] ?? WORDS.INTERNAL_SERVER_ERROR };
}

/** Whether trying the same call again later may succeed (and changes nothing twice). */
export function isRetryable(problem: Problem): boolean {
  return ['NETWORK', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'].includes(
    problem.code,
  );
}
