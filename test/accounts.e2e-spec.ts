import { TestApp } from './support/test-app';
import { codes, registerAccount, uniqueEmail } from './support/factories';

const REGISTER = `mutation ($input: RegisterInput!) {
  register(input: $input) { accessToken expiresAt account { id email name } }
}`;
const LOGIN = `mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken account { id email } }
}`;
const ME = `{ me { id email name } }`;

describe('accounts', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  it('registers, logs in and answers me with the account', async () => {
    const email = uniqueEmail();
    const registered = await app.ok(REGISTER, {
      input: {
        email: `  ${email.toUpperCase()} `,
        name: '  Grace Hopper ',
        password: 'a long enough password',
      },
    });
    expect(registered.register.account).toEqual({
      id: expect.any(String),
      email,
      name: 'Grace Hopper',
    });

    const loggedIn = await app.ok(LOGIN, { email, password: 'a long enough password' });
    expect(loggedIn.login.account.id).toBe(registered.register.account.id);

    const me = await app.ok(ME, {}, loggedIn.login.accessToken);
    expect(me.me).toEqual({ id: registered.register.account.id, email, name: 'Grace Hopper' });
  });

  it.each([
    [
      'a malformed email',
      { email: 'not-an-email', name: 'N', password: 'password1' },
      'input.email',
    ],
    [
      'a password shorter than 8',
      { email: uniqueEmail(), name: 'N', password: 'short' },
      'input.password',
    ],
    ['an empty name', { email: uniqueEmail(), name: '   ', password: 'password1' }, 'input.name'],
  ])(
    'refuses %s with BAD_USER_INPUT naming the field, and creates nothing',
    async (_, input, field) => {
      const result = await app.request(REGISTER, { input });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
      const login = await app.request(LOGIN, { email: input.email, password: input.password });
      expect(codes(login)).toEqual(['UNAUTHENTICATED']);
    },
  );

  it('refuses a duplicate email with CONFLICT, whatever its case', async () => {
    const account = await registerAccount(app);
    const result = await app.request(REGISTER, {
      input: { email: account.email.toUpperCase(), name: 'Twin', password: 'password123' },
    });
    expect(codes(result)).toEqual(['CONFLICT']);
    // The original password still logs in: nothing was overwritten.
    await app.ok(LOGIN, { email: account.email, password: account.password });
  });

  it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
    const account = await registerAccount(app);
    const wrong = await app.request(LOGIN, { email: account.email, password: 'wrong password' });
    const unknown = await app.request(LOGIN, { email: uniqueEmail(), password: 'wrong password' });
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(wrong.data).toBeNull();
  });

  describe('tokens', () => {
    it('refuses a missing token', async () => {
      expect(codes(await app.request(ME))).toEqual(['UNAUTHENTICATED']);
    });

    it.each([
      ['a garbled token', 'Bearer not.a.jwt'],
      ['a non-Bearer scheme', 'Basic dXNlcjpwYXNz'],
      ['an unknown bot engine key', 'Bearer sbk_unknown'],
    ])('refuses %s', async (_, authorization) => {
      const result = await app.request(ME, {}, undefined, { authorization });
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses a forged token (signed with another secret)', async () => {
      const { token } = await registerAccount(app);
      const [header, payload] = token.split('.');
      const forgedPayload = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
          sub: '00000000-0000-0000-0000-000000000000',
        }),
      ).toString('base64url');
      const forged = `${header}.${forgedPayload}.${token.split('.')[2]}`;
      expect(codes(await app.request(ME, {}, forged))).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses an expired token, and accepts it until then', async () => {
      const { token } = await registerAccount(app);
      app.clock.advance(59 * 60 * 1000);
      await app.ok(ME, {}, token);
      app.clock.advance(2 * 60 * 1000);
      expect(codes(await app.request(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    });
  });
});
