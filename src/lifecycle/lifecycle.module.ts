import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown';

/** The instance's own state of life (stopping), read by readiness. */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
