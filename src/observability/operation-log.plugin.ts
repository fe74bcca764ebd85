// The types @nestjs/apollo uses: Apollo Server's ESM declarations.
import type {
  ApolloServerPlugin,
  GraphQLRequestContextWillSendResponse,
} from '@apollo/server' with { 'resolution-mode': 'import' };
import { Logger, LoggerService } from '@nestjs/common';
import { getOperationAST } from 'graphql';
import { GraphQLContext } from '../common/graphql/graphql-context';
import { Metrics, OperationType } from './metrics';

/** Who called, as far as the access guard established it. */
export type CallerKind = 'account' | 'endUser' | 'botEngine' | 'anonymous';

/** The fields of an operation's log line: nothing a client sent beyond the operation's name. */
export interface OperationRecord {
  operation: string;
  type: OperationType;
  durationMs: number;
  caller: CallerKind;
  outcome: string;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/**
 * The access log of the API: one line per GraphQL operation over HTTP (graphql-ws operations
 * are recorded by `GraphQLWsServer` through `recordOperation`), request-level failures
 * (unparsable or invalid documents) included, and the operation counted in `Metrics`. The line
 * holds the operation's name, type, duration, caller kind and outcome code (the first error's
 * `extensions.code`, else OK); never variables, the document, headers or anything they carry.
 */
export function operationLogPlugin(
  metrics: Metrics,
  logger: LoggerService = new Logger('GraphQL'),
): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart() {
      const started = process.hrtime.bigint();
      return Promise.resolve({
        willSendResponse(requestContext) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          recordOperation(metrics, logger, recordOf(requestContext, seconds));
          return Promise.resolve();
        },
      });
    },
  };
}

/** Logs one operation's line and counts it (HTTP here; graphql-ws in `GraphQLWsServer`). */
export function recordOperation(
  metrics: Metrics,
  logger: LoggerService,
  record: OperationRecord,
): void {
  metrics.operation(record.operation, record.type, record.outcome, record.durationMs / 1000);
  logger.log(
    `${record.type} ${record.operation} ${record.outcome} in ${record.durationMs} ms`,
    record,
  );
}

function recordOf(
  {
    contextValue,
    document,
    operation,
    operationName,
    request,
    response,
  }: GraphQLRequestContextWillSendResponse<GraphQLContext>,
  seconds: number,
): OperationRecord {
  // A document that parsed but failed validation still says what it is. Before it parsed, the
  // name is only what the client claimed: kept if it is a GraphQL name.
  const claimed = request.operationName;
  const definition = operation ?? (document && getOperationAST(document, claimed));
  const name =
    operationName ??
    definition?.name?.value ??
    (claimed !== undefined && GRAPHQL_NAME.test(claimed) ? claimed : undefined);
  return {
    operation: name ?? 'anonymous',
    type: definition?.operation ?? 'unknown',
    durationMs: Math.round(seconds * 1000),
    caller:
      contextValue.access?.principal?.kind ?? contextValue.connectionPrincipal?.kind ?? 'anonymous',
    outcome: outcomeOf(response.body),
  };
}

type ResponseBody = GraphQLRequestContextWillSendResponse<GraphQLContext>['response']['body'];

function outcomeOf(body: ResponseBody | undefined): string {
  const errors = body?.kind === 'single' ? body.singleResult.errors : body?.initialResult.errors;
  if (!errors || errors.length === 0) {
    return 'OK';
  }
  const code = errors[0].extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
