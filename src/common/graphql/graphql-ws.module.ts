import { Module } from '@nestjs/common';
import { GraphQLWsServer } from './graphql-ws.server';

/** graphql-ws on the GraphQL path, with the guards of long-lived sockets. */
@Module({ providers: [GraphQLWsServer], exports: [GraphQLWsServer] })
export class GraphQLWsModule {}
