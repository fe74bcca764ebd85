import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { TestApp } from './support/test-app';
import { botWithTeam, codes, openRequest, startSession } from './support/factories';
import { image, jpegWithGps, noisyPng, pngDeclaring } from './support/images';

const PROFILE = `query ($botId: ID!) {
  operatorProfile(botId: $botId) { botId displayName avatarUrl updatedAt effective { displayName avatarUrl } }
}`;
const UPDATE = `mutation ($botId: ID!, $input: OperatorProfileInput!) {
  updateOperatorProfile(botId: $botId, input: $input) { displayName effective { displayName } }
}`;
const SET_AVATAR = `mutation ($botId: ID!, $image: AvatarUpload!) {
  setOperatorAvatar(botId: $botId, image: $image) { avatarUrl effective { avatarUrl } }
}`;
const REMOVE_AVATAR = `mutation ($botId: ID!) { removeOperatorAvatar(botId: $botId) { avatarUrl effective { avatarUrl } } }`;
const PREVIEW = `query ($botId: ID!, $input: OperatorProfileInput, $language: Language) {
  previewOperatorProfile(botId: $botId, input: $input, language: $language) {
    language header { displayName avatarUrl } joinedNotice leftNotice banner
  }
}`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id operator { displayName avatarUrl } } }`;
const RELEASE = `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id } }`;

const upload = (bytes: Buffer, contentType = 'image/png') => ({
  contentType,
  dataBase64: bytes.toString('base64'),
});

describe('operator profiles', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  const profileOf = async (botId: string, token: string) =>
    (await app.ok(PROFILE, { botId }, token)).operatorProfile;

  it('starts blank: the account name and the placeholder avatar', async () => {
    const { bot, agent } = await botWithTeam(app);
    expect(await profileOf(bot.id, agent.token)).toEqual({
      botId: bot.id,
      displayName: null,
      avatarUrl: null,
      updatedAt: null,
      effective: {
        displayName: 'Sam Agent',
        avatarUrl: expect.stringMatching(/\/avatars\/placeholder\.svg$/),
      },
    });
  });

  it('saves a trimmed display name, and "" clears it', async () => {
    const { bot, agent } = await botWithTeam(app);
    const saved = await app.ok(
      UPDATE,
      { botId: bot.id, input: { displayName: '  Sam from Support ' } },
      agent.token,
    );
    expect(saved.updateOperatorProfile).toEqual({
      displayName: 'Sam from Support',
      effective: { displayName: 'Sam from Support' },
    });
    const fifty = 'x'.repeat(50);
    expect(
      (await app.ok(UPDATE, { botId: bot.id, input: { displayName: fifty } }, agent.token))
        .updateOperatorProfile.displayName,
    ).toBe(fifty);
    const cleared = await app.ok(
      UPDATE,
      { botId: bot.id, input: { displayName: '' } },
      agent.token,
    );
    expect(cleared.updateOperatorProfile).toEqual({
      displayName: null,
      effective: { displayName: 'Sam Agent' },
    });
  });

  it.each([
    ['a 51-character display name', 'x'.repeat(51)],
    ['a whitespace-only display name', '   '],
  ])(
    'refuses %s (BAD_USER_INPUT on input.displayName) and keeps the saved one',
    async (_, displayName) => {
      const { bot, agent } = await botWithTeam(app);
      await app.ok(UPDATE, { botId: bot.id, input: { displayName: 'Sam' } }, agent.token);
      const result = await app.request(
        UPDATE,
        { botId: bot.id, input: { displayName } },
        agent.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe('input.displayName');
      expect((await profileOf(bot.id, agent.token)).displayName).toBe('Sam');
    },
  );

  it('keeps profiles per operator and per bot, and hides the bot from non-members', async () => {
    const { bot, admin, agent, outsider } = await botWithTeam(app);
    await app.ok(UPDATE, { botId: bot.id, input: { displayName: 'Sam' } }, agent.token);
    expect((await profileOf(bot.id, admin.token)).displayName).toBeNull();
    expect(codes(await app.request(PROFILE, { botId: bot.id }, outsider.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      codes(
        await app.request(
          UPDATE,
          { botId: bot.id, input: { displayName: 'Intruder' } },
          outsider.token,
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    const endUser = await startSession(app, bot);
    expect(codes(await app.request(PROFILE, { botId: bot.id }, endUser.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await profileOf(bot.id, agent.token)).displayName).toBe('Sam');
  });

  describe('avatars', () => {
    it.each(['png', 'jpeg', 'webp'] as const)(
      'stores a square %s re-encoded and serves it with long cache headers',
      async (format) => {
        const { bot, agent } = await botWithTeam(app);
        const saved = (
          await app.ok(
            SET_AVATAR,
            { botId: bot.id, image: upload(await image(300, 300, format), `image/${format}`) },
            agent.token,
          )
        ).setOperatorAvatar;
        expect(saved.avatarUrl).toMatch(/^http:\/\/localhost:\d+\/avatars\/[0-9a-f]{64}\.webp$/);
        expect(saved.effective.avatarUrl).toBe(saved.avatarUrl);

        const path = new URL(saved.avatarUrl).pathname;
        const response = await fetch(new URL(path, app.url));
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/webp');
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const etag = response.headers.get('etag');
        expect(etag).toBe(`"${path.slice('/avatars/'.length, -'.webp'.length)}"`);
        const stored = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
        expect([stored.format, stored.width, stored.height]).toEqual(['webp', 256, 256]);

        const again = await fetch(new URL(path, app.url), {
          headers: { 'if-none-match': etag as string },
        });
        expect(again.status).toBe(304);
      },
    );

    it('strips metadata such as EXIF GPS positions', async () => {
      const { bot, agent } = await botWithTeam(app);
      const original = await jpegWithGps(400);
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const { avatarUrl } = (
        await app.ok(
          SET_AVATAR,
          { botId: bot.id, image: upload(original, 'image/jpeg') },
          agent.token,
        )
      ).setOperatorAvatar;
      const stored = Buffer.from(
        await (await fetch(new URL(new URL(avatarUrl).pathname, app.url))).arrayBuffer(),
      );
      const metadata = await sharp(stored).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(stored.includes(Buffer.from('Switchboard test'))).toBe(false);
    });

    it('serves the placeholder, and 404 for an unknown avatar', async () => {
      const placeholder = await fetch(new URL('/avatars/placeholder.svg', app.url));
      expect(placeholder.status).toBe(200);
      expect(placeholder.headers.get('content-type')).toContain('image/svg+xml');
      expect((await fetch(new URL(`/avatars/${'0'.repeat(64)}.webp`, app.url))).status).toBe(404);
    });

    it.each([
      ['a non-square image', () => image(300, 200, 'png'), { width: 300, height: 200 }],
      ['149x149', () => image(149, 149, 'png'), { width: 149, height: 149 }],
      ['a GIF', () => image(200, 200, 'gif'), {}],
      [
        'an SVG',
        () =>
          Promise.resolve(
            Buffer.from(
              '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200"/></svg>',
            ),
          ),
        {},
      ],
      [
        'a text file named .png',
        () => Promise.resolve(Buffer.from('just some text, not an image')),
        {},
      ],
      ['truncated data', async () => (await noisyPng(300)).subarray(0, 20_000), {}],
      [
        'a declared 30000x30000 image',
        () => Promise.resolve(pngDeclaring(30000)),
        { width: 30000, height: 30000 },
      ],
      ['more than 2 MiB', () => Promise.resolve(randomBytes(2 * 1024 * 1024 + 1)), {}],
    ])(
      'refuses %s with BAD_USER_INPUT on image.dataBase64, and keeps the avatar',
      async (_, make, extensions) => {
        const { bot, agent } = await botWithTeam(app);
        const before = (
          await app.ok(
            SET_AVATAR,
            { botId: bot.id, image: upload(await image(200, 200, 'png')) },
            agent.token,
          )
        ).setOperatorAvatar.avatarUrl;
        const result = await app.request(
          SET_AVATAR,
          { botId: bot.id, image: upload(await make()) },
          agent.token,
        );
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].extensions).toMatchObject({
          field: 'image.dataBase64',
          ...extensions,
        });
        expect((await profileOf(bot.id, agent.token)).avatarUrl).toBe(before);
      },
    );

    it('refuses invalid base64 and an unknown content type', async () => {
      const { bot, agent } = await botWithTeam(app);
      const base64 = await app.request(
        SET_AVATAR,
        { botId: bot.id, image: { contentType: 'image/png', dataBase64: 'not base64!!' } },
        agent.token,
      );
      expect(base64.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'image.dataBase64',
      });
      const type = await app.request(
        SET_AVATAR,
        { botId: bot.id, image: upload(await image(200, 200, 'png'), 'image/gif') },
        agent.token,
      );
      expect(type.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'image.contentType',
      });
      expect((await profileOf(bot.id, agent.token)).avatarUrl).toBeNull();
    });

    it('removes the avatar: back to the placeholder', async () => {
      const { bot, agent } = await botWithTeam(app);
      await app.ok(
        SET_AVATAR,
        { botId: bot.id, image: upload(await image(200, 200, 'png')) },
        agent.token,
      );
      const removed = (await app.ok(REMOVE_AVATAR, { botId: bot.id }, agent.token))
        .removeOperatorAvatar;
      expect(removed).toEqual({
        avatarUrl: null,
        effective: { avatarUrl: expect.stringMatching(/placeholder\.svg$/) },
      });
    });
  });

  describe('preview', () => {
    it.each([
      [
        'EN',
        'Sam from Support joined the chat',
        'Sam from Support left the chat',
        'A support agent is online',
      ],
      [
        'FR',
        'Sam from Support a rejoint la discussion',
        'Sam from Support a quitté la discussion',
        'Un agent du support est en ligne',
      ],
    ])(
      'shows in %s what visitors would see of the saved profile',
      async (language, joined, left, banner) => {
        const { bot, agent } = await botWithTeam(app);
        await app.ok(
          UPDATE,
          { botId: bot.id, input: { displayName: 'Sam from Support' } },
          agent.token,
        );
        const preview = (await app.ok(PREVIEW, { botId: bot.id, language }, agent.token))
          .previewOperatorProfile;
        expect(preview).toEqual({
          language,
          header: {
            displayName: 'Sam from Support',
            avatarUrl: expect.stringMatching(/placeholder\.svg$/),
          },
          joinedNotice: joined,
          leftNotice: left,
          banner,
        });
      },
    );

    it('lets unsaved input win, saves nothing, and shows the "Human" form without a display name', async () => {
      const { bot, agent } = await botWithTeam(app);
      await app.ok(UPDATE, { botId: bot.id, input: { displayName: 'Saved Sam' } }, agent.token);
      const draft = (
        await app.ok(
          PREVIEW,
          { botId: bot.id, input: { displayName: ' Draft Sam ' }, language: 'FR' },
          agent.token,
        )
      ).previewOperatorProfile;
      expect(draft).toMatchObject({
        header: { displayName: 'Draft Sam' },
        joinedNotice: 'Draft Sam a rejoint la discussion',
      });
      const cleared = (
        await app.ok(PREVIEW, { botId: bot.id, input: { displayName: '' } }, agent.token)
      ).previewOperatorProfile;
      expect(cleared).toMatchObject({
        language: 'EN',
        header: { displayName: 'Sam Agent' },
        joinedNotice: 'Human joined the chat',
        leftNotice: 'Human left the chat',
      });
      expect((await profileOf(bot.id, agent.token)).displayName).toBe('Saved Sam');
      const invalid = await app.request(
        PREVIEW,
        { botId: bot.id, input: { displayName: 'x'.repeat(51) } },
        agent.token,
      );
      expect(invalid.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.displayName',
      });
    });
  });

  it('applies a saved profile to takeovers started afterwards; earlier ones keep their identity', async () => {
    const { bot, agent } = await botWithTeam(app);
    const endUser = await startSession(app, bot, { locale: 'fr-FR' });
    await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    const first = await openRequest(app, endUser);
    const second = await openRequest(app, endUser);

    await app.ok(UPDATE, { botId: bot.id, input: { displayName: 'Sam' } }, agent.token);
    const oldAvatar = (
      await app.ok(
        SET_AVATAR,
        { botId: bot.id, image: upload(await image(200, 200, 'png')) },
        agent.token,
      )
    ).setOperatorAvatar.avatarUrl;
    const liveOne = (await app.ok(TAKE, { requestId: first.id }, agent.token)).takeControl;
    expect(liveOne.operator).toEqual({ displayName: 'Sam', avatarUrl: oldAvatar });
    await app.ok(
      `mutation ($id: ID!, $text: String!) { sendAgentMessage(liveConversationId: $id, text: $text) { seq } }`,
      { id: liveOne.id, text: 'Bonjour' },
      agent.token,
    );

    await app.ok(UPDATE, { botId: bot.id, input: { displayName: 'Samuel' } }, agent.token);
    const newAvatar = (
      await app.ok(
        SET_AVATAR,
        { botId: bot.id, image: upload(await image(200, 200, 'jpeg', '#c83228'), 'image/jpeg') },
        agent.token,
      )
    ).setOperatorAvatar.avatarUrl;
    expect(newAvatar).not.toBe(oldAvatar);
    const liveTwo = (await app.ok(TAKE, { requestId: second.id }, agent.token)).takeControl;
    expect(liveTwo.operator).toEqual({ displayName: 'Samuel', avatarUrl: newAvatar });

    // The first live conversation, its messages and its notices keep the identity it started with.
    await app.ok(RELEASE, { id: liveOne.id }, agent.token);
    const { request } = await app.ok(
      `query ($id: ID!) { request(id: $id) { messages { author notice text operator { displayName avatarUrl } } } }`,
      { id: first.id },
      agent.token,
    );
    expect(request.messages).toEqual([
      {
        author: 'SYSTEM',
        notice: 'AGENT_JOINED',
        text: 'Sam a rejoint la discussion',
        operator: { displayName: 'Sam', avatarUrl: oldAvatar },
      },
      {
        author: 'AGENT',
        notice: null,
        text: 'Bonjour',
        operator: { displayName: 'Sam', avatarUrl: oldAvatar },
      },
      {
        author: 'SYSTEM',
        notice: 'AGENT_LEFT',
        text: 'Sam a quitté la discussion',
        operator: { displayName: 'Sam', avatarUrl: oldAvatar },
      },
    ]);
    const { liveConversation } = await app.ok(
      `query ($id: ID!) { liveConversation(id: $id) { operator { displayName avatarUrl } } }`,
      { id: liveOne.id },
      agent.token,
    );
    expect(liveConversation.operator).toEqual({ displayName: 'Sam', avatarUrl: oldAvatar });
    // The replaced avatar is still served, for the transcript.
    expect((await fetch(new URL(new URL(oldAvatar).pathname, app.url))).status).toBe(200);
  });
});
