import { Global, Module } from '@nestjs/common';
import { PresenceService } from './presence.service';

/**
 * End-user presence from graphql-ws connections, shared across instances through the
 * `PresenceStore` that the adapters module binds (in-process, or Redis with `REDIS_URL`).
 */
@Global()
@Module({ providers: [PresenceService], exports: [PresenceService] })
export class PresenceModule {}
