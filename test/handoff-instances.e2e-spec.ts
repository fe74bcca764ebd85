import { Topics } from '../src/common/pubsub/topics';
import { botWithTeam, openRequest, rotateEngineKey, startSession } from './support/factories';
import { Cluster, Instance, asTestApp, itOnCluster } from './support/instances';
import { RecordedSubscription } from './support/recorded-subscription';

const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id startedAt } }`;
const UPDATE_BOT = `mutation ($id: ID!, $minutes: Int) {
  updateBot(id: $id, input: { autoReleaseMinutes: $minutes }) { autoReleaseMinutes }
}`;
const BOT_EVENTS = `subscription ($botId: ID!) { botEvents(botId: $botId) { type request { id controlMode } } }`;
const REQUEST = `query ($id: ID!) {
  request(id: $id) {
    controlMode messages { notice }
    controlHistory { kind at by { id } liveConversation { endReason } }
  }
}`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Automatic release with two real processes on the real clock, each sweeping on its own timer:
 * every conversation goes back to the bot exactly once, within 30 s of its deadline. (The
 * handoff suite moves a test clock for the same on two in-process instances.)
 */
describe('automatic release across two instances', () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  const it = itOnCluster(() => cluster);

  beforeAll(async () => {
    cluster = await Cluster.start({ instances: 2 });
    [a, b] = cluster.instances;
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('releases each conversation once, by one instance, within 30 s of its deadline', async () => {
    const team = await botWithTeam(asTestApp(a));
    await a.ok(UPDATE_BOT, { id: team.bot.id, minutes: 1 }, team.admin.token);
    const engineKey = await rotateEngineKey(asTestApp(a), team.admin, team.bot);
    const engines = await Promise.all(
      [a, b].map(
        async (instance) =>
          new RecordedSubscription(
            await instance.connectedWs(bearer(engineKey)),
            BOT_EVENTS,
            { botId: team.bot.id },
            'botEvents',
          ),
      ),
    );
    await cluster.waitForSubscribers(Topics.botEvents(team.bot.id), 2);

    const requests: { id: string; startedAt: number }[] = [];
    for (let i = 0; i < 4; i += 1) {
      const instance = i % 2 ? b : a;
      const endUser = await startSession(asTestApp(instance), team.bot);
      const { id } = await openRequest(asTestApp(instance), endUser);
      await instance.connectedWs(bearer(endUser.token));
      const taken = (await (i % 2 ? a : b).ok(TAKE, { requestId: id }, team.agent.token))
        .takeControl;
      requests.push({ id, startedAt: Date.parse(taken.startedAt) });
    }
    const ids = requests.map((request) => request.id).sort();

    // Due one minute after each takeover; released within the next 30 s.
    for (const engine of engines) {
      await engine.until(
        'CONTROL_RELEASED of the four requests',
        () => engine.ofType('CONTROL_RELEASED').length >= 4,
        100_000,
      );
    }
    const releasedAt = Date.now();
    expect(releasedAt - Math.max(...requests.map((request) => request.startedAt))).toBeLessThan(
      90_000,
    );
    await RecordedSubscription.quiet(1_000);
    for (const engine of engines) {
      expect(
        engine
          .ofType('CONTROL_RELEASED')
          .map((event) => event.request.id)
          .sort(),
      ).toEqual(ids);
    }
    for (const { id, startedAt } of requests) {
      const { request } = await b.ok(REQUEST, { id }, team.admin.token);
      expect(request.controlMode).toBe('BOT');
      expect(request.messages.map((message: { notice: string }) => message.notice)).toEqual([
        'AGENT_JOINED',
        'AGENT_LEFT',
      ]);
      expect(request.controlHistory).toMatchObject([
        { kind: 'TAKEN', by: { id: team.agent.id } },
        { kind: 'AUTO_RELEASED', by: null, liveConversation: { endReason: 'AUTO_RELEASED' } },
      ]);
      const released = Date.parse(request.controlHistory[1].at) - startedAt;
      expect(released).toBeGreaterThanOrEqual(60_000);
      expect(released).toBeLessThanOrEqual(90_000);
    }
  }, 150_000);
});
