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
import { PresenceService } from '../presence/presence.service';
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
  @Query(() => BotModel, {
    description:
      'One bot, for its members (ADMINISTRATOR or SUPPORT_AGENT). NOT_FOUND when it does not exist or the caller is no member.',
  })
  async bot(
    @Args('id', { type: () => ID, description: 'The bot.' }) id: string,
    @Granted() access: GrantedAccess,
  ): Promise<BotModel> {
    return BotModel.from(await this.bots.get(id), access.role as BotRole);
  }

  @Access(signedInAccount())
  @Mutation(() => BotModel, {
    description:
      'Creates a bot with a new widget key; the calling account becomes its ADMINISTRATOR. Account token only. BAD_USER_INPUT names an invalid field.',
  })
  async createBot(
    @Args('input', { description: 'Name and time zone of the bot.' }) input: CreateBotInput,
    @CallerAccountId() accountId: string,
  ): Promise<BotModel> {
    const { bot, role } = await this.bots.create(accountId, input);
    return BotModel.from(bot, role);
  }

  @Access(administratorsOf(target('bot', 'id')))
  @Mutation(() => BotModel, {
    description:
      'Renames a bot, moves it to another time zone or restricts the origins of its widget key. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  async updateBot(
    @Args('id', { type: () => ID, description: 'The bot.' }) id: string,
    @Args('input', { description: 'The fields to change.' }) input: UpdateBotInput,
    @Granted() access: GrantedAccess,
  ): Promise<BotModel> {
    return BotModel.from(await this.bots.update(id, input), access.role as BotRole);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotMemberModel, {
    description:
      'Adds an existing account to the bot, found by its email. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. NOT_FOUND (field email) when no account has the email; CONFLICT when it is already a member.',
  })
  async addBotMember(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('email', { description: 'Email of the account to add.' }) email: string,
    @Args('role', { type: () => BotRole, description: 'Role the account gets on this bot.' })
    role: BotRole,
  ): Promise<BotMemberModel> {
    return toMemberModel(await this.bots.addMember(botId, email, role));
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotMemberModel, {
    description:
      'Gives a member another role. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. NOT_FOUND when the account is no member; CONFLICT when it would leave the bot without an ADMINISTRATOR.',
  })
  async changeBotMemberRole(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('accountId', { type: () => ID, description: 'The member whose role changes.' })
    accountId: string,
    @Args('role', { type: () => BotRole, description: 'The new role.' }) role: BotRole,
  ): Promise<BotMemberModel> {
    return toMemberModel(await this.bots.changeRole(botId, accountId, role));
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => ID, {
    description:
      'Removes a member from the bot and answers its account id; its open subscriptions on the bot end at once, and live conversations it controls go back to the bot (endReason MEMBER_REMOVED). ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. NOT_FOUND when the account is no member; CONFLICT when it is the last ADMINISTRATOR.',
  })
  async removeBotMember(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('accountId', { type: () => ID, description: 'The member to remove.' })
    accountId: string,
    @CallerAccountId() callerId: string,
  ): Promise<string> {
    await this.bots.removeMember(botId, accountId, callerId);
    return accountId;
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => String, {
    description:
      'Issues a new bot engine key (sbk_...) and answers it; the previous key stops working at once. The key is shown only here, once. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  rotateBotEngineKey(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): Promise<string> {
    return this.bots.rotateEngineKey(botId);
  }

  @ResolveField(() => BotRole, {
    description: "The caller's role on this bot. Members only: FORBIDDEN for anyone else.",
  })
  myRole(@Parent() bot: BotModel): BotRole {
    return assertMemberView(bot);
  }

  @ResolveField(() => [BotMemberModel], {
    description: 'Every member and its role. Members only: FORBIDDEN for anyone else.',
  })
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

/** `BotMember.online`: live account presence, batched over the members in the answer. */
@Resolver(() => BotMemberModel)
export class BotMemberResolver {
  constructor(private readonly presence: PresenceService) {}

  @ResolveField(() => Boolean, {
    description:
      "Live: at least one graphql-ws connection is open with this member's account token, on any instance.",
  })
  async online(@Parent() member: BotMemberModel, @Context() ctx: GraphQLContext): Promise<boolean> {
    const loader = loaderFor(ctx, 'BotMember.online', (ids: readonly string[]) =>
      this.presence.accountsOnline(ids),
    );
    return loader.load(member.account.id);
  }
}
