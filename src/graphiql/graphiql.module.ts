import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import accepts from 'accepts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GRAPHQL_PATH } from '../common/graphql/graphql.options';
import { AppConfig } from '../config/app-config';
import { GRAPHIQL_PAGE } from './graphiql-page';
import { GraphiqlController } from './graphiql.controller';

/** What Apollo answers besides HTML: a GET preferring these still goes to it. */
const GRAPHQL_MEDIA_TYPES = [
  'application/json',
  'application/graphql-response+json',
  'multipart/mixed',
  'text/html',
];

/** Serves the GraphiQL page to a browser (a GET that prefers HTML, as Apollo decides it). */
function graphiqlPage(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  if (accepts(request).type(GRAPHQL_MEDIA_TYPES) !== 'text/html') {
    next();
    return;
  }
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache');
  response.statusCode = 200;
  response.end(GRAPHIQL_PAGE);
}

/**
 * Development only: a browser opening /graphql gets GraphiQL, served entirely by the service
 * (works offline), with queries and mutations over HTTP and subscriptions over graphql-ws. In
 * production there is no IDE and no landing page: this module serves nothing, and Apollo's
 * landing page is disabled.
 */
@Module({})
export class GraphiqlModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GraphiqlModule,
      controllers: config.isProduction ? [] : [GraphiqlController],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.config.isProduction) {
      consumer.apply(graphiqlPage).forRoutes({ path: GRAPHQL_PATH, method: RequestMethod.GET });
    }
  }
}
