import { ControlChangeKind, ControlSpan, controlHistory } from './control-history';
import { LiveConversationEndReason } from './live-conversation.entity';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute));

function span(
  id: string,
  agentId: string,
  started: number,
  ended: [number, LiveConversationEndReason, string | null, string?] | null = null,
): ControlSpan {
  return {
    id,
    agentId,
    startedAt: at(started),
    endedAt: ended ? at(ended[0]) : null,
    endReason: ended ? ended[1] : null,
    endedById: ended ? ended[2] : null,
    transferredToId: ended?.[3] ?? null,
  };
}

const summary = (spans: ControlSpan[]) =>
  controlHistory(spans).map((change) => [
    change.at.getUTCMinutes(),
    change.kind,
    change.fromId,
    change.toId,
    change.byId,
    change.liveConversation.id,
  ]);

describe('controlHistory', () => {
  it('is empty for a request never taken', () => {
    expect(controlHistory([])).toEqual([]);
  });

  it('tells a take, a transfer, a release and a second take, oldest first', () => {
    const spans = [
      span('c', 'ann', 30),
      span('b', 'bob', 10, [20, LiveConversationEndReason.RELEASED, 'bob']),
      span('a', 'ann', 0, [10, LiveConversationEndReason.TRANSFERRED, 'ann', 'b']),
    ];
    expect(summary(spans)).toEqual([
      [0, ControlChangeKind.TAKEN, null, 'ann', 'ann', 'a'],
      [10, ControlChangeKind.TRANSFERRED, 'ann', 'bob', 'ann', 'b'],
      [20, ControlChangeKind.RELEASED, 'bob', null, 'bob', 'b'],
      [30, ControlChangeKind.TAKEN, null, 'ann', 'ann', 'c'],
    ]);
  });

  it('names each ending by its reason, with nobody as `by` when it was automatic', () => {
    const spans = [
      span('a', 'ann', 0, [1, LiveConversationEndReason.AUTO_RELEASED, null]),
      span('b', 'ann', 2, [3, LiveConversationEndReason.MEMBER_REMOVED, 'admin']),
      span('c', 'bob', 4, [5, LiveConversationEndReason.REQUEST_CLOSED, null]),
    ];
    expect(summary(spans).map(([, kind, , to, by]) => [kind, to, by])).toEqual([
      [ControlChangeKind.TAKEN, 'ann', 'ann'],
      [ControlChangeKind.AUTO_RELEASED, null, null],
      [ControlChangeKind.TAKEN, 'ann', 'ann'],
      [ControlChangeKind.MEMBER_REMOVED, null, 'admin'],
      [ControlChangeKind.TAKEN, 'bob', 'bob'],
      [ControlChangeKind.REQUEST_CLOSED, null, null],
    ]);
  });

  it('keeps an ending before a takeover of the same instant', () => {
    const spans = [
      span('z', 'ann', 0, [5, LiveConversationEndReason.RELEASED, 'ann']),
      span('a', 'bob', 5),
    ];
    expect(summary(spans).map(([minute, kind]) => [minute, kind])).toEqual([
      [0, ControlChangeKind.TAKEN],
      [5, ControlChangeKind.RELEASED],
      [5, ControlChangeKind.TAKEN],
    ]);
  });

  it('chains transfers: each one is a single change naming the live conversation it started', () => {
    const spans = [
      span('a', 'ann', 0, [1, LiveConversationEndReason.TRANSFERRED, 'ann', 'b']),
      span('b', 'bob', 1, [2, LiveConversationEndReason.TRANSFERRED, 'admin', 'c']),
      span('c', 'cat', 2),
    ];
    expect(summary(spans)).toEqual([
      [0, ControlChangeKind.TAKEN, null, 'ann', 'ann', 'a'],
      [1, ControlChangeKind.TRANSFERRED, 'ann', 'bob', 'ann', 'b'],
      [2, ControlChangeKind.TRANSFERRED, 'bob', 'cat', 'admin', 'c'],
    ]);
  });
});
