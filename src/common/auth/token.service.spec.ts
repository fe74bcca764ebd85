import jwt from 'jsonwebtoken';
import { TestClock } from '../../../test/support/test-clock';
import { AppConfig } from '../../config/app-config';
import { TokenService } from './token.service';

const SECRET = 'a-secret-of-the-unit-tests-long-enough';

function service(clock: TestClock, secret = SECRET): TokenService {
  return new TokenService(
    { authSecret: secret, authTokenTtlSeconds: 3600 } as unknown as AppConfig,
    clock,
  );
}

describe('TokenService', () => {
  it('answers a token verified before from memory, and refuses it once it expired', () => {
    const clock = new TestClock('2026-03-01T10:00:00Z');
    const tokens = service(clock);
    const { token } = tokens.issueAccountToken('account-1');
    expect(tokens.verify(token)).toEqual({ kind: 'account', accountId: 'account-1' });
    expect(tokens.verify(token)).toEqual({ kind: 'account', accountId: 'account-1' });
    clock.advance(3_599_000);
    expect(tokens.verify(token)).toEqual({ kind: 'account', accountId: 'account-1' });
    clock.advance(1_000);
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.verify(token)).toBeNull();
  });

  it('keeps end users apart from accounts', () => {
    const tokens = service(new TestClock('2026-03-01T10:00:00Z'));
    const { token } = tokens.issueEndUserToken('end-user-1', 'bot-1');
    expect(tokens.verify(token)).toEqual({
      kind: 'endUser',
      endUserId: 'end-user-1',
      botId: 'bot-1',
    });
  });

  it('refuses a token of another secret, a garbled one and one without an expiry', () => {
    const clock = new TestClock('2026-03-01T10:00:00Z');
    const tokens = service(clock);
    const forged = service(clock, 'another-secret-altogether-0123456789').issueAccountToken('a');
    expect(tokens.verify(forged.token)).toBeNull();
    expect(tokens.verify('not.a.token')).toBeNull();
    const eternal = jwt.sign({ sub: 'a', typ: 'account' }, SECRET, {
      algorithm: 'HS256',
      issuer: 'switchboard',
    });
    expect(tokens.verify(eternal)).toBeNull();
  });
});
