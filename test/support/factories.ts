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
