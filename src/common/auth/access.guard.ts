import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AppError } from '../errors/app-error';
import { GrantedAccess, GraphQLContext } from '../graphql/graphql-context';
import { ACCESS_METADATA, AccessRule } from './access';
import { Authenticator } from './authenticator';
import { BotAccessDirectory } from './bot-access.directory';
import { BotTargetRegistry } from './bot-target.registry';
import { Principal } from './principal';

type Verdict = { granted: GrantedAccess } | { refused: AppError };

/**
 * The one authorization gate of the API, for HTTP operations and graphql-ws subscriptions.
 *
 * Default-deny: an operation without an `@Access` declaration is refused. Otherwise the caller
 * must satisfy one of its rules. Refusals are thrown, never returned as `false`:
 * - no credential, or an invalid one: UNAUTHENTICATED;
 * - a credential of a kind the operation does not take (an end user on `me`): FORBIDDEN;
 * - a target that does not exist, or belongs to a bot the caller cannot see: NOT_FOUND, the
 *   same answer in both cases so that ids of other bots leak nothing;
 * - a member whose role is not enough: FORBIDDEN.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly directory: BotAccessDirectory,
    private readonly targets: BotTargetRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.reflector.getAllAndOverride<AccessRule[] | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (context.getType<string>() !== 'graphql') {
      // Plain HTTP routes (avatar images) are public resources or nothing.
      if (rules?.some((rule) => rule.who === 'anyone')) {
        return true;
      }
      throw new ForbiddenException();
    }
    const gql = GqlExecutionContext.create(context);
    if (!rules || rules.length === 0) {
      this.logger.error(
        `${gql.getInfo<{ fieldName: string }>().fieldName} has no access declaration`,
      );
      throw AppError.forbidden();
    }
    const ctx = gql.getContext<GraphQLContext>();
    if (rules.some((rule) => rule.who === 'anyone')) {
      ctx.access = { principal: undefined };
      return true;
    }
    const principal = await this.principalOf(ctx);
    const args = gql.getArgs<Record<string, unknown>>();

    let refusal: AppError | undefined;
    for (const rule of rules) {
      const verdict = await this.check(rule, principal, args);
      if (verdict === undefined) {
        continue;
      }
      if ('granted' in verdict) {
        ctx.access = verdict.granted;
        return true;
      }
      refusal ??= verdict.refused;
    }
    throw refusal ?? AppError.forbidden();
  }

  private async principalOf(ctx: GraphQLContext): Promise<Principal> {
    if (ctx.connectionPrincipal) {
      return ctx.connectionPrincipal;
    }
    const principal = await this.authenticator.authenticate(ctx.req?.headers.authorization);
    if (!principal) {
      throw principal === undefined
        ? AppError.unauthenticated()
        : AppError.unauthenticated('Invalid or expired credentials');
    }
    return principal;
  }

  /** `undefined` when the rule is not about this kind of caller. */
  private async check(
    rule: AccessRule,
    principal: Principal,
    args: Record<string, unknown>,
  ): Promise<Verdict | undefined> {
    switch (rule.who) {
      case 'anyone':
        return { granted: { principal } };
      case 'account':
        return principal.kind === 'account' ? { granted: { principal } } : undefined;
      case 'anyEndUser':
        return principal.kind === 'endUser'
          ? { granted: { principal, botId: principal.botId } }
          : undefined;
      case 'member': {
        if (principal.kind !== 'account') {
          return undefined;
        }
        const { kind, id } = rule.target(args);
        const location = await this.targets.locate(kind, id);
        const role = location && (await this.directory.roleOf(location.botId, principal.accountId));
        if (!location || !role) {
          return { refused: AppError.notFound(publicName(kind)) };
        }
        if (!rule.roles.includes(role)) {
          return { refused: AppError.forbidden(`This needs the role ${rule.roles.join(' or ')}`) };
        }
        return { granted: { principal, botId: location.botId, role } };
      }
      case 'endUser': {
        if (principal.kind !== 'endUser') {
          return undefined;
        }
        const { kind, id } = rule.target(args);
        const location = await this.targets.locate(kind, id);
        const owns =
          location !== null &&
          location.botId === principal.botId &&
          (location.endUserId === undefined || location.endUserId === principal.endUserId);
        return owns
          ? { granted: { principal, botId: location.botId } }
          : { refused: AppError.notFound(publicName(kind)) };
      }
      case 'botEngine': {
        if (principal.kind !== 'botEngine') {
          return undefined;
        }
        const { kind, id } = rule.target(args);
        const location = await this.targets.locate(kind, id);
        return location !== null && location.botId === principal.botId
          ? { granted: { principal, botId: location.botId } }
          : { refused: AppError.notFound(publicName(kind)) };
      }
    }
  }
}

const PUBLIC_NAMES: Record<string, string> = {
  bot: 'Bot',
  availabilitySlot: 'Availability slot',
  availabilityOverride: 'Availability override',
  story: 'Story',
  request: 'Request',
  liveConversation: 'Live conversation',
};

function publicName(kind: string): string {
  return PUBLIC_NAMES[kind] ?? kind;
}
