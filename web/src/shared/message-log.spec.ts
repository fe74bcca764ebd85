import { MessageLog, ShownMessage } from './message-log';

const message = (seq: number, extra: Partial<ShownMessage> = {}): ShownMessage => ({
  seq,
  author: 'BOT',
  text: `message ${seq}`,
  createdAt: '2026-01-01T00:00:00Z',
  ...extra,
});

describe('MessageLog', () => {
  it('shows messages in seq order whatever order they arrive in', () => {
    const log = new MessageLog();
    log.add(message(3), message(1));
    log.add(message(2));
    expect(log.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(log.lastSeq).toBe(3);
  });

  it('shows a message once when a replay repeats it', () => {
    const log = new MessageLog();
    expect(log.add(message(1), message(2))).toBe(true);
    expect(log.add(message(2), message(1))).toBe(false);
    expect(log.messages).toHaveLength(2);
  });

  it('replaces a pending send by the confirmed message with its clientMessageId', () => {
    const log = new MessageLog();
    log.addPending('c1', 'hello');
    log.markFailed('c1', true);
    expect(log.pending).toEqual([{ clientMessageId: 'c1', text: 'hello', failed: true }]);
    log.add(message(4, { author: 'END_USER', text: 'hello', clientMessageId: 'c1' }));
    expect(log.pending).toEqual([]);
    expect(log.isConfirmed('c1')).toBe(true);
    log.addPending('c1', 'hello');
    expect(log.pending).toEqual([]);
  });

  it('starts from nothing: lastSeq 0', () => {
    expect(new MessageLog().lastSeq).toBe(0);
  });
});
