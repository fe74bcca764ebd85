import { registerEnumType } from '@nestjs/graphql';

/** What a webhook can subscribe to; each is one kind of committed change (OPERATIONS.md). */
export enum WebhookEventType {
  REQUEST_OPENED = 'REQUEST_OPENED',
  REQUEST_CLOSED = 'REQUEST_CLOSED',
  MESSAGE_POSTED = 'MESSAGE_POSTED',
  CONTROL_TAKEN = 'CONTROL_TAKEN',
  CONTROL_RELEASED = 'CONTROL_RELEASED',
  CONTROL_TRANSFERRED = 'CONTROL_TRANSFERRED',
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'A kind of change a webhook is told about, once the change has committed.',
  valuesMap: {
    REQUEST_OPENED: { description: 'An end user opened a request. data: { request }.' },
    REQUEST_CLOSED: { description: 'A request was closed. data: { request }.' },
    MESSAGE_POSTED: {
      description:
        'A message was added to a request (end user, bot, agent, or a system notice). data: { requestId, message }.',
    },
    CONTROL_TAKEN: {
      description: 'A person took control of a request. data: { requestId, liveConversation }.',
    },
    CONTROL_RELEASED: {
      description:
        'Control went back to the bot (released, or ended with the request). data: { requestId, liveConversation }.',
    },
    CONTROL_TRANSFERRED: {
      description:
        'Control passed from one person to another. data: { requestId, liveConversation (the new one), previousLiveConversationId }.',
    },
  },
});

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesMap: {
    PENDING: { description: 'Waiting for its next attempt (or being attempted now).' },
    SUCCEEDED: { description: 'The receiver answered 2xx within the timeout.' },
    FAILED: { description: 'Every attempt of the retry schedule failed.' },
  },
});
