import { Global, Injectable, Module } from '@nestjs/common';
import { Principal } from '../auth/principal';

export type ConnectionListener = (principal: Principal) => Promise<void>;

/**
 * Lets domain modules react when a graphql-ws connection is accepted or closes (end-user
 * presence), without the GraphQL wiring depending on them.
 */
@Injectable()
export class ConnectionHooks {
  private readonly opened: ConnectionListener[] = [];
  private readonly closed: ConnectionListener[] = [];

  onOpen(listener: ConnectionListener): void {
    this.opened.push(listener);
  }

  onClose(listener: ConnectionListener): void {
    this.closed.push(listener);
  }

  async open(principal: Principal): Promise<void> {
    await Promise.all(this.opened.map((listener) => listener(principal)));
  }

  async close(principal: Principal): Promise<void> {
    await Promise.all(this.closed.map((listener) => listener(principal)));
  }
}

@Global()
@Module({ providers: [ConnectionHooks], exports: [ConnectionHooks] })
export class ConnectionHooksModule {}
