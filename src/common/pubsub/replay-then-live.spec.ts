import { InProcessPubSub } from './pubsub';
import { replayThenLive } from './replay-then-live';

interface Event {
  seq: number | null;
  label: string;
}

const seqOf = (event: Event) => event.seq;

async function take(iterator: AsyncIterableIterator<Event>, count: number): Promise<string[]> {
  const labels: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const result = await iterator.next();
    if (result.done) {
      break;
    }
    labels.push(result.value.label);
  }
  return labels;
}

describe('replayThenLive', () => {
  it('replays first, then goes live', async () => {
    const pubsub = new InProcessPubSub();
    const live = pubsub.subscribe<Event>('t');
    const stream = replayThenLive(
      live,
      () =>
        Promise.resolve([
          { seq: 1, label: 'm1' },
          { seq: 2, label: 'm2' },
        ]),
      seqOf,
    );
    const first = take(stream, 3);
    await new Promise((resolve) => setImmediate(resolve));
    await pubsub.publish('t', { seq: 3, label: 'm3' });
    expect(await first).toEqual(['m1', 'm2', 'm3']);
    await stream.return?.();
  });

  it('delivers what is published during the replay once, in order, without a gap', async () => {
    const pubsub = new InProcessPubSub();
    const live = pubsub.subscribe<Event>('t');
    let releaseReplay: (events: Event[]) => void = () => undefined;
    const replayed = new Promise<Event[]>((resolve) => {
      releaseReplay = resolve;
    });
    const stream = replayThenLive(live, () => replayed, seqOf);
    const received = take(stream, 5);
    await new Promise((resolve) => setImmediate(resolve));
    // Message 3 is committed and published while the replay query is still reading...
    await pubsub.publish('t', { seq: 3, label: 'm3' });
    await pubsub.publish('t', { seq: null, label: 'presence' });
    // ...and the replay, which began earlier, also saw it.
    releaseReplay([
      { seq: 2, label: 'm2' },
      { seq: 3, label: 'm3' },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    await pubsub.publish('t', { seq: 4, label: 'm4' });
    await pubsub.publish('t', { seq: 5, label: 'm5' });
    expect(await received).toEqual(['m2', 'm3', 'presence', 'm4', 'm5']);
    await stream.return?.();
  });

  it('ends a stream waiting for a live event when it is closed', async () => {
    const pubsub = new InProcessPubSub();
    const stream = replayThenLive(pubsub.subscribe<Event>('t'), () => Promise.resolve([]), seqOf);
    const waiting = stream.next();
    await new Promise((resolve) => setImmediate(resolve));
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
