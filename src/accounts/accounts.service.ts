import { RateLimits } from '../common/rate-limit/rate-limits';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { TokenService } from '../common/auth/token.service';
import { AppError } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { AccountEntity } from './account.entity';
import { RegisterInput } from './dto/register.input';
import { PasswordHasher } from './password-hasher';

export interface Session {
  account: AccountEntity;
  accessToken: string;
  expiresAt: Date;
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly rateLimits: RateLimits,
  ) {}

  async register(input: RegisterInput): Promise<Session> {
    const passwordHash = await this.hasher.hash(input.password);
    let account: AccountEntity;
    try {
      account = await this.accounts.save(
        this.accounts.create({ email: input.email, name: input.name, passwordHash }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'accounts_email_key')) {
        throw AppError.conflict('An account with this email already exists', {
          field: 'input.email',
        });
      }
      throw error;
    }
    return this.sessionFor(account);
  }

  /** Wrong password and unknown email get the same answer, in the same time. */
  /**
   * Failed attempts count per email (RATE_LIMIT_LOGIN); once they reach the limit, every attempt
   * for that email is RATE_LIMITED until the window ends, the right password included.
   */
  async login(email: string, password: string): Promise<Session> {
    const normalized = email.trim().toLowerCase();
    await this.rateLimits.check('login', normalized);
    const account = await this.accounts.findOneBy({ email: normalized });
    const valid = await this.hasher.verify(account?.passwordHash, password);
    if (!account || !valid) {
      await this.rateLimits.penalize('login', normalized);
      throw AppError.unauthenticated('Wrong email or password');
    }
    return this.sessionFor(account);
  }

  /** The account of a verified token; a token of a deleted account is no longer valid. */
  async getSignedIn(accountId: string): Promise<AccountEntity> {
    const account = await this.accounts.findOneBy({ id: accountId });
    if (!account) {
      throw AppError.unauthenticated('Invalid or expired credentials');
    }
    return account;
  }

  findByEmail(email: string): Promise<AccountEntity | null> {
    return this.accounts.findOneBy({ email: email.trim().toLowerCase() });
  }

  findByIds(ids: readonly string[]): Promise<AccountEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.accounts.findBy({ id: In([...ids]) });
  }

  private sessionFor(account: AccountEntity): Session {
    const { token, expiresAt } = this.tokens.issueAccountToken(account.id);
    return { account, accessToken: token, expiresAt };
  }
}
