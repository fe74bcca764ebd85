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
  @Mutation(() => AuthPayloadModel)
  async register(@Args('input') input: RegisterInput): Promise<AuthPayloadModel> {
    return toPayload(await this.accounts.register(input));
  }

  @Public()
  @Mutation(() => AuthPayloadModel)
  async login(
    @Args('email') email: string,
    @Args('password') password: string,
  ): Promise<AuthPayloadModel> {
    return toPayload(await this.accounts.login(email, password));
  }

  @Access(signedInAccount())
  @Query(() => AccountModel, { description: 'The signed-in account (account token).' })
  async me(@CallerAccountId() accountId: string): Promise<AccountModel> {
    return AccountModel.from(await this.accounts.getSignedIn(accountId));
  }
}
