import { InProcessPubSub } from './pubsub';

describe('InProcessPubSub', () => {
  it('delivers what is published after subscribe, even before the first next()', async () => {
    const pubsub = new InProcessPubSub();
    const subscription = pubsub.subscribe<number>('topic');
    await pubsub.publish('topic', 1);
    await pubsub.publish('other', 99);
    await pubsub.publish('topic', 2);
    expect(await subscription.next()).toEqual({ done: false, value: 1 });
    expect(await subscription.next()).toEqual({ done: false, value: 2 });
  });

  it('delivers to every subscriber of the topic', async () => {
    const pubsub = new InProcessPubSub();
    const a = pubsub.subscribe<string>('t');
    const b = pubsub.subscribe<string>('t');
    const nextA = a.next();
    await pubsub.publish('t', 'hello');
    expect([await nextA, await b.next()]).toEqual([
      { done: false, value: 'hello' },
      { done: false, value: 'hello' },
    ]);
  });

  it('stops listening when closed, also while waiting', async () => {
    const pubsub = new InProcessPubSub();
    const subscription = pubsub.subscribe<number>('t');
    const waiting = subscription.next();
    await subscription.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await pubsub.publish('t', 1);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
  });
});
