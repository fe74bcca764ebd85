import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { AccountModel } from '../accounts/models/account.model';
import {
  Access,
  administratorsOf,
  operatorsOf,
  signedInAccount,
  target,
} from '../common/auth/access';
import { BotRole } from '../common/auth/bot-role';
import { CallerAccountId, Granted } from '../common/auth/caller.decorators';
import { GrantedAccess, GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import { BotsService, Member } from './bots.service';
import { CreateBotInput, UpdateBotInput } from './dto/bot.inputs';
import { BotMemberModel } from './models/bot-member.model';
import { BotModel, assertMemberView } from './models/bot.model';

function toMemberModel(member: Member): BotMemberModel {
  return Object.assign(new BotMemberModel(), {
    account: AccountModel.from(member.account),
    role: member.role,
  });
}

@Resolver(() => BotModel)
export class BotsResolver {
  constructor(private readonly bots: BotsService) {}

  @Access(signedInAccount())
  @Query(() => [BotModel], { name: 'bots', description: 'The bots the caller is a member of.' })
  async myBots(@CallerAccountId() accountId: string): Promise<BotModel[]> {
    const memberships = await this.bots.listFor(accountId);
    return memberships.map(({ bot, role }) => BotModel.from(bot, role));
  }

  @Access(operatorsOf(target('bot', 'id')))
  @Query(() => BotModel)
  async bot(
    @Args('id', { type: () => ID }) id: string,
    @Granted() access: GrantedAccess,
  ): Promise<BotModel> {
    return BotModel.from(await this.bots.get(id), access.role as BotRole);
  }

  @Access(signedInAccount())
  @Mutation(() => BotModel, { description: 'The creator becomes its ADMINISTRATOR.' })
  async createBot(
    @Args('input') input: CreateBotInput,
    @CallerAccountId() accountId: string,
  ): Promise<BotModel> {
    const { bot, role } = await this.bots.create(accountId, input);
    return BotModel.from(bot, role);
  }

  @Access(administratorsOf(target('bot', 'id')))
  @Mutation(() => BotModel)
  async updateBot(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateBotInput,
    @Granted() access: GrantedAccess,
  ): Promise<BotModel> {
    return BotModel.from(await this.bots.update(id, input), access.role as BotRole);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotMemberModel, { description: 'Adds an existing account, by its email.' })
  async addBotMember(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('email') email: string,
    @Args('role', { type: () => BotRole }) role: BotRole,
  ): Promise<BotMemberModel> {
    return toMemberModel(await this.bots.addMember(botId, email, role));
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotMemberModel, { description: 'A bot keeps at least one ADMINISTRATOR.' })
  async changeBotMemberRole(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('accountId', { type: () => ID }) accountId: string,
    @Args('role', { type: () => BotRole }) role: BotRole,
  ): Promise<BotMemberModel> {
    return toMemberModel(await this.bots.changeRole(botId, accountId, role));
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => ID, {
    description:
      'A bot keeps at least one ADMINISTRATOR. Live conversations the member controls go back to the bot (endReason MEMBER_REMOVED). Returns the account id.',
  })
  async removeBotMember(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('accountId', { type: () => ID }) accountId: string,
    @CallerAccountId() callerId: string,
  ): Promise<string> {
    await this.bots.removeMember(botId, accountId, callerId);
    return accountId;
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => String, {
    description: 'Issues a new bot engine key, revoking the previous one. Shown once.',
  })
  rotateBotEngineKey(@Args('botId', { type: () => ID }) botId: string): Promise<string> {
    return this.bots.rotateEngineKey(botId);
  }

  @ResolveField(() => BotRole, { description: "The caller's role on this bot (members only)." })
  myRole(@Parent() bot: BotModel): BotRole {
    return assertMemberView(bot);
  }

  @ResolveField(() => [BotMemberModel])
  async members(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<BotMemberModel[]> {
    assertMemberView(bot);
    const loader = loaderFor(ctx, 'Bot.members', (ids: readonly string[]) =>
      this.bots.membersOf(ids),
    );
    return (await loader.load(bot.id)).map(toMemberModel);
  }
}
