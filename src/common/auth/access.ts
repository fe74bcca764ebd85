import { SetMetadata } from '@nestjs/common';
import { BotRole } from './bot-role';

/** The kinds of resource whose bot the access guard can find. */
export type TargetKind =
  | 'bot'
  | 'availabilitySlot'
  | 'availabilityOverride'
  | 'story'
  | 'request'
  | 'liveConversation'
  | 'webhook'
  | 'webhookDelivery';

/** Picks the target of an operation out of its GraphQL arguments. */
export type TargetPicker = (args: Record<string, unknown>) => { kind: TargetKind; id: unknown };

/**
 * One way to be allowed to call an operation. An operation lists every way; the caller needs one.
 * - anyone: no credential needed;
 * - account: any signed-in Administrator or Support Agent (account token);
 * - anyEndUser: any end user (end-user token), acting on its own bot;
 * - member: an account with one of `roles` on the bot of the target;
 * - endUser: an end user of the bot of the target (and, for targets an end user owns, its owner);
 * - botEngine: the bot engine of the bot of the target.
 */
export type AccessRule =
  | { who: 'anyone' }
  | { who: 'account' }
  | { who: 'anyEndUser' }
  | { who: 'member'; roles: readonly BotRole[]; target: TargetPicker; targetLabel: string }
  | { who: 'endUser'; target: TargetPicker; targetLabel: string }
  | { who: 'botEngine'; target: TargetPicker; targetLabel: string };

export const ACCESS_METADATA = 'switchboard:access';

/**
 * Declares who may call a query, mutation or subscription. The access guard denies every
 * operation without a declaration, so an operation is closed until this says otherwise.
 */
export const Access = (...rules: AccessRule[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, rules);

/** Open to anyone, with or without credentials (register, login, the widget's session start). */
export const Public = (): MethodDecorator & ClassDecorator => Access({ who: 'anyone' });

/** A target given by an argument holding its id: `target('bot', 'botId')`. */
export function target(kind: TargetKind, argument: string): { pick: TargetPicker; label: string } {
  return { pick: (args) => ({ kind, id: args[argument] }), label: `${kind}(${argument})` };
}

type Target = ReturnType<typeof target>;

export const signedInAccount = (): AccessRule => ({ who: 'account' });

export const signedInEndUser = (): AccessRule => ({ who: 'anyEndUser' });

export const membersOf = (roles: readonly BotRole[], of: Target): AccessRule => ({
  who: 'member',
  roles,
  target: of.pick,
  targetLabel: of.label,
});

/** ADMINISTRATORs of the target's bot. */
export const administratorsOf = (of: Target): AccessRule => membersOf([BotRole.ADMINISTRATOR], of);

/** ADMINISTRATORs and SUPPORT_AGENTs of the target's bot. */
export const operatorsOf = (of: Target): AccessRule =>
  membersOf([BotRole.ADMINISTRATOR, BotRole.SUPPORT_AGENT], of);

export const endUsersOf = (of: Target): AccessRule => ({
  who: 'endUser',
  target: of.pick,
  targetLabel: of.label,
});

export const botEngineOf = (of: Target): AccessRule => ({
  who: 'botEngine',
  target: of.pick,
  targetLabel: of.label,
});

/** A one-line, human-readable form of a rule, for the access inventory. */
export function describeRule(rule: AccessRule): string {
  switch (rule.who) {
    case 'anyone':
      return 'anyone';
    case 'account':
      return 'any account';
    case 'anyEndUser':
      return 'any END_USER';
    case 'member':
      return `${rule.roles.join('|')} of ${rule.targetLabel}`;
    case 'endUser':
      return `END_USER of ${rule.targetLabel}`;
    case 'botEngine':
      return `BOT_ENGINE of ${rule.targetLabel}`;
  }
}
