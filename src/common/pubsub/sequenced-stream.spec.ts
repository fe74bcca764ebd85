import { InProcessPubSub } from './in-process-pubsub';
import { LocalFanout } from './local-fanout';
import { RESYNC } from './pubsub';
import { sequencedStream } from './sequenced-stream';

interface Event {
  seq: number | null;
  label: string;
}

const m = (seq: number): Event => ({ seq, label: `m${seq}` });

/** A message log and a live topic; `log` is what the database holds. */
function setup(afterSeq: number | null, log: Event[] = []) {
  const fanout = new LocalFanout();
  const reads: number[] = [];
  const stream = sequencedStream<Event>({
    live: fanout.subscribe<Event>('t', true),
    afterSeq,
    currentSeq: () => Promise.resolve(log.length === 0 ? 0 : (log.at(-1)?.seq ?? 0)),
    readAfter: (seq) => {
      reads.push(seq);
      return Promise.resolve(log.filter((event) => (event.seq ?? 0) > seq));
    },
    sequenceOf: (event) => event.seq,
  });
  return { fanout, stream, log, reads };
}

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

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('sequencedStream', () => {
  it('replays after afterSeq, then goes live', async () => {
    const { fanout, stream } = setup(0, [m(1), m(2)]);
    const received = take(stream, 3);
    await tick();
    fanout.deliver('t', m(3));
    expect(await received).toEqual(['m1', 'm2', 'm3']);
  });

  it('delivers what is published during the replay once, in order', async () => {
    const { fanout, stream, log } = setup(1, [m(1), m(2)]);
    // Published before the replay is read: buffered, then dropped as already replayed.
    fanout.deliver('t', m(2));
    log.push(m(3));
    fanout.deliver('t', m(3));
    fanout.deliver('t', { seq: null, label: 'presence' });
    fanout.deliver('t', m(4));
    expect(await take(stream, 4)).toEqual(['m2', 'm3', 'presence', 'm4']);
  });

  it('without afterSeq starts after the last message now, and reads nothing back', async () => {
    const { fanout, stream, reads } = setup(null, [m(1), m(2)]);
    const received = take(stream, 1);
    await tick();
    fanout.deliver('t', m(3));
    expect(await received).toEqual(['m3']);
    expect(reads).toEqual([]);
  });

  it('without afterSeq delivers a message committed between subscribing and reading the log end', async () => {
    const { fanout, stream, log, reads } = setup(null, [m(1), m(2)]);
    // Live is open; m3 commits and is published before the stream reads where the log ends.
    log.push(m(3));
    fanout.deliver('t', m(3));
    const received = take(stream, 2);
    await tick();
    log.push(m(4));
    fanout.deliver('t', m(4));
    expect(await received).toEqual(['m3', 'm4']);
    expect(reads).toEqual([]);
  });

  it('without afterSeq starts at the first live message, never before it', async () => {
    const { fanout, stream, log } = setup(null, [m(1)]);
    // m2 and m3 commit before the log end is read; only m3's publication reaches the stream.
    log.push(m(2), m(3));
    fanout.deliver('t', m(3));
    fanout.deliver('t', m(2));
    const received = take(stream, 2);
    await tick();
    log.push(m(4));
    fanout.deliver('t', m(4));
    expect(await received).toEqual(['m3', 'm4']);
  });

  it('fills a gap from the log when a live event skips ahead', async () => {
    const { fanout, stream, log, reads } = setup(null, [m(1)]);
    const received = take(stream, 4);
    await tick();
    // m2 and m3 were committed but their publications were lost.
    log.push(m(2), m(3), m(4));
    fanout.deliver('t', m(4));
    fanout.deliver('t', m(5));
    log.push(m(5));
    expect(await received).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(reads).toEqual([1]);
  });

  it('reads what it missed at a RESYNC, without a duplicate when late events follow', async () => {
    const { fanout, stream, log } = setup(null, [m(1)]);
    const received = take(stream, 3);
    await tick();
    log.push(m(2), m(3));
    fanout.deliver('t', RESYNC);
    fanout.deliver('t', m(3));
    fanout.deliver('t', m(4));
    log.push(m(4));
    expect(await received).toEqual(['m2', 'm3', 'm4']);
  });

  it('ends a stream waiting for a live event when it is closed', async () => {
    const pubsub = new InProcessPubSub();
    const stream = sequencedStream<Event>({
      live: pubsub.subscribeWithResync<Event>('t'),
      afterSeq: null,
      currentSeq: () => Promise.resolve(0),
      readAfter: () => Promise.resolve([]),
      sequenceOf: (event) => event.seq,
    });
    const waiting = stream.next();
    await tick();
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(pubsub.subscriberCount('t')).toBe(0);
  });
});
