/** The error codes of the public contract (top of api.graphql). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  END_USER_OFFLINE = 'END_USER_OFFLINE',
  ALREADY_UNDER_CONTROL = 'ALREADY_UNDER_CONTROL',
  BOT_PAUSED = 'BOT_PAUSED',
  NOT_IN_CONTROL = 'NOT_IN_CONTROL',
  REQUEST_CLOSED = 'REQUEST_CLOSED',
  RATE_LIMITED = 'RATE_LIMITED',
  /** PostgreSQL or Redis did not answer in time: nothing changed, retry after `retryAfter`. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export type ErrorExtensions = Record<string, string | number | boolean | null | string[]>;

/**
 * An expected failure of an operation, told to the client as it is: the message and the
 * extensions are public. Anything else thrown is an internal error and is masked.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: ErrorExtensions = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static unauthenticated(message = 'Authentication required'): AppError {
    return new AppError(ErrorCode.UNAUTHENTICATED, message);
  }

  static forbidden(message = 'You are not allowed to do this'): AppError {
    return new AppError(ErrorCode.FORBIDDEN, message);
  }

  /** `what` is the public name of the resource, e.g. "Bot". */
  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  /** `field` is the input path at fault, e.g. "input.timeZone". */
  static badInput(
    field: string | null,
    message: string,
    extensions: ErrorExtensions = {},
  ): AppError {
    return new AppError(
      ErrorCode.BAD_USER_INPUT,
      message,
      field === null ? extensions : { field, ...extensions },
    );
  }

  /** Refused by a rate limit: nothing changed; the same call is accepted after `retryAfter` s. */
  static rateLimited(retryAfterSeconds: number): AppError {
    return new AppError(ErrorCode.RATE_LIMITED, 'Too many attempts; retry later', {
      retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }

  static conflict(message: string, extensions: ErrorExtensions = {}): AppError {
    return new AppError(ErrorCode.CONFLICT, message, extensions);
  }
}
