import { WebhookEventType } from './webhook-event-type';

/** A request as a webhook tells it (REQUEST_OPENED, REQUEST_CLOSED). */
export interface WebhookRequestData {
  id: string;
  endUserId: string;
  status: string;
  controlMode: string;
  awaitingHuman: boolean;
}

/** A message as a webhook tells it (MESSAGE_POSTED); `createdAt` in ISO 8601, UTC. */
export interface WebhookMessageData {
  id: string;
  seq: number;
  author: string;
  text: string;
  notice: string | null;
  clientMessageId: string | null;
  createdAt: string;
}

/** A live conversation as a webhook tells it (CONTROL_*). */
export interface WebhookLiveConversationData {
  id: string;
  agentId: string;
  status: string;
  /** Why it ended; null while it is active (or where the service records no reason). */
  endReason: string | null;
}

/**
 * The typed event map: the body's `data` of each event type (OPERATIONS.md, "Webhooks"). The
 * outbox only accepts, and receivers only ever see, these shapes.
 */
export interface WebhookEventData {
  [WebhookEventType.REQUEST_OPENED]: { request: WebhookRequestData };
  [WebhookEventType.REQUEST_CLOSED]: { request: WebhookRequestData };
  [WebhookEventType.MESSAGE_POSTED]: { requestId: string; message: WebhookMessageData };
  [WebhookEventType.CONTROL_TAKEN]: {
    requestId: string;
    liveConversation: WebhookLiveConversationData;
  };
  [WebhookEventType.CONTROL_RELEASED]: {
    requestId: string;
    liveConversation: WebhookLiveConversationData;
  };
  [WebhookEventType.CONTROL_TRANSFERRED]: {
    requestId: string;
    /** The new live conversation. */
    liveConversation: WebhookLiveConversationData;
    previousLiveConversationId: string;
  };
}

/** One event as written to the outbox. */
export interface OutboxEvent<T extends WebhookEventType = WebhookEventType> {
  botId: string;
  type: T;
  data: WebhookEventData[T];
  occurredAt: Date;
}

/** The JSON body POSTed to a receiver; serialised once per attempt and signed as sent. */
export function webhookBody(event: {
  id: string;
  type: WebhookEventType;
  botId: string;
  occurredAt: Date;
  data: unknown;
}): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    botId: event.botId,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  });
}

/** `data.request` of REQUEST_OPENED and REQUEST_CLOSED. */
export function requestData(request: WebhookRequestData): WebhookRequestData {
  return {
    id: request.id,
    endUserId: request.endUserId,
    status: request.status,
    controlMode: request.controlMode,
    awaitingHuman: request.awaitingHuman,
  };
}

/** `data` of MESSAGE_POSTED. */
export function messageData(message: {
  id: string;
  requestId: string;
  seq: number;
  author: string;
  text: string;
  notice: string | null;
  clientMessageId: string | null;
  createdAt: Date;
}): WebhookEventData[WebhookEventType.MESSAGE_POSTED] {
  return {
    requestId: message.requestId,
    message: {
      id: message.id,
      seq: message.seq,
      author: message.author,
      text: message.text,
      notice: message.notice,
      clientMessageId: message.clientMessageId,
      createdAt: message.createdAt.toISOString(),
    },
  };
}

/** `data.liveConversation` of the CONTROL_* events. */
export function liveConversationData(liveConversation: {
  id: string;
  agentId: string;
  status: string;
  endReason?: string | null;
}): WebhookLiveConversationData {
  return {
    id: liveConversation.id,
    agentId: liveConversation.agentId,
    status: liveConversation.status,
    endReason: liveConversation.endReason ?? null,
  };
}
