import { gzipSync } from 'node:zlib';
import { Browser, Locator, Page } from 'playwright-core';
import { GraphQLWsServer } from '../../src/common/graphql/graphql-ws.server';
import { eventually, freePort } from '../support/instances';
import { image } from '../support/images';
import { HostSite, launchChromium, newPerson, screenshot } from '../support/browser';
import { addMember, createBot, registerAccount, TestAccount, TestBot } from '../support/factories';
import { TestApp } from '../support/test-app';

/**
 * The two browser clients, in headless Chromium, against the real service and database: the
 * widget embedded in a page of another origin, and the agent console served by the service.
 * The service only accepts CORS and graphql-ws from the host page's origin (and its own), and
 * each bot's widget key only from that page.
 */

const ROOM = 'Sam from Support';

// A browser, a service and a second site on a machine that may be busy: room for slow steps.
jest.setTimeout(120_000);

/** An IANA zone where it is now between 06:00 and 18:00, so a 1 h 30 unavailability fits today. */
function daytimeZone(): string {
  const zones = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'America/Los_Angeles'];
  return (
    zones.find((timeZone) => {
      const hour = Number(
        new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(
          new Date(),
        ),
      );
      return hour >= 6 && hour < 18;
    }) ?? 'Pacific/Kiritimati'
  );
}

describe('web clients in Chromium', () => {
  let app: TestApp;
  let service: string;
  let host: HostSite;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    service = `http://127.0.0.1:${port}`;
    host = await HostSite.start(service);
    app = await TestApp.start({
      port,
      env: { PUBLIC_URL: service, CORS_ORIGINS: host.origin },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
  });

  /** A bot whose widget may only be used from the host site, with a greeting entry story. */
  async function setUpBot(): Promise<{ bot: TestBot; admin: TestAccount; agent: TestAccount }> {
    const [admin, agent] = await Promise.all([
      registerAccount(app, 'Alice Admin'),
      registerAccount(app, 'Sam Agent'),
    ]);
    const bot = await createBot(app, admin, { name: 'Shop help', timeZone: daytimeZone() });
    await addMember(app, admin, bot, agent, 'SUPPORT_AGENT');
    await app.ok(
      `mutation ($id: ID!, $input: UpdateBotInput!) { updateBot(id: $id, input: $input) { id } }`,
      { id: bot.id, input: { allowedOrigins: [host.origin] } },
      admin.token,
    );
    const story = await app.ok<{ createStory: { id: string } }>(
      `mutation ($botId: ID!, $input: StoryInput!) { createStory(botId: $botId, input: $input) { id } }`,
      {
        botId: bot.id,
        input: {
          name: 'Greeting',
          steps: [{ kind: 'SEND_MESSAGE', text: 'Hello! I am the shop bot.' }],
        },
      },
      admin.token,
    );
    await app.ok(
      `mutation ($botId: ID!, $storyId: ID) { setEntryStory(botId: $botId, storyId: $storyId) { id } }`,
      { botId: bot.id, storyId: story.createStory.id },
      admin.token,
    );
    return { bot, admin, agent };
  }

  async function signIn(page: Page, account: TestAccount): Promise<void> {
    await page.goto(`${service}/console/`);
    await page.getByTestId('console-email').fill(account.email);
    await page.getByTestId('console-password').fill(account.password);
    await page.getByTestId('console-login').click();
    await page.getByTestId('console-tab-requests').waitFor();
  }

  /** The seq of every message the widget shows, in order. */
  const seqs = (messages: Locator) =>
    messages.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-seq')));

  const widgetMessages = (page: Page, author?: string) =>
    page.locator(
      author ? `[data-testid="sb-message"][data-author="${author}"]` : '[data-testid="sb-message"]',
    );

  async function requestIdOf(bot: TestBot, token: string): Promise<string> {
    const data = await app.ok<any>(
      `query ($botId: ID!) { requests(botId: $botId) { edges { node { id } } } }`,
      { botId: bot.id },
      token,
    );
    return data.requests.edges[0].node.id;
  }

  it('lets an end user on another origin chat with an agent who takes control, writes and ends; a reload loses and repeats nothing', async () => {
    const { bot, agent } = await setUpBot();
    await app.ok(
      `mutation ($botId: ID!, $input: OperatorProfileInput!) { updateOperatorProfile(botId: $botId, input: $input) { displayName } }`,
      { botId: bot.id, input: { displayName: ROOM } },
      agent.token,
    );
    await app.ok(
      `mutation ($botId: ID!, $image: AvatarUpload!) { setOperatorAvatar(botId: $botId, image: $image) { avatarUrl } }`,
      {
        botId: bot.id,
        image: {
          contentType: 'image/png',
          dataBase64: (await image(200, 200, 'png', '#2a9d8f')).toString('base64'),
        },
      },
      agent.token,
    );
    const visitor = await newPerson(browser);
    const widget = visitor.page;
    await widget.goto(host.page(bot.widgetKey));
    await widget.getByTestId('sb-launcher').click();
    await widget.getByTestId('sb-input').fill('I would like to talk to a person');
    await widget.getByTestId('sb-send').click();
    await widgetMessages(widget, 'END_USER').first().waitFor();
    await widgetMessages(widget, 'BOT').first().waitFor();
    expect(await widgetMessages(widget, 'BOT').first().innerText()).toContain('shop bot');
    // The page's styles do not reach into the widget.
    const inputColor = await widget
      .getByTestId('sb-input')
      .evaluate(
        (element: any) => element.ownerDocument.defaultView.getComputedStyle(element).color,
      );
    expect(inputColor).not.toBe('rgb(192, 57, 43)');
    const launcherBackground = await widget
      .getByTestId('sb-launcher')
      .evaluate(
        (element: any) =>
          element.ownerDocument.defaultView.getComputedStyle(element).backgroundColor,
      );
    expect(launcherBackground).not.toBe('rgb(241, 196, 15)');
    const hostBorder = await widget
      .locator('#switchboard-widget')
      .evaluate(
        (element: any) =>
          element.ownerDocument.defaultView.getComputedStyle(element).borderTopStyle,
      );
    expect(hostBorder).toBe('none');

    const console = await newPerson(browser);
    const agentPage = console.page;
    await signIn(agentPage, agent);
    const requestId = await requestIdOf(bot, agent.token);
    const row = agentPage.locator(
      `[data-testid="console-request"][data-request-id="${requestId}"]`,
    );
    await row.locator('[data-online="true"]').waitFor();
    await row.click();
    const panel = agentPage.locator(
      `[data-testid="console-request-panel"][data-request-id="${requestId}"]`,
    );
    await panel.locator('[data-testid="console-message"][data-author="END_USER"]').waitFor();
    await panel.getByTestId('console-take-control').click();

    await widget.getByTestId('sb-banner').waitFor();
    expect(await widget.getByTestId('sb-banner').innerText()).toBe('A support agent is online');
    await expect(
      widgetMessages(widget, 'SYSTEM')
        .filter({ hasText: `${ROOM} joined the chat` })
        .count(),
    ).resolves.toBe(1);

    await panel.getByTestId('console-input').fill('Hello, I am here to help.');
    await panel.getByTestId('console-send').click();
    const agentMessage = widgetMessages(widget, 'AGENT').first();
    await agentMessage.waitFor();
    expect(await agentMessage.getByTestId('sb-operator-name').innerText()).toBe(ROOM);
    const avatar = await agentMessage.getByTestId('sb-operator-avatar').getAttribute('src');
    expect(avatar).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/avatars\/[0-9a-f]{64}\.webp$/);
    // The avatar image loads (the service's own origin, from the host page).
    await agentMessage.getByTestId('sb-operator-avatar').evaluate((img: any) =>
      img.complete && img.naturalWidth > 0
        ? true
        : new Promise((resolve, reject) => {
            img.addEventListener('load', () => resolve(true));
            img.addEventListener('error', () => reject(new Error('avatar did not load')));
          }),
    );

    await widget.getByTestId('sb-input').fill('Thank you!');
    await widget.getByTestId('sb-input').press('Enter');
    await panel
      .locator('[data-testid="console-message"][data-author="END_USER"]', { hasText: 'Thank you!' })
      .waitFor();
    await screenshot(widget, 'widget-agent-in-control');
    await screenshot(agentPage, 'console-request-in-control');

    // A reload continues the same conversation: the same messages, each once, the banner back.
    const before = await seqs(widgetMessages(widget));
    await widget.reload();
    await widgetMessages(widget)
      .nth(before.length - 1)
      .waitFor();
    await widget.getByTestId('sb-banner').waitFor();
    const after = await seqs(widgetMessages(widget));
    expect(after).toEqual(before);
    expect(new Set(after).size).toBe(after.length);
    expect(after.map(Number)).toEqual([...after.map(Number)].sort((a, b) => a - b));
    const log = await app.ok<any>(
      `query ($id: ID!) { request(id: $id) { messages { seq } } }`,
      { id: requestId },
      agent.token,
    );
    expect(after.map(Number)).toEqual(log.request.messages.map((m: { seq: number }) => m.seq));

    // After the reload the end user is online again, and the agent ends the conversation.
    await panel.getByTestId('console-release').click();
    await widget.getByTestId('sb-banner').waitFor({ state: 'detached' });
    await widgetMessages(widget, 'SYSTEM')
      .filter({ hasText: `${ROOM} left the chat` })
      .waitFor();
    await panel.getByTestId('console-take-control').waitFor();

    // Offline: no takeover button, the reason in words.
    await visitor.context.close();
    await panel.getByTestId('console-offline').waitFor();
    expect(await panel.getByTestId('console-offline').innerText()).toBe('The user is offline');
    await console.context.close();
  });

  it('shows a French browser the banner and the notices in French', async () => {
    const { bot, agent } = await setUpBot();
    const visitor = await newPerson(browser, { locale: 'fr-FR' });
    const widget = visitor.page;
    await widget.goto(host.page(bot.widgetKey));
    await widget.getByTestId('sb-launcher').click();
    expect(await widget.getByTestId('sb-input').getAttribute('placeholder')).toBe(
      'Écrivez un message…',
    );
    await widget.getByTestId('sb-input').fill('Bonjour');
    await widget.getByTestId('sb-send').click();
    await widgetMessages(widget, 'END_USER').first().waitFor();
    const requestId = await requestIdOf(bot, agent.token);

    const taken = await app.ok<any>(
      `mutation ($id: ID!) { takeControl(requestId: $id) { id } }`,
      { id: requestId },
      agent.token,
    );
    await widget.getByTestId('sb-banner').waitFor();
    expect(await widget.getByTestId('sb-banner').innerText()).toBe(
      'Un agent du support est en ligne',
    );
    await widgetMessages(widget, 'SYSTEM')
      .filter({ hasText: 'Un humain a rejoint la discussion' })
      .waitFor();
    await app.ok(
      `mutation ($id: ID!, $text: String!) { sendAgentMessage(liveConversationId: $id, text: $text) { seq } }`,
      { id: taken.takeControl.id, text: 'Bonjour, je suis là.' },
      agent.token,
    );
    // Without a display name, the account name is shown beside the agent's messages.
    expect(
      await widgetMessages(widget, 'AGENT').first().getByTestId('sb-operator-name').innerText(),
    ).toBe('Sam Agent');
    await screenshot(widget, 'widget-french');
    await app.ok(
      `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id } }`,
      { id: taken.takeControl.id },
      agent.token,
    );
    await widgetMessages(widget, 'SYSTEM')
      .filter({ hasText: 'Un humain a quitté la discussion' })
      .waitFor();
    await widget.getByTestId('sb-banner').waitFor({ state: 'detached' });
    await visitor.context.close();
  });

  it('retries a send whose answer was lost with the same clientMessageId: the message is there once', async () => {
    const { bot, agent } = await setUpBot();
    const visitor = await newPerson(browser);
    const widget = visitor.page;
    let lost = 0;
    // The first send reaches the service, but its answer never reaches the page.
    await widget.route(`${service}/graphql`, async (route) => {
      if (lost === 0 && route.request().postData()?.includes('WidgetSend')) {
        lost++;
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await widget.goto(host.page(bot.widgetKey));
    await widget.getByTestId('sb-launcher').click();
    await widget.getByTestId('sb-input').fill('Is my order shipped?');
    await widget.getByTestId('sb-send').click();
    await widgetMessages(widget, 'END_USER').first().waitFor();
    await widget.getByTestId('sb-pending').waitFor({ state: 'detached' });
    expect(lost).toBe(1);
    const requestId = await requestIdOf(bot, agent.token);
    const log = await app.ok<any>(
      `query ($id: ID!) { request(id: $id) { messages { seq author text } } }`,
      { id: requestId },
      agent.token,
    );
    const sent = log.request.messages.filter((m: { author: string }) => m.author === 'END_USER');
    expect(sent).toHaveLength(1);
    expect(await widgetMessages(widget, 'END_USER').count()).toBe(1);
    await visitor.context.close();
  });

  it('after a dropped connection resubscribes from the last seq shown: the messages sent meanwhile appear once', async () => {
    const { bot, agent } = await setUpBot();
    const visitor = await newPerson(browser);
    const widget = visitor.page;
    // The afterSeq of every conversationEvents subscription the widget sends.
    const afterSeqs: number[] = [];
    widget.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload));
        if (message.type === 'subscribe' && message.payload.query.includes('conversationEvents')) {
          afterSeqs.push(message.payload.variables.afterSeq);
        }
      }),
    );
    await widget.goto(host.page(bot.widgetKey));
    await widget.getByTestId('sb-launcher').click();
    await widget.getByTestId('sb-input').fill('Hello?');
    await widget.getByTestId('sb-send').click();
    await widgetMessages(widget, 'BOT').first().waitFor();
    const requestId = await requestIdOf(bot, agent.token);
    const taken = await app.ok<any>(
      `mutation ($id: ID!) { takeControl(requestId: $id) { id } }`,
      { id: requestId },
      agent.token,
    );
    await widget.getByTestId('sb-banner').waitFor();

    const lastShown = Math.max(...(await seqs(widgetMessages(widget))).map(Number));

    // The service drops every graphql-ws connection (a network cut, a restart behind a balancer).
    const wsServer: any = app.app.get(GraphQLWsServer);
    const sockets: Set<{ terminate(): void }> = wsServer.server.clients;
    sockets.forEach((socket) => socket.terminate());
    await app.ok(
      `mutation ($id: ID!, $text: String!) { sendAgentMessage(liveConversationId: $id, text: $text) { seq } }`,
      { id: taken.takeControl.id, text: 'Sent while you were away' },
      agent.token,
    );
    await widgetMessages(widget, 'AGENT').filter({ hasText: 'Sent while you were away' }).waitFor();
    const shown = (await seqs(widgetMessages(widget))).map(Number);
    const log = await app.ok<any>(
      `query ($id: ID!) { request(id: $id) { messages { seq } } }`,
      { id: requestId },
      agent.token,
    );
    expect(shown).toEqual(log.request.messages.map((m: { seq: number }) => m.seq));
    expect(afterSeqs[0]).toBe(0);
    expect(afterSeqs.at(-1)).toBe(lastShown);
    await visitor.context.close();
  });

  it("lists two agents' live conversations under All live conversations, each linking to its request", async () => {
    const { bot, admin, agent } = await setUpBot();
    const requests: string[] = [];
    for (const account of [admin, agent]) {
      const session = await app.ok<any>(
        `mutation ($key: String!) { startEndUserSession(widgetKey: $key) { token } }`,
        { key: bot.widgetKey },
      );
      const token = session.startEndUserSession.token;
      await app.connectedWs({ authorization: `Bearer ${token}` });
      const opened = await app.ok<any>(`mutation { openRequest { id } }`, {}, token);
      requests.push(opened.openRequest.id);
      await app.ok(
        `mutation ($id: ID!) { takeControl(requestId: $id) { id } }`,
        { id: opened.openRequest.id },
        account.token,
      );
    }
    const { context, page } = await newPerson(browser);
    await signIn(page, agent);
    await page.getByTestId('console-tab-live').click();
    await page.getByTestId('console-live').waitFor();
    await expect(page.getByTestId('console-live-row').count()).resolves.toBeLessThanOrEqual(1);
    await page.getByTestId('console-live-row').first().waitFor();
    expect(await page.getByTestId('console-live-row').count()).toBe(1);
    await page.getByTestId('console-scope-all').click();
    await page.getByTestId('console-live-row').nth(1).waitFor();
    expect(await page.getByTestId('console-live-row').count()).toBe(2);
    await screenshot(page, 'console-all-live-conversations');

    const adminsRow = page
      .getByTestId('console-live-row')
      .filter({ has: page.getByTestId('console-see-request') })
      .filter({ hasText: 'Alice Admin' });
    await adminsRow.getByTestId('console-see-request').click();
    await page
      .locator(`[data-testid="console-request-panel"][data-request-id="${requests[0]}"]`)
      .waitFor();

    // Live: a conversation ended elsewhere leaves the list.
    await page.getByTestId('console-tab-live').click();
    await page.getByTestId('console-scope-all').click();
    await page.getByTestId('console-live-row').nth(1).waitFor();
    const live = await app.ok<any>(
      `query ($botId: ID!) { liveConversations(botId: $botId, scope: ALL) { edges { node { id request { id } } } } }`,
      { botId: bot.id },
      admin.token,
    );
    const adminsLive = live.liveConversations.edges.find(
      (edge: any) => edge.node.request.id === requests[0],
    ).node.id;
    await app.ok(
      `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id } }`,
      { id: adminsLive },
      admin.token,
    );
    await page
      .locator(`[data-testid="console-live-row"][data-live-conversation-id="${adminsLive}"]`)
      .waitFor({ state: 'detached' });
    await context.close();
  });

  it('adds a slot by a click, moves it by a drag, extends it by its lower edge, and saves each change', async () => {
    const { bot, admin } = await setUpBot();
    const { context, page } = await newPerson(browser);
    await signIn(page, admin);
    await page.getByTestId('console-tab-support').click();
    await page.getByTestId('console-calendar').waitFor();
    const schedule = async () =>
      (
        await app.ok<any>(
          `query ($id: ID!) { bot(id: $id) { weeklySchedule { weekday startTime endTime } } }`,
          { id: bot.id },
          admin.token,
        )
      ).bot.weeklySchedule;
    /** The service has the week as shown (saving follows each change at once). */
    const savedAs = async (expected: unknown[]) => {
      await eventually(`the weekly schedule ${JSON.stringify(expected)}`, async () =>
        JSON.stringify(await schedule()) === JSON.stringify(expected) ? true : undefined,
      );
      // ... and the calendar has read it back.
      await page.getByTestId('console-calendar-saving').waitFor({ state: 'detached' });
    };
    const monday = page.locator('[data-testid="console-calendar-day"][data-weekday="MONDAY"]');
    const box = (await monday.boundingBox())!;
    const hourPx = box.height / 24;

    await page.mouse.click(box.x + box.width / 2, box.y + 10 * hourPx + 2);
    const slot = page.getByTestId('console-slot');
    await page
      .locator('[data-testid="console-slot"][data-start="10:00"][data-end="11:00"]')
      .waitFor();
    await savedAs([{ weekday: 'MONDAY', startTime: '10:00', endTime: '11:00' }]);

    // Drag the slot two hours down and onto Wednesday.
    const wednesday = (await page
      .locator('[data-testid="console-calendar-day"][data-weekday="WEDNESDAY"]')
      .boundingBox())!;
    const grab = (await slot.boundingBox())!;
    await page.mouse.move(grab.x + grab.width / 2, grab.y + grab.height / 2);
    await page.mouse.down();
    await page.mouse.move(wednesday.x + wednesday.width / 2, grab.y + grab.height / 2 + hourPx, {
      steps: 5,
    });
    await page.mouse.move(
      wednesday.x + wednesday.width / 2,
      grab.y + grab.height / 2 + 2 * hourPx,
      {
        steps: 5,
      },
    );
    await page.mouse.up();
    await page
      .locator(
        '[data-testid="console-slot"][data-weekday="WEDNESDAY"][data-start="12:00"][data-end="13:00"]',
      )
      .waitFor();
    await savedAs([{ weekday: 'WEDNESDAY', startTime: '12:00', endTime: '13:00' }]);

    // Drag its lower edge one hour and a half down.
    const edge = (await page.getByTestId('console-slot-resize').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2 + 1.5 * hourPx, {
      steps: 6,
    });
    await page.mouse.up();
    await page
      .locator('[data-testid="console-slot"][data-start="12:00"][data-end="14:30"]')
      .waitFor();
    await savedAs([{ weekday: 'WEDNESDAY', startTime: '12:00', endTime: '14:30' }]);

    // A click just above it gets a slot clipped where it starts.
    const wednesdayColumn = page.locator(
      '[data-testid="console-calendar-day"][data-weekday="WEDNESDAY"]',
    );
    const column = (await wednesdayColumn.boundingBox())!;
    await page.mouse.click(column.x + column.width / 2, column.y + 11.5 * hourPx + 2);
    await page
      .locator('[data-testid="console-slot"][data-start="11:30"][data-end="12:00"]')
      .waitFor();
    await savedAs([
      { weekday: 'WEDNESDAY', startTime: '11:30', endTime: '12:00' },
      { weekday: 'WEDNESDAY', startTime: '12:00', endTime: '14:30' },
    ]);
    // The calendar shows the slots as re-read, with the service's ids.
    await eventually('slots re-read with the ids of the service', async () => {
      const ids = await page
        .getByTestId('console-slot')
        .evaluateAll((slots) => slots.map((slot) => slot.getAttribute('data-slot-id')));
      return ids.length === 2 && ids.every((id) => id && !id.startsWith('new-')) ? true : undefined;
    });
    await screenshot(page, 'console-calendar');
    await context.close();
  });

  it('activates a temporary unavailability and shows its remaining time in the header tag, live', async () => {
    const { admin, agent } = await setUpBot();
    const [adminPerson, agentPerson] = await Promise.all([newPerson(browser), newPerson(browser)]);
    await signIn(adminPerson.page, admin);
    await signIn(agentPerson.page, agent);
    const tag = adminPerson.page.getByTestId('console-support-tag');
    await expect(tag.innerText()).resolves.toMatch(/^Support (online|offline)$/);

    await adminPerson.page.getByTestId('console-tab-support').click();
    await adminPerson.page.getByTestId('console-unavail-hours').fill('1');
    await adminPerson.page.getByTestId('console-unavail-minutes').fill('30');
    await adminPerson.page.getByTestId('console-unavail-activate').click();

    for (const page of [adminPerson.page, agentPerson.page]) {
      await page
        .getByTestId('console-support-tag')
        .filter({ hasText: /Support offline · unavailable, 1:(29|30):\d\d left/ })
        .waitFor();
    }
    // The remaining time counts down.
    const first = await tag.innerText();
    await eventually(
      'the remaining time to change',
      async () => ((await tag.innerText()) !== first ? true : undefined),
      5_000,
    );
    await screenshot(adminPerson.page, 'console-support');
    await adminPerson.context.close();
    await agentPerson.context.close();
  });

  it('saves an operator profile with its avatar after a preview in chat', async () => {
    const { bot, agent } = await setUpBot();
    const { context, page } = await newPerson(browser);
    await signIn(page, agent);
    await page.getByTestId('console-tab-profile').click();
    await page.getByTestId('console-profile-name').fill('Sam L.');
    await page.getByTestId('console-profile-avatar').setInputFiles({
      name: 'avatar.png',
      mimeType: 'image/png',
      buffer: await image(200, 200, 'png', '#2a9d8f'),
    });
    await page.getByTestId('console-profile-preview-open').click();
    const preview = page.getByTestId('console-profile-preview');
    await preview.waitFor();
    await expect(preview.innerText()).resolves.toContain('Sam L. joined the chat');
    await expect(preview.innerText()).resolves.toContain('A support agent is online');
    await expect(preview.getByTestId('console-profile-preview-name').innerText()).resolves.toBe(
      'Sam L.',
    );
    await screenshot(page, 'console-profile-preview');

    await page.getByTestId('console-profile-save').click();
    await page.getByText('Saved.').waitFor();
    const saved = await app.ok<any>(
      `query ($botId: ID!) { operatorProfile(botId: $botId) { displayName avatarUrl } }`,
      { botId: bot.id },
      agent.token,
    );
    expect(saved.operatorProfile.displayName).toBe('Sam L.');
    expect(saved.operatorProfile.avatarUrl).toMatch(/\/avatars\/[0-9a-f]{64}\.webp$/);

    // A rectangle is refused before it is sent, in words.
    await page.getByTestId('console-profile-avatar').setInputFiles({
      name: 'wide.png',
      mimeType: 'image/png',
      buffer: await image(300, 150, 'png'),
    });
    await page.getByText(/must be square/).waitFor();
    await context.close();
  });

  it('serves the console routes and the widget script with their headers', async () => {
    const widget = await fetch(`${service}/widget.js`);
    expect(widget.status).toBe(200);
    const script = Buffer.from(await widget.arrayBuffer());
    expect(gzipSync(script, { level: 9 }).length).toBeLessThan(60 * 1024);
    expect(widget.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const route = await fetch(`${service}/console/support`);
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toMatch(/^text\/html/);
    expect(route.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(route.headers.get('cache-control')).toBe('no-cache');
    // The page is revalidated, not sent again, while it has not changed. (`cache-control` as a
    // browser's reload sends it: fetch would otherwise add `no-cache`, which asks for the page.)
    const etag = String(route.headers.get('etag'));
    const revalidated = await fetch(`${service}/console/support`, {
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    expect(revalidated.status).toBe(304);
    expect((await fetch(`${service}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${service}/console/..%2F..%2Fpackage.json`)).status).toBe(404);
    const bare = await fetch(`${service}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });
});
