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

registerEnumType(RequestStatus, {
  name: 'RequestStatus',
  description: 'Whether a user request is still going on.',
  valuesMap: {
    OPEN: { description: 'Going on: messages may be sent.' },
    CLOSED: { description: 'Closed: sends answer REQUEST_CLOSED.' },
  },
});
registerEnumType(ControlMode, {
  name: 'ControlMode',
  description: 'Who answers the end user.',
  valuesMap: {
    BOT: { description: 'The bot (or its engine) has control.' },
    HUMAN: { description: 'An agent has control: the bot is paused.' },
  },
});
registerEnumType(MessageAuthor, {
  name: 'MessageAuthor',
  description: 'Who wrote a message.',
  valuesMap: {
    END_USER: { description: 'The end user.' },
    BOT: { description: 'The bot: a story step or the bot engine.' },
    AGENT: { description: 'The agent in control.' },
    SYSTEM: { description: 'Switchboard itself: a notice (see notice).' },
  },
});
registerEnumType(SystemNotice, {
  name: 'SystemNotice',
  description: 'A fixed notice posted by Switchboard, in the end user language.',
  valuesMap: {
    AGENT_JOINED: { description: 'An agent took control ("Ada joined the chat").' },
    AGENT_LEFT: { description: 'The agent handed control back ("Ada left the chat").' },
  },
});
