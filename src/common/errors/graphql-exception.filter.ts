import { ArgumentsHost, Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every exception thrown in a resolver, guard or pipe back to GraphQL untouched, so that
 * `formatError` is the single place that maps it to a contract code (and logs what is
 * unexpected). Without it, Nest would log expected refusals as errors.
 */
@Catch()
export class GraphQLExceptionFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): unknown {
    return exception;
  }
}
