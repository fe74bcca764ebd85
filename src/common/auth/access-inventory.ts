import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_METADATA, AccessRule, describeRule } from './access';

/** Metadata keys @nestjs/graphql sets on @Query/@Mutation/@Subscription handlers. */
const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export interface OperationAccess {
  /** "Mutation.updateBot" */
  operation: string;
  /** One entry per rule, e.g. "ADMINISTRATOR of bot(id)"; empty when undeclared (closed). */
  allowed: string[];
}

/**
 * Lists every root operation with who may call it, read from the same declarations the guard
 * enforces. The access test compares it to the expected table, so a change of access is a diff;
 * at boot, an operation without a declaration is reported (the guard keeps it closed).
 */
@Injectable()
export class AccessInventory implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccessInventory.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    for (const { operation, allowed } of this.list()) {
      if (allowed.length === 0) {
        this.logger.error(`${operation} has no access declaration: every call is refused`);
      }
    }
  }

  list(): OperationAccess[] {
    const operations: OperationAccess[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.metatype) {
        continue;
      }
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method] as () => unknown;
        const type = Reflect.getMetadata(RESOLVER_TYPE, handler) as string | undefined;
        if (!type || !ROOT_TYPES.has(type)) {
          continue;
        }
        const name = (Reflect.getMetadata(RESOLVER_NAME, handler) as string | undefined) ?? method;
        const rules =
          this.reflector.getAllAndOverride<AccessRule[] | undefined>(ACCESS_METADATA, [
            handler,
            wrapper.metatype as () => unknown,
          ]) ?? [];
        operations.push({ operation: `${type}.${name}`, allowed: rules.map(describeRule) });
      }
    }
    return operations.sort((a, b) => a.operation.localeCompare(b.operation));
  }
}
