import { randomUUID } from 'node:crypto';
import { TestApp } from './test-app';

export interface TestAccount {
  id: string;
  email: string;
  name: string;
  password: string;
  token: string;
}

export interface TestBot {
  id: string;
  name: string;
  timeZone: string;
  widgetKey: string;
}

export const uniqueEmail = (label = 'operator'): string => `${label}-${randomUUID()}@example.test`;

export async function registerAccount(app: TestApp, name = 'Ada Operator'): Promise<TestAccount> {
  const email = uniqueEmail();
  const password = 'correct horse battery';
  const data = await app.ok<{ register: { accessToken: string; account: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }`,
    { input: { email, name, password } },
  );
  return { id: data.register.account.id, email, name, password, token: data.register.accessToken };
}

export async function createBot(
  app: TestApp,
  admin: TestAccount,
  input: { name?: string; timeZone?: string } = {},
): Promise<TestBot> {
  const data = await app.ok<{ createBot: TestBot }>(
    `mutation ($input: CreateBotInput!) { createBot(input: $input) { id name timeZone widgetKey } }`,
    { input: { name: input.name ?? 'Help Desk', timeZone: input.timeZone ?? 'Europe/Paris' } },
    admin.token,
  );
  return data.createBot;
}

export async function addMember(
  app: TestApp,
  admin: TestAccount,
  bot: TestBot,
  member: TestAccount,
  role: 'ADMINISTRATOR' | 'SUPPORT_AGENT',
): Promise<void> {
  await app.ok(
    `mutation ($botId: ID!, $email: String!, $role: BotRole!) {
       addBotMember(botId: $botId, email: $email, role: $role) { role }
     }`,
    { botId: bot.id, email: member.email, role },
    admin.token,
  );
}

/** A bot with an ADMINISTRATOR, a SUPPORT_AGENT, and an account that is no member of it. */
export async function botWithTeam(app: TestApp): Promise<{
  bot: TestBot;
  admin: TestAccount;
  agent: TestAccount;
  outsider: TestAccount;
}> {
  const [admin, agent, outsider] = await Promise.all([
    registerAccount(app, 'Alice Admin'),
    registerAccount(app, 'Sam Agent'),
    registerAccount(app, 'Olga Outsider'),
  ]);
  const bot = await createBot(app, admin);
  await addMember(app, admin, bot, agent, 'SUPPORT_AGENT');
  return { bot, admin, agent, outsider };
}

/** The codes of a result's errors, in order. */
export const codes = (result: { errors?: { extensions: { code: string } }[] }): string[] =>
  (result.errors ?? []).map((error) => error.extensions.code);

export interface TestEndUser {
  id: string;
  token: string;
  locale: string;
  language: 'EN' | 'FR';
}

export async function startSession(
  app: TestApp,
  bot: TestBot,
  input: { externalId?: string; displayName?: string; locale?: string } | null = null,
  headers: Record<string, string> = {},
): Promise<TestEndUser> {
  const result = await app.request<{
    startEndUserSession: {
      token: string;
      endUser: { id: string; locale: string; language: 'EN' | 'FR' };
    };
  }>(
    `mutation ($key: String!, $input: EndUserSessionInput) {
       startEndUserSession(widgetKey: $key, input: $input) { token endUser { id locale language } }
     }`,
    { key: bot.widgetKey, input },
    undefined,
    headers,
  );
  if (result.errors?.length || !result.data) {
    throw new Error(`startEndUserSession failed: ${JSON.stringify(result.errors)}`);
  }
  const { token, endUser } = result.data.startEndUserSession;
  return { id: endUser.id, token, locale: endUser.locale, language: endUser.language };
}

export async function openRequest(app: TestApp, endUser: TestEndUser): Promise<{ id: string }> {
  return (
    await app.ok<{ openRequest: { id: string } }>(
      `mutation { openRequest { id } }`,
      {},
      endUser.token,
    )
  ).openRequest;
}

export async function sendUserMessage(
  app: TestApp,
  endUser: TestEndUser,
  requestId: string,
  text: string,
  clientMessageId?: string,
): Promise<{ id: string; seq: number; text: string }> {
  return (
    await app.ok<{ sendUserMessage: { id: string; seq: number; text: string } }>(
      `mutation ($requestId: ID!, $text: String!, $cid: String) {
         sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $cid) { id seq text }
       }`,
      { requestId, text, cid: clientMessageId ?? null },
      endUser.token,
    )
  ).sendUserMessage;
}

export async function rotateEngineKey(
  app: TestApp,
  admin: TestAccount,
  bot: TestBot,
): Promise<string> {
  return (
    await app.ok<{ rotateBotEngineKey: string }>(
      'mutation ($botId: ID!) { rotateBotEngineKey(botId: $botId) }',
      { botId: bot.id },
      admin.token,
    )
  ).rotateBotEngineKey;
}
