import { AccessInventory } from '../src/common/auth/access-inventory';
import { TestApp } from './support/test-app';
import { botWithTeam, codes } from './support/factories';

/**
 * Who may call each operation. This table is the reviewed access policy: adding an operation
 * or changing who may call one changes this test.
 */
const EXPECTED_ACCESS: Record<string, string[]> = {
  'Mutation.activateTemporaryUnavailability': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.addAvailabilitySlot': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.addBotMember': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.changeBotMemberRole': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.closeRequest': [
    'END_USER of request(requestId)',
    'ADMINISTRATOR|SUPPORT_AGENT of request(requestId)',
  ],
  'Mutation.createBot': ['any account'],
  'Mutation.createStory': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.createWebhook': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.deleteStory': ['ADMINISTRATOR of story(id)'],
  'Mutation.deleteWebhook': ['ADMINISTRATOR of webhook(id)'],
  'Mutation.endTemporaryUnavailability': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.login': ['anyone'],
  'Mutation.openRequest': ['any END_USER'],
  'Mutation.redeliverWebhookDelivery': ['ADMINISTRATOR of webhookDelivery(id)'],
  'Mutation.register': ['anyone'],
  'Mutation.releaseControl': [
    'ADMINISTRATOR|SUPPORT_AGENT of liveConversation(liveConversationId)',
  ],
  'Mutation.removeAvailabilityOverride': ['ADMINISTRATOR of availabilityOverride(id)'],
  'Mutation.removeAvailabilitySlot': ['ADMINISTRATOR of availabilitySlot(id)'],
  'Mutation.removeBotMember': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.removeOperatorAvatar': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Mutation.replaceWeeklySchedule': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.rotateBotEngineKey': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.rotateWebhookSecret': ['ADMINISTRATOR of webhook(id)'],
  'Mutation.sendAgentMessage': [
    'ADMINISTRATOR|SUPPORT_AGENT of liveConversation(liveConversationId)',
  ],
  'Mutation.sendBotMessage': ['BOT_ENGINE of request(requestId)'],
  'Mutation.sendUserMessage': ['END_USER of request(requestId)'],
  'Mutation.setAvailabilityOverride': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.setEntryStory': ['ADMINISTRATOR of bot(botId)'],
  'Mutation.setOperatorAvatar': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Mutation.startEndUserSession': ['anyone'],
  'Mutation.takeControl': ['ADMINISTRATOR|SUPPORT_AGENT of request(requestId)'],
  'Mutation.transferControl': [
    'ADMINISTRATOR|SUPPORT_AGENT of liveConversation(liveConversationId)',
  ],
  'Mutation.updateAvailabilitySlot': ['ADMINISTRATOR of availabilitySlot(id)'],
  'Mutation.updateBot': ['ADMINISTRATOR of bot(id)'],
  'Mutation.updateOperatorProfile': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Mutation.updateStory': ['ADMINISTRATOR of story(id)'],
  'Mutation.updateWebhook': ['ADMINISTRATOR of webhook(id)'],
  'Query.bot': ['ADMINISTRATOR|SUPPORT_AGENT of bot(id)'],
  'Query.bots': ['any account'],
  'Query.liveConversation': ['ADMINISTRATOR|SUPPORT_AGENT of liveConversation(id)'],
  'Query.liveConversations': ['any account'],
  'Query.me': ['any account'],
  'Query.operatorProfile': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Query.previewOperatorProfile': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Query.request': ['ADMINISTRATOR|SUPPORT_AGENT of request(id)', 'END_USER of request(id)'],
  'Query.requests': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Query.webhookDeliveries': ['ADMINISTRATOR of webhook(webhookId)'],
  'Query.supportStatus': [
    'ADMINISTRATOR|SUPPORT_AGENT of bot(botId)',
    'END_USER of bot(botId)',
    'BOT_ENGINE of bot(botId)',
  ],
  'Subscription.botEvents': ['BOT_ENGINE of bot(botId)'],
  'Subscription.conversationEvents': [
    'ADMINISTRATOR|SUPPORT_AGENT of request(requestId)',
    'END_USER of request(requestId)',
  ],
  'Subscription.liveConversationsChanged': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Subscription.requestsChanged': ['ADMINISTRATOR|SUPPORT_AGENT of bot(botId)'],
  'Subscription.supportStatusChanged': [
    'ADMINISTRATOR|SUPPORT_AGENT of bot(botId)',
    'END_USER of bot(botId)',
    'BOT_ENGINE of bot(botId)',
  ],
};

describe('access', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  it('declares who may call every operation, as reviewed', () => {
    const inventory = app.app.get(AccessInventory).list();
    expect(
      Object.fromEntries(inventory.map(({ operation, allowed }) => [operation, allowed])),
    ).toEqual(EXPECTED_ACCESS);
  });

  it('lists every operation of the schema in the inventory', async () => {
    const { __schema } = await app.ok(`{
      __schema {
        queryType { fields { name } }
        mutationType { fields { name } }
        subscriptionType { fields { name } }
      }
    }`);
    const operations = [
      ...__schema.queryType.fields.map((f: { name: string }) => `Query.${f.name}`),
      ...__schema.mutationType.fields.map((f: { name: string }) => `Mutation.${f.name}`),
      ...__schema.subscriptionType.fields.map((f: { name: string }) => `Subscription.${f.name}`),
    ].sort();
    expect(operations).toEqual(Object.keys(EXPECTED_ACCESS).sort());
  });

  describe('the guard, by kind of caller', () => {
    it('refuses every closed operation without a credential (UNAUTHENTICATED)', async () => {
      const { bot } = await botWithTeam(app);
      const results = await Promise.all([
        app.request('{ me { id } }'),
        app.request('{ bots { id } }'),
        app.request('query ($id: ID!) { bot(id: $id) { id } }', { id: bot.id }),
        app.request('mutation { createBot(input: { name: "B", timeZone: "UTC" }) { id } }'),
        app.request('mutation ($id: ID!) { rotateBotEngineKey(botId: $id) }', { id: bot.id }),
      ]);
      expect(results.map(codes)).toEqual(Array(results.length).fill(['UNAUTHENTICATED']));
    });

    it('lets members read a bot and hides it from everyone else', async () => {
      const { bot, admin, agent, outsider } = await botWithTeam(app);
      const read = (token: string) =>
        app.request('query ($id: ID!) { bot(id: $id) { myRole } }', { id: bot.id }, token);
      expect((await read(admin.token)).data?.bot.myRole).toBe('ADMINISTRATOR');
      expect((await read(agent.token)).data?.bot.myRole).toBe('SUPPORT_AGENT');
      expect(codes(await read(outsider.token))).toEqual(['NOT_FOUND']);
    });

    it('refuses a bot engine key on account operations (FORBIDDEN)', async () => {
      const { bot, admin } = await botWithTeam(app);
      const { rotateBotEngineKey: key } = await app.ok(
        'mutation ($id: ID!) { rotateBotEngineKey(botId: $id) }',
        { id: bot.id },
        admin.token,
      );
      const results = await Promise.all([
        app.request('{ me { id } }', {}, key),
        app.request('{ bots { id } }', {}, key),
        app.request('query ($id: ID!) { bot(id: $id) { id } }', { id: bot.id }, key),
        app.request('mutation ($id: ID!) { rotateBotEngineKey(botId: $id) }', { id: bot.id }, key),
      ]);
      expect(results.map(codes)).toEqual(Array(results.length).fill(['FORBIDDEN']));
    });
  });

  describe('graphql-ws connections', () => {
    const connect = (params: Record<string, unknown> | undefined) =>
      new Promise<{ acknowledged: boolean; closeCode?: number }>((resolve) => {
        const client = app.ws(params);
        client.on('connected', () => resolve({ acknowledged: true }));
        client.on('closed', (event) =>
          resolve({ acknowledged: false, closeCode: (event as { code: number }).code }),
        );
      });

    it('accepts a connection that presents a valid token at connection_init', async () => {
      const { admin } = await botWithTeam(app);
      expect(await connect({ authorization: `Bearer ${admin.token}` })).toEqual({
        acknowledged: true,
      });
    });

    it.each([
      ['no credential', undefined],
      ['a garbled token', { authorization: 'Bearer garbage' }],
      ['a token without the Bearer scheme', { authorization: 'garbage' }],
      ['an unknown bot engine key', { authorization: 'Bearer sbk_nope' }],
    ])('closes a connection with %s (4403)', async (_, params) => {
      expect(await connect(params)).toEqual({ acknowledged: false, closeCode: 4403 });
    });
  });
});
