import { TestApp } from './support/test-app';
import { addMember, botWithTeam, codes, createBot, registerAccount } from './support/factories';

const BOT = `query ($id: ID!) {
  bot(id: $id) { id name timeZone widgetKey myRole botEngineKeyRotatedAt members { role account { id email name } } }
}`;
const BOTS = `{ bots { id name myRole members { role account { id } } } }`;
const CREATE = `mutation ($input: CreateBotInput!) { createBot(input: $input) { id name timeZone myRole widgetKey } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateBotInput!) { updateBot(id: $id, input: $input) { id name timeZone } }`;
const ADD = `mutation ($botId: ID!, $email: String!, $role: BotRole!) {
  addBotMember(botId: $botId, email: $email, role: $role) { role account { id email } }
}`;
const CHANGE = `mutation ($botId: ID!, $accountId: ID!, $role: BotRole!) {
  changeBotMemberRole(botId: $botId, accountId: $accountId, role: $role) { role account { id } }
}`;
const REMOVE = `mutation ($botId: ID!, $accountId: ID!) { removeBotMember(botId: $botId, accountId: $accountId) }`;
const ROTATE = `mutation ($botId: ID!) { rotateBotEngineKey(botId: $botId) }`;

describe('bots and roles', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  it('makes the creator ADMINISTRATOR and stores the canonical time zone', async () => {
    const admin = await registerAccount(app);
    const { createBot: bot } = await app.ok(
      CREATE,
      { input: { name: '  Support Bot ', timeZone: 'america/new_york' } },
      admin.token,
    );
    expect(bot).toEqual({
      id: expect.any(String),
      name: 'Support Bot',
      timeZone: 'America/New_York',
      myRole: 'ADMINISTRATOR',
      widgetKey: expect.stringMatching(/^wk_/),
    });
    const { bot: read } = await app.ok(BOT, { id: bot.id }, admin.token);
    expect(read.members).toEqual([
      { role: 'ADMINISTRATOR', account: { id: admin.id, email: admin.email, name: admin.name } },
    ]);
    expect(read.botEngineKeyRotatedAt).toBeNull();
  });

  it('lists only the bots the caller is a member of, with its role on each', async () => {
    const { bot, admin, agent } = await botWithTeam(app);
    const other = await createBot(app, agent, { name: 'Agent own bot' });
    const { bots } = await app.ok(BOTS, {}, agent.token);
    expect(bots.map((b: { id: string; myRole: string }) => [b.id, b.myRole])).toEqual([
      [bot.id, 'SUPPORT_AGENT'],
      [other.id, 'ADMINISTRATOR'],
    ]);
    expect(bots[0].members.map((m: { account: { id: string } }) => m.account.id)).toEqual([
      admin.id,
      agent.id,
    ]);
  });

  it('lets an ADMINISTRATOR rename a bot and change its time zone', async () => {
    const { bot, admin } = await botWithTeam(app);
    const { updateBot } = await app.ok(
      UPDATE,
      { id: bot.id, input: { name: 'Renamed', timeZone: 'Asia/Kolkata' } },
      admin.token,
    );
    expect(updateBot).toEqual({ id: bot.id, name: 'Renamed', timeZone: 'Asia/Kolkata' });
    const { updateBot: partial } = await app.ok(
      UPDATE,
      { id: bot.id, input: { name: 'Only name' } },
      admin.token,
    );
    expect(partial.timeZone).toBe('Asia/Kolkata');
  });

  describe('bad input changes nothing', () => {
    it.each([
      ['an invalid time zone', { name: 'B', timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      ['an offset instead of a zone', { name: 'B', timeZone: '+02:00' }, 'input.timeZone'],
      ['an empty name', { name: '  ', timeZone: 'UTC' }, 'input.name'],
      ['a 200-character name', { name: 'x'.repeat(200), timeZone: 'UTC' }, 'input.name'],
    ])('createBot refuses %s', async (_, input, field) => {
      const admin = await registerAccount(app);
      const result = await app.request(CREATE, { input }, admin.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
      expect((await app.ok(BOTS, {}, admin.token)).bots).toEqual([]);
    });

    it('updateBot refuses an invalid time zone and keeps the old one', async () => {
      const { bot, admin } = await botWithTeam(app);
      const result = await app.request(
        UPDATE,
        { id: bot.id, input: { timeZone: 'Europe/Nowhere' } },
        admin.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe('input.timeZone');
      expect((await app.ok(BOT, { id: bot.id }, admin.token)).bot.timeZone).toBe('Europe/Paris');
    });

    it('answers an unknown bot, a malformed id and a non-member with the same NOT_FOUND', async () => {
      const { bot, outsider } = await botWithTeam(app);
      for (const id of [bot.id, '6f1c2a7e-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const result = await app.request(BOT, { id }, outsider.token);
        expect(codes(result)).toEqual(['NOT_FOUND']);
      }
    });

    it('refuses a SUPPORT_AGENT every ADMINISTRATOR operation with FORBIDDEN', async () => {
      const { bot, admin, agent } = await botWithTeam(app);
      const attempts = [
        app.request(UPDATE, { id: bot.id, input: { name: 'Hijacked' } }, agent.token),
        app.request(ADD, { botId: bot.id, email: agent.email, role: 'ADMINISTRATOR' }, agent.token),
        app.request(
          CHANGE,
          { botId: bot.id, accountId: agent.id, role: 'ADMINISTRATOR' },
          agent.token,
        ),
        app.request(REMOVE, { botId: bot.id, accountId: admin.id }, agent.token),
        app.request(ROTATE, { botId: bot.id }, agent.token),
      ];
      for (const result of await Promise.all(attempts)) {
        expect(codes(result)).toEqual(['FORBIDDEN']);
      }
      const { bot: unchanged } = await app.ok(BOT, { id: bot.id }, admin.token);
      expect(unchanged.name).toBe('Help Desk');
      expect(unchanged.botEngineKeyRotatedAt).toBeNull();
      expect(unchanged.members.map((m: { role: string }) => m.role)).toEqual([
        'ADMINISTRATOR',
        'SUPPORT_AGENT',
      ]);
    });

    it('refuses an unknown email in addBotMember with NOT_FOUND', async () => {
      const { bot, admin } = await botWithTeam(app);
      const result = await app.request(
        ADD,
        { botId: bot.id, email: 'nobody@example.test', role: 'SUPPORT_AGENT' },
        admin.token,
      );
      expect(codes(result)).toEqual(['NOT_FOUND']);
      expect((await app.ok(BOT, { id: bot.id }, admin.token)).bot.members).toHaveLength(2);
    });

    it('refuses adding an existing member again with CONFLICT', async () => {
      const { bot, admin, agent } = await botWithTeam(app);
      const result = await app.request(
        ADD,
        { botId: bot.id, email: agent.email, role: 'ADMINISTRATOR' },
        admin.token,
      );
      expect(codes(result)).toEqual(['CONFLICT']);
      const { bot: read } = await app.ok(BOT, { id: bot.id }, admin.token);
      expect(
        read.members.find((m: { account: { id: string } }) => m.account.id === agent.id).role,
      ).toBe('SUPPORT_AGENT');
    });

    it('refuses an unknown role value', async () => {
      const { bot, admin, outsider } = await botWithTeam(app);
      const result = await app.request(
        ADD,
        { botId: bot.id, email: outsider.email, role: 'OWNER' },
        admin.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses changing the role of a non-member with NOT_FOUND', async () => {
      const { bot, admin, outsider } = await botWithTeam(app);
      const result = await app.request(
        CHANGE,
        { botId: bot.id, accountId: outsider.id, role: 'SUPPORT_AGENT' },
        admin.token,
      );
      expect(codes(result)).toEqual(['NOT_FOUND']);
    });
  });

  describe('members and roles', () => {
    it('adds, promotes, demotes and removes members', async () => {
      const { bot, admin, agent, outsider } = await botWithTeam(app);
      const added = await app.ok(
        ADD,
        { botId: bot.id, email: outsider.email.toUpperCase(), role: 'SUPPORT_AGENT' },
        admin.token,
      );
      expect(added.addBotMember).toEqual({
        role: 'SUPPORT_AGENT',
        account: { id: outsider.id, email: outsider.email },
      });
      // The new member sees the bot at once.
      expect((await app.ok(BOT, { id: bot.id }, outsider.token)).bot.myRole).toBe('SUPPORT_AGENT');

      await app.ok(
        CHANGE,
        { botId: bot.id, accountId: agent.id, role: 'ADMINISTRATOR' },
        admin.token,
      );
      expect((await app.ok(BOT, { id: bot.id }, agent.token)).bot.myRole).toBe('ADMINISTRATOR');
      // With two administrators, the first may step down.
      await app.ok(
        CHANGE,
        { botId: bot.id, accountId: admin.id, role: 'SUPPORT_AGENT' },
        agent.token,
      );
      expect((await app.ok(BOT, { id: bot.id }, admin.token)).bot.myRole).toBe('SUPPORT_AGENT');

      const removed = await app.ok(REMOVE, { botId: bot.id, accountId: outsider.id }, agent.token);
      expect(removed.removeBotMember).toBe(outsider.id);
      expect(codes(await app.request(BOT, { id: bot.id }, outsider.token))).toEqual(['NOT_FOUND']);
    });

    it('refuses demoting or removing the last ADMINISTRATOR with CONFLICT', async () => {
      const { bot, admin } = await botWithTeam(app);
      const demote = await app.request(
        CHANGE,
        { botId: bot.id, accountId: admin.id, role: 'SUPPORT_AGENT' },
        admin.token,
      );
      const remove = await app.request(REMOVE, { botId: bot.id, accountId: admin.id }, admin.token);
      expect(codes(demote)).toEqual(['CONFLICT']);
      expect(codes(remove)).toEqual(['CONFLICT']);
      expect((await app.ok(BOT, { id: bot.id }, admin.token)).bot.myRole).toBe('ADMINISTRATOR');
    });

    it('keeps one ADMINISTRATOR when two step down at the same time', async () => {
      for (let round = 0; round < 5; round += 1) {
        const { bot, admin, agent } = await botWithTeam(app);
        await app.ok(
          CHANGE,
          { botId: bot.id, accountId: agent.id, role: 'ADMINISTRATOR' },
          admin.token,
        );
        const results = await Promise.all([
          app.request(
            CHANGE,
            { botId: bot.id, accountId: admin.id, role: 'SUPPORT_AGENT' },
            admin.token,
          ),
          app.request(REMOVE, { botId: bot.id, accountId: agent.id }, agent.token),
        ]);
        expect(results.map(codes).flat()).toEqual(['CONFLICT']);
        const { bot: read } = await app
          .ok(BOT, { id: bot.id }, admin.token)
          .catch(() => app.ok(BOT, { id: bot.id }, agent.token));
        expect(
          read.members.filter((m: { role: string }) => m.role === 'ADMINISTRATOR'),
        ).toHaveLength(1);
      }
    });
  });

  describe('bot engine key', () => {
    it('is shown once, stored hashed, and rotating it revokes the previous key', async () => {
      const { bot, admin } = await botWithTeam(app);
      const first = (await app.ok(ROTATE, { botId: bot.id }, admin.token))
        .rotateBotEngineKey as string;
      expect(first).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
      const { bot: read } = await app.ok(BOT, { id: bot.id }, admin.token);
      expect(read.botEngineKeyRotatedAt).toEqual(expect.any(String));
      expect(JSON.stringify(read)).not.toContain(first);

      // A bot engine key is a credential of its own kind: it is not an account.
      expect(codes(await app.request('{ me { id } }', {}, first))).toEqual(['FORBIDDEN']);

      const second = (await app.ok(ROTATE, { botId: bot.id }, admin.token))
        .rotateBotEngineKey as string;
      expect(second).not.toBe(first);
      expect(codes(await app.request('{ me { id } }', {}, first))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await app.request('{ me { id } }', {}, second))).toEqual(['FORBIDDEN']);
    });
  });

  it('rejects a second bot added through another admin with a member of another bot', async () => {
    const teamA = await botWithTeam(app);
    const teamB = await botWithTeam(app);
    // An ADMINISTRATOR of bot B cannot manage bot A's members.
    const result = await app.request(
      ADD,
      { botId: teamA.bot.id, email: teamB.admin.email, role: 'ADMINISTRATOR' },
      teamB.admin.token,
    );
    expect(codes(result)).toEqual(['NOT_FOUND']);
    await addMember(app, teamA.admin, teamA.bot, teamB.admin, 'SUPPORT_AGENT');
    expect((await app.ok(BOT, { id: teamA.bot.id }, teamB.admin.token)).bot.myRole).toBe(
      'SUPPORT_AGENT',
    );
  });
});
