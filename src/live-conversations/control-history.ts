import { LiveConversationEndReason } from './live-conversation.entity';

/** The kinds of change of control of a request, in `UserRequest.controlHistory`. */
export enum ControlChangeKind {
  TAKEN = 'TAKEN',
  TRANSFERRED = 'TRANSFERRED',
  RELEASED = 'RELEASED',
  AUTO_RELEASED = 'AUTO_RELEASED',
  REQUEST_CLOSED = 'REQUEST_CLOSED',
  MEMBER_REMOVED = 'MEMBER_REMOVED',
}

/** What the history needs of one live conversation row. */
export interface ControlSpan {
  id: string;
  agentId: string;
  startedAt: Date;
  endedAt: Date | null;
  endReason: LiveConversationEndReason | null;
  endedById: string | null;
  transferredToId: string | null;
}

export interface ControlChangeRecord<T extends ControlSpan> {
  at: Date;
  kind: ControlChangeKind;
  /** Who had control before; null for TAKEN. */
  fromId: string | null;
  /** Who has control after; null when control went back to the bot. */
  toId: string | null;
  /** Who made the change; null when automatic or the end user closed the request. */
  byId: string | null;
  /** TAKEN, TRANSFERRED: the live conversation that started; else the one that ended. */
  liveConversation: T;
}

const ENDING_KIND: Record<
  Exclude<LiveConversationEndReason, LiveConversationEndReason.TRANSFERRED>,
  ControlChangeKind
> = {
  [LiveConversationEndReason.RELEASED]: ControlChangeKind.RELEASED,
  [LiveConversationEndReason.AUTO_RELEASED]: ControlChangeKind.AUTO_RELEASED,
  [LiveConversationEndReason.REQUEST_CLOSED]: ControlChangeKind.REQUEST_CLOSED,
  [LiveConversationEndReason.MEMBER_REMOVED]: ControlChangeKind.MEMBER_REMOVED,
};

/**
 * Every change of control of one request, oldest first, derived from its live conversations
 * (so it cannot disagree with them): each one not started by a transfer was TAKEN by its agent;
 * each ending is one change, a TRANSFERRED one naming the live conversation it started. Changes
 * at the same instant keep the order in which they happened (an ending before what follows it).
 */
export function controlHistory<T extends ControlSpan>(
  spans: readonly T[],
): ControlChangeRecord<T>[] {
  const byId = new Map(spans.map((span) => [span.id, span]));
  const startedByTransfer = new Set(
    spans.map((span) => span.transferredToId).filter((id): id is string => id !== null),
  );
  const ordered = [...spans].sort(
    (a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id),
  );
  const changes: { change: ControlChangeRecord<T>; order: number }[] = [];
  ordered.forEach((span, index) => {
    // Within one instant, a span's start comes before its end, and both after earlier spans'.
    const order = index * 2;
    if (!startedByTransfer.has(span.id)) {
      changes.push({
        order,
        change: {
          at: span.startedAt,
          kind: ControlChangeKind.TAKEN,
          fromId: null,
          toId: span.agentId,
          byId: span.agentId,
          liveConversation: span,
        },
      });
    }
    if (span.endReason === null || span.endedAt === null) {
      return;
    }
    const successor =
      span.endReason === LiveConversationEndReason.TRANSFERRED && span.transferredToId
        ? byId.get(span.transferredToId)
        : undefined;
    if (span.endReason === LiveConversationEndReason.TRANSFERRED) {
      if (!successor) {
        // The live conversation it was handed to is gone (its agent's account was deleted).
        return;
      }
      changes.push({
        order: order + 1,
        change: {
          at: span.endedAt,
          kind: ControlChangeKind.TRANSFERRED,
          fromId: span.agentId,
          toId: successor.agentId,
          byId: span.endedById,
          liveConversation: successor,
        },
      });
      return;
    }
    changes.push({
      order: order + 1,
      change: {
        at: span.endedAt,
        kind: ENDING_KIND[span.endReason],
        fromId: span.agentId,
        toId: null,
        byId: span.endedById,
        liveConversation: span,
      },
    });
  });
  return changes
    .sort((a, b) => a.change.at.getTime() - b.change.at.getTime() || a.order - b.order)
    .map(({ change }) => change);
}
