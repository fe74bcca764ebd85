/**
 * Every topic of the pub/sub, in one place. A topic is one resource's stream (never one global
 * topic filtered per subscriber); with Redis each topic is one channel, `<REDIS_PREFIX><topic>`.
 */
export const Topics = {
  /** `conversationEvents` of one request. */
  conversation: (requestId: string): string => `conversation:${requestId}`,
  /** `requestsChanged` of one bot. */
  requests: (botId: string): string => `requests:${botId}`,
  /** `botEvents` of one bot (its bot engine). */
  botEvents: (botId: string): string => `bot-events:${botId}`,
  /** `liveConversationsChanged` of one bot. */
  liveConversations: (botId: string): string => `live-conversations:${botId}`,
  /**
   * A committed edit of one bot's availability (slots, overrides, time zone, unavailability):
   * every instance whose subscribers watch the bot recomputes its support status and tells them
   * (slot and override edges are timed by each instance itself). Also `{ counts: true }` when its
   * counts may have moved (a member online or offline, a request queued, taken or closed): each
   * such instance recounts, coalesced.
   */
  supportStatus: (botId: string): string => `support-status:${botId}`,
  /**
   * Any committed edit of any bot's availability, heard by every instance: each drops the bot's
   * cached support status (`supportStatus` is answered from that cache).
   */
  supportStatusEdits: (): string => 'support-status-edits',
  /** An account stopped being a member of a bot: its subscriptions to the bot end everywhere. */
  membershipRevoked: (botId: string, accountId: string): string =>
    `membership-revoked:${botId}:${accountId}`,
  /** Any change of a membership: evicts the role cache of every instance. */
  membershipChanged: (): string => 'membership-changed',
  /** An end user came online or went offline (published once per change, by one instance). */
  presenceChanged: (): string => 'presence-changed',
} as const;
