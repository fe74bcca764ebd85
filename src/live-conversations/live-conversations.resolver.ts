import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { AccountsService } from '../accounts/accounts.service';
import { AccountModel } from '../accounts/models/account.model';
import { RateLimit } from '../common/rate-limit/rate-limit.interceptor';
import { Access, operatorsOf, signedInAccount, target } from '../common/auth/access';
import { BotRole } from '../common/auth/bot-role';
import { CallerAccountId, Granted } from '../common/auth/caller.decorators';
import { AppError } from '../common/errors/app-error';
import { GrantedAccess, GraphQLContext } from '../common/graphql/graphql-context';
import { AccountEntity } from '../accounts/account.entity';
import { loaderFor } from '../common/graphql/loaders';
import { PAGE_ARGS, PageInfo } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import { MessageModel } from '../requests/models/message.model';
import {
  ConversationEventModel,
  LiveConversationPayload,
  UserRequestModel,
} from '../requests/models/user-request.model';
import { RequestsService } from '../requests/requests.service';
import { LiveConversationsService } from './live-conversations.service';
import { ControlChangeModel } from './models/control-change.model';
import {
  LiveConversationChangeModel,
  LiveConversationConnection,
  LiveConversationModel,
  LiveConversationScope,
} from './models/live-conversation.model';

const theLiveConversation = target('liveConversation', 'liveConversationId');

@Resolver(() => LiveConversationModel)
export class LiveConversationsResolver {
  constructor(
    private readonly liveConversations: LiveConversationsService,
    private readonly requests: RequestsService,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  @Access(operatorsOf(target('request', 'requestId')))
  @Mutation(() => LiveConversationModel, {
    description:
      'Takes control of a user request: the bot is paused and the caller talks with the end user, shown with their operator profile. Any member (ADMINISTRATOR or SUPPORT_AGENT), whatever the availability; NOT_FOUND for other accounts. END_USER_OFFLINE unless the end user is online; ALREADY_UNDER_CONTROL (extensions.liveConversationId) when someone has control; REQUEST_CLOSED once it is closed.',
  })
  async takeControl(
    @Args('requestId', { type: () => ID, description: 'The user request.' }) requestId: string,
    @CallerAccountId() accountId: string,
  ): Promise<LiveConversationModel> {
    return this.liveConversations.toModel(
      await this.liveConversations.takeControl(requestId, accountId),
    );
  }

  @Access(operatorsOf(theLiveConversation))
  @RateLimit('messages', 'caller')
  @Mutation(() => MessageModel, {
    description:
      'Posts a message as the agent in control. Members of the bot; NOT_IN_CONTROL for any other member or once the conversation ended; RATE_LIMITED past RATE_LIMIT_MESSAGES.',
  })
  async sendAgentMessage(
    @Args('liveConversationId', { type: () => ID, description: 'The live conversation.' })
    liveConversationId: string,
    @Args('text', { description: 'The message, 1 to 4000 characters once trimmed.' }) text: string,
    @Args('clientMessageId', {
      type: () => String,
      nullable: true,
      description:
        'Idempotency key chosen by the sender: a retry with the same key returns the first message instead of posting again.',
    })
    clientMessageId: string | null,
    @CallerAccountId() accountId: string,
  ): Promise<MessageModel> {
    const message = await this.liveConversations.sendAgentMessage(
      liveConversationId,
      accountId,
      text,
      clientMessageId,
    );
    return MessageModel.from(message, this.config.publicUrl);
  }

  @Access(operatorsOf(theLiveConversation))
  @Mutation(() => LiveConversationModel, {
    description:
      'Hands control back to the bot and answers the ended live conversation. The agent in control, or an ADMINISTRATOR of the bot; FORBIDDEN for another SUPPORT_AGENT.',
  })
  async releaseControl(
    @Args('liveConversationId', { type: () => ID, description: 'The live conversation.' })
    liveConversationId: string,
    @Granted() access: GrantedAccess,
    @CallerAccountId() accountId: string,
  ): Promise<LiveConversationModel> {
    const released = await this.liveConversations.release(
      liveConversationId,
      accountId,
      access.role as BotRole,
    );
    return this.liveConversations.toModel(released);
  }

  @Access(operatorsOf(theLiveConversation))
  @Mutation(() => LiveConversationModel, {
    description:
      "Hands control to another member of the bot without the bot regaining it: the current live conversation ends (TRANSFERRED) and the target's starts, with its own operator identity; the end user reads AGENT_LEFT then AGENT_JOINED. By the agent in control or an ADMINISTRATOR (another SUPPORT_AGENT: FORBIDDEN). The target must be a member of either role (else NOT_FOUND) other than the agent in control (BAD_USER_INPUT); the end user need not be online. Returns the target's new ACTIVE live conversation; of concurrent transfers or releases one wins, the others get NOT_IN_CONTROL.",
  })
  async transferControl(
    @Args('liveConversationId', {
      type: () => ID,
      description: 'The ACTIVE live conversation to hand over.',
    })
    liveConversationId: string,
    @Args('toAccountId', {
      type: () => ID,
      description: 'The member (ADMINISTRATOR or SUPPORT_AGENT of the bot) who takes over.',
    })
    toAccountId: string,
    @Granted() access: GrantedAccess,
    @CallerAccountId() accountId: string,
  ): Promise<LiveConversationModel> {
    const started = await this.liveConversations.transfer(
      liveConversationId,
      accountId,
      access.role as BotRole,
      toAccountId,
    );
    return this.liveConversations.toModel(started);
  }

  /** Open to every account: the list only ever holds bots the caller is a member of. */
  @Access(signedInAccount())
  @Query(() => LiveConversationConnection, {
    name: 'liveConversations',
    description:
      "A page of ACTIVE live conversations, newest first; without botId, across all the caller's bots. Account token only; NOT_FOUND for a botId the caller is no member of.",
  })
  async listLiveConversations(
    @CallerAccountId() accountId: string,
    @Args('botId', {
      type: () => ID,
      nullable: true,
      description: "Only this bot's; absent: every bot the caller is a member of.",
    })
    botId: string | null,
    @Args('scope', {
      type: () => LiveConversationScope,
      nullable: true,
      defaultValue: LiveConversationScope.MINE,
      description: "The caller's own (MINE, the default) or every agent's (ALL).",
    })
    scope: LiveConversationScope | null,
    @Args('first', PAGE_ARGS.first) first: number | null,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
  ): Promise<LiveConversationConnection> {
    const page = await this.liveConversations.list(
      accountId,
      botId ?? null,
      scope ?? LiveConversationScope.MINE,
      { first, after, last, before },
    );
    return Object.assign(new LiveConversationConnection(), {
      edges: page.edges.map(({ cursor, node }) => ({
        cursor,
        node: this.liveConversations.toModel(node),
      })),
      pageInfo: PageInfo.of(page),
      totalCount: page.totalCount,
    });
  }

  @Access(operatorsOf(target('liveConversation', 'id')))
  @Query(() => LiveConversationModel, {
    description:
      'One live conversation, active or ended. Members of its bot; NOT_FOUND for other accounts.',
  })
  async liveConversation(
    @Args('id', { type: () => ID, description: 'The live conversation.' }) id: string,
  ): Promise<LiveConversationModel> {
    return this.liveConversations.toModel(await this.liveConversations.get(id));
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Subscription(() => LiveConversationChangeModel, {
    description:
      'Live conversations of the bot as they start and end. Members of the bot; NOT_FOUND for other accounts.',
    resolve: (change: LiveConversationChangeModel) => change,
  })
  liveConversationsChanged(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): AsyncIterableIterator<LiveConversationChangeModel> {
    return this.liveConversations.changes(botId);
  }

  @ResolveField(() => UserRequestModel, { description: 'The user request taken over.' })
  async request(
    @Parent() liveConversation: LiveConversationModel,
    @Context() ctx: GraphQLContext,
  ): Promise<UserRequestModel> {
    const loader = loaderFor(ctx, 'UserRequest.byId', (ids: readonly string[]) =>
      this.requests.byIds(ids),
    );
    const request = await loader.load(liveConversation.requestId);
    if (!request) {
      throw AppError.notFound('Request');
    }
    return UserRequestModel.from(request);
  }

  /** An operator's account is for the team; end users see `operator`. */
  @ResolveField(() => AccountModel, {
    description:
      'The account of the agent who took control. Account tokens only: FORBIDDEN for end users.',
  })
  async agent(
    @Parent() liveConversation: LiveConversationModel,
    @Context() ctx: GraphQLContext,
  ): Promise<AccountModel> {
    if (ctx.access?.principal?.kind !== 'account') {
      throw AppError.forbidden('Only members of the bot may read the agent account');
    }
    const loader = loaderFor(ctx, 'Account.byId', async (ids: readonly string[]) => {
      const accounts = await this.accounts.findByIds(ids);
      return ids.map((id) => accounts.find((account) => account.id === id) ?? null);
    });
    const account = await loader.load(liveConversation.agentId);
    if (!account) {
      throw AppError.notFound('Account');
    }
    return AccountModel.from(account);
  }

  @ResolveField(() => AccountModel, {
    nullable: true,
    description:
      'The member who ended it (for MEMBER_REMOVED, the one who removed the agent); null while ACTIVE, when it ended automatically, or when the end user closed the request. Members only (end users: FORBIDDEN).',
  })
  async endedBy(
    @Parent() liveConversation: LiveConversationModel,
    @Context() ctx: GraphQLContext,
  ): Promise<AccountModel | null> {
    if (ctx.access?.principal?.kind !== 'account') {
      throw AppError.forbidden('Only members of the bot may read who ended a live conversation');
    }
    if (!liveConversation.endedById) {
      return null;
    }
    const account = await accountLoader(ctx, this.accounts).load(liveConversation.endedById);
    return account ? AccountModel.from(account) : null;
  }

  @ResolveField(() => LiveConversationModel, {
    nullable: true,
    description: 'TRANSFERRED: the live conversation it was handed to; else null.',
  })
  async transferredTo(
    @Parent() liveConversation: LiveConversationModel,
    @Context() ctx: GraphQLContext,
  ): Promise<LiveConversationModel | null> {
    if (!liveConversation.transferredToId) {
      return null;
    }
    const loader = loaderFor(ctx, 'LiveConversation.byId', (ids: readonly string[]) =>
      this.liveConversations.byIds(ids),
    );
    const next = await loader.load(liveConversation.transferredToId);
    return next ? this.liveConversations.toModel(next) : null;
  }
}

/** The accounts of one operation, loaded together. */
function accountLoader(ctx: GraphQLContext, accounts: AccountsService) {
  return loaderFor(ctx, 'Account.byId', async (ids: readonly string[]) => {
    const rows = await accounts.findByIds(ids);
    return ids.map((id) => rows.find((account) => account.id === id) ?? null);
  });
}

/** `from`, `to` and `by` of a change of control. */
@Resolver(() => ControlChangeModel)
export class ControlChangeResolver {
  constructor(private readonly accounts: AccountsService) {}

  @ResolveField(() => AccountModel, {
    nullable: true,
    description: 'Who had control before; null for TAKEN.',
  })
  from(@Parent() change: ControlChangeModel, @Context() ctx: GraphQLContext) {
    return this.account(change.fromId, ctx);
  }

  @ResolveField(() => AccountModel, {
    nullable: true,
    description: 'Who has control after; null when control went back to the bot.',
  })
  to(@Parent() change: ControlChangeModel, @Context() ctx: GraphQLContext) {
    return this.account(change.toId, ctx);
  }

  @ResolveField(() => AccountModel, {
    nullable: true,
    description:
      'Who made the change (for MEMBER_REMOVED, the member who removed the agent); null when automatic or when the end user closed the request.',
  })
  by(@Parent() change: ControlChangeModel, @Context() ctx: GraphQLContext) {
    return this.account(change.byId, ctx);
  }

  private async account(id: string | null, ctx: GraphQLContext): Promise<AccountModel | null> {
    if (!id) {
      return null;
    }
    const account: AccountEntity | null = await accountLoader(ctx, this.accounts).load(id);
    return account ? AccountModel.from(account) : null;
  }
}

/** The live conversation of a request, and of a conversation event. */
@Resolver(() => UserRequestModel)
export class RequestLiveConversationResolver {
  constructor(private readonly liveConversations: LiveConversationsService) {}

  @ResolveField(() => LiveConversationModel, {
    nullable: true,
    description: 'The active live conversation; null while the bot has control.',
  })
  async liveConversation(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<LiveConversationModel | null> {
    const loader = loaderFor(ctx, 'UserRequest.liveConversation', (ids: readonly string[]) =>
      this.liveConversations.activeOfRequests(ids),
    );
    const active = await loader.load(request.id);
    return active ? this.liveConversations.toModel(active) : null;
  }

  @ResolveField(() => [ControlChangeModel], {
    description:
      'Every change of control of the request, oldest first: taken, transferred, released (by a member, automatically, by closing the request, or by removing the agent from the bot). Members only (end users: FORBIDDEN).',
  })
  async controlHistory(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<ControlChangeModel[]> {
    if (ctx.access?.principal?.kind !== 'account') {
      throw AppError.forbidden('Only members of the bot may read the control history');
    }
    const loader = loaderFor(ctx, 'UserRequest.controlHistory', (ids: readonly string[]) =>
      this.liveConversations.controlHistoriesOf(ids),
    );
    return loader.load(request.id);
  }
}

@Resolver(() => ConversationEventModel)
export class ConversationEventLiveConversationResolver {
  @ResolveField(() => LiveConversationModel, {
    nullable: true,
    description:
      'CONTROL_TAKEN, CONTROL_RELEASED: the live conversation; CONTROL_TRANSFERRED: the new one; else null.',
  })
  liveConversation(@Parent() event: ConversationEventModel): LiveConversationPayload | null {
    return event.liveConversationPayload ?? null;
  }
}
