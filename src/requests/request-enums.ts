import { registerEnumType } from '@nestjs/graphql';

export enum RequestStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum ControlMode {
  BOT = 'BOT',
  /** An agent has control: the bot is paused. */
  HUMAN = 'HUMAN',
}

export enum MessageAuthor {
  END_USER = 'END_USER',
  BOT = 'BOT',
  AGENT = 'AGENT',
  SYSTEM = 'SYSTEM',
}

export enum SystemNotice {
  AGENT_JOINED = 'AGENT_JOINED',
  AGENT_LEFT = 'AGENT_LEFT',
}

registerEnumType(RequestStatus, { name: 'RequestStatus' });
registerEnumType(ControlMode, { name: 'ControlMode' });
registerEnumType(MessageAuthor, { name: 'MessageAuthor' });
registerEnumType(SystemNotice, { name: 'SystemNotice' });
