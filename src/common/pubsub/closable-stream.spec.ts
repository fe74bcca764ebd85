import { closable } from './closable-stream';
import { InProcessPubSub } from './in-process-pubsub';

describe('closable', () => {
  it('passes events through until closed, and wakes a waiting reader when closed', async () => {
    const pubsub = new InProcessPubSub();
    const onClosed = jest.fn();
    const stream = closable(pubsub.subscribe<number>('t'), onClosed);
    await pubsub.publish('t', 1);
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    const waiting = stream.next();
    await stream.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    await stream.close();
    expect(onClosed).toHaveBeenCalledTimes(1);
    expect(pubsub.subscriberCount('t')).toBe(0);
  });

  it('reports its end when the reader returns it', async () => {
    const pubsub = new InProcessPubSub();
    const onClosed = jest.fn();
    const stream = closable(pubsub.subscribe<number>('t'), onClosed);
    await stream.return?.();
    expect(onClosed).toHaveBeenCalledTimes(1);
    expect(pubsub.subscriberCount('t')).toBe(0);
  });
});
