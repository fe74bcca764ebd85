import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Public, signedInAccount, Access } from '../common/auth/access';
import { CallerAccountId } from '../common/auth/caller.decorators';
import { AccountsService, Session } from './accounts.service';
import { RegisterInput } from './dto/register.input';
import { AccountModel } from './models/account.model';
import { AuthPayloadModel } from './models/auth-payload.model';

function toPayload(session: Session): AuthPayloadModel {
  return Object.assign(new AuthPayloadModel(), {
    accessToken: session.accessToken,
    expiresAt: session.expiresAt,
    account: AccountModel.from(session.account),
  });
}

@Resolver(() => AccountModel)
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description:
      'Creates an account and signs it in. Open to anyone. BAD_USER_INPUT names the invalid field; CONFLICT when the email is taken.',
  })
  async register(
    @Args('input', { description: 'Email, name and password of the new account.' })
    input: RegisterInput,
  ): Promise<AuthPayloadModel> {
    return toPayload(await this.accounts.register(input));
  }

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description:
      'Signs an account in and answers a new account token. Open to anyone. UNAUTHENTICATED when the email or password is wrong; RATE_LIMITED after too many failures for one email (RATE_LIMIT_LOGIN, 10 per 15 minutes by default).',
  })
  async login(
    @Args('email', { description: 'The account email, in any case.' }) email: string,
    @Args('password', { description: 'The account password.' }) password: string,
  ): Promise<AuthPayloadModel> {
    return toPayload(await this.accounts.login(email, password));
  }

  @Access(signedInAccount())
  @Query(() => AccountModel, {
    description: 'The signed-in account. Account token only; UNAUTHENTICATED otherwise.',
  })
  async me(@CallerAccountId() accountId: string): Promise<AccountModel> {
    return AccountModel.from(await this.accounts.getSignedIn(accountId));
  }
}
