import { TestApp } from './support/test-app';
import { botWithTeam, codes, openRequest, startSession } from './support/factories';

const REQUESTS = `query ($botId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  requests(botId: $botId, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`;
const LIVE = `query ($botId: ID, $first: Int, $after: String, $last: Int, $before: String) {
  liveConversations(botId: $botId, scope: ALL, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    edges { cursor node { id } }
  }
}`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id } }`;

interface Connection {
  totalCount: number;
  pageInfo: {
    hasPreviousPage: boolean;
    hasNextPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  edges: { cursor: string; node: { id: string } }[];
}

const ids = (page: Connection): string[] => page.edges.map((edge) => edge.node.id);

describe('Relay paging both ways', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  /** A bot with five requests, opened a second apart: newest activity first is the reverse. */
  const botWithRequests = async () => {
    const team = await botWithTeam(app);
    const endUser = await startSession(app, team.bot);
    const opened: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      opened.push((await openRequest(app, endUser)).id);
      app.clock.advance(1000);
    }
    return { ...team, endUser, newestFirst: [...opened].reverse() };
  };

  describe('requests', () => {
    const page = async (token: string, variables: Record<string, unknown>) =>
      (await app.ok(REQUESTS, variables, token)).requests as Connection;

    it('pages forward with first/after and says a previous page exists', async () => {
      const { bot, agent, newestFirst } = await botWithRequests();
      const first = await page(agent.token, { botId: bot.id, first: 2 });
      expect(ids(first)).toEqual(newestFirst.slice(0, 2));
      expect(first.pageInfo).toEqual({
        hasPreviousPage: false,
        hasNextPage: true,
        startCursor: first.edges[0].cursor,
        endCursor: first.edges[1].cursor,
      });
      const second = await page(agent.token, {
        botId: bot.id,
        first: 2,
        after: first.pageInfo.endCursor,
      });
      expect(ids(second)).toEqual(newestFirst.slice(2, 4));
      expect(second.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const third = await page(agent.token, {
        botId: bot.id,
        first: 2,
        after: second.pageInfo.endCursor,
      });
      expect(ids(third)).toEqual(newestFirst.slice(4));
      expect(third.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      expect(third.totalCount).toBe(5);
    });

    it('pages backward with last/before from the oldest, still listed newest first', async () => {
      const { bot, agent, newestFirst } = await botWithRequests();
      // `first` keeps its default of 50: `last` takes precedence.
      const oldest = await page(agent.token, { botId: bot.id, last: 2 });
      expect(ids(oldest)).toEqual(newestFirst.slice(3, 5));
      expect(oldest.pageInfo).toEqual({
        hasPreviousPage: true,
        hasNextPage: false,
        startCursor: oldest.edges[0].cursor,
        endCursor: oldest.edges[1].cursor,
      });
      const middle = await page(agent.token, {
        botId: bot.id,
        last: 2,
        before: oldest.pageInfo.startCursor,
      });
      expect(ids(middle)).toEqual(newestFirst.slice(1, 3));
      expect(middle.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const newest = await page(agent.token, {
        botId: bot.id,
        last: 2,
        before: middle.pageInfo.startCursor,
      });
      expect(ids(newest)).toEqual(newestFirst.slice(0, 1));
      expect(newest.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      expect(newest.totalCount).toBe(5);
    });

    it('reads back and forth over the same edges from one page cursors', async () => {
      const { bot, agent, newestFirst } = await botWithRequests();
      const middle = await page(agent.token, {
        botId: bot.id,
        first: 2,
        after: (await page(agent.token, { botId: bot.id, first: 1 })).pageInfo.endCursor,
      });
      expect(ids(middle)).toEqual(newestFirst.slice(1, 3));
      const back = await page(agent.token, {
        botId: bot.id,
        last: 5,
        before: middle.pageInfo.startCursor,
      });
      expect(ids(back)).toEqual(newestFirst.slice(0, 1));
      const between = await page(agent.token, {
        botId: bot.id,
        first: 10,
        after: back.pageInfo.endCursor,
        before: (await page(agent.token, { botId: bot.id, last: 1 })).pageInfo.startCursor,
      });
      expect(ids(between)).toEqual(newestFirst.slice(1, 4));
      expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    });

    it('answers an empty page with null cursors and no neighbours', async () => {
      const { bot, agent } = await botWithTeam(app);
      const empty = await page(agent.token, { botId: bot.id, last: 3 });
      expect(empty).toEqual({
        totalCount: 0,
        edges: [],
        pageInfo: {
          hasPreviousPage: false,
          hasNextPage: false,
          startCursor: null,
          endCursor: null,
        },
      });
    });

    it('refuses a page size out of range or a forged cursor, naming the argument', async () => {
      const { bot, agent } = await botWithTeam(app);
      for (const [variables, field] of [
        [{ last: 0 }, 'last'],
        [{ last: 201 }, 'last'],
        [{ first: 0 }, 'first'],
        [{ before: 'not-a-cursor' }, 'before'],
        [{ after: 'not-a-cursor' }, 'after'],
      ] as const) {
        const result = await app.request(REQUESTS, { botId: bot.id, ...variables }, agent.token);
        expect({ codes: codes(result), field: result.errors?.[0]?.extensions?.field }).toEqual({
          codes: ['BAD_USER_INPUT'],
          field,
        });
      }
    });
  });

  describe('liveConversations', () => {
    it('pages forward and backward over the same active conversations', async () => {
      const { bot, agent, endUser, newestFirst } = await botWithRequests();
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const taken: string[] = [];
      for (const requestId of [...newestFirst].reverse()) {
        taken.push((await app.ok(TAKE, { requestId }, agent.token)).takeControl.id);
        app.clock.advance(1000);
      }
      const newestTaken = [...taken].reverse();
      const page = async (variables: Record<string, unknown>) =>
        (await app.ok(LIVE, { botId: bot.id, ...variables }, agent.token))
          .liveConversations as Connection;

      const forward1 = await page({ first: 3 });
      const forward2 = await page({ first: 3, after: forward1.pageInfo.endCursor });
      expect([...ids(forward1), ...ids(forward2)]).toEqual(newestTaken);
      expect(forward2.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });

      const backward1 = await page({ last: 3 });
      const backward2 = await page({ last: 3, before: backward1.pageInfo.startCursor });
      expect([...ids(backward2), ...ids(backward1)]).toEqual(newestTaken);
      expect(backward1.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      expect(backward2.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      expect(backward2.totalCount).toBe(5);
    });
  });
});
