import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { AccountsService } from '../accounts/accounts.service';
import { AccountModel } from '../accounts/models/account.model';
import { Access, operatorsOf, signedInAccount, target } from '../common/auth/access';
import { BotRole } from '../common/auth/bot-role';
import { CallerAccountId, Granted } from '../common/auth/caller.decorators';
import { AppError } from '../common/errors/app-error';
import { GrantedAccess, GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import { PageInfo } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import { MessageModel } from '../requests/models/message.model';
import {
  ConversationEventModel,
  LiveConversationPayload,
  UserRequestModel,
} from '../requests/models/user-request.model';
import { RequestsService } from '../requests/requests.service';
import { LiveConversationsService } from './live-conversations.service';
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
      'ADMINISTRATOR or SUPPORT_AGENT; the end user must be online; one controller at a time. Availability does not matter.',
  })
  async takeControl(
    @Args('requestId', { type: () => ID }) requestId: string,
    @CallerAccountId() accountId: string,
  ): Promise<LiveConversationModel> {
    return this.liveConversations.toModel(
      await this.liveConversations.takeControl(requestId, accountId),
    );
  }

  @Access(operatorsOf(theLiveConversation))
  @Mutation(() => MessageModel, { description: 'The controlling agent only.' })
  async sendAgentMessage(
    @Args('liveConversationId', { type: () => ID }) liveConversationId: string,
    @Args('text') text: string,
    @Args('clientMessageId', { type: () => String, nullable: true }) clientMessageId: string | null,
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
    description: 'The controlling agent, or an ADMINISTRATOR.',
  })
  async releaseControl(
    @Args('liveConversationId', { type: () => ID }) liveConversationId: string,
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

  /** Open to every account: the list only ever holds bots the caller is a member of. */
  @Access(signedInAccount())
  @Query(() => LiveConversationConnection, {
    name: 'liveConversations',
    description: "ACTIVE ones; without botId, across all the caller's bots.",
  })
  async listLiveConversations(
    @CallerAccountId() accountId: string,
    @Args('botId', { type: () => ID, nullable: true }) botId: string | null,
    @Args('scope', {
      type: () => LiveConversationScope,
      nullable: true,
      defaultValue: LiveConversationScope.MINE,
    })
    scope: LiveConversationScope | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<LiveConversationConnection> {
    const page = await this.liveConversations.list(
      accountId,
      botId ?? null,
      scope ?? LiveConversationScope.MINE,
      first,
      after,
    );
    return Object.assign(new LiveConversationConnection(), {
      edges: page.edges.map(({ cursor, node }) => ({
        cursor,
        node: this.liveConversations.toModel(node),
      })),
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: page.hasNextPage,
        endCursor: page.endCursor,
      }),
      totalCount: page.totalCount,
    });
  }

  @Access(operatorsOf(target('liveConversation', 'id')))
  @Query(() => LiveConversationModel)
  async liveConversation(
    @Args('id', { type: () => ID }) id: string,
  ): Promise<LiveConversationModel> {
    return this.liveConversations.toModel(await this.liveConversations.get(id));
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Subscription(() => LiveConversationChangeModel, {
    description: 'Members.',
    resolve: (change: LiveConversationChangeModel) => change,
  })
  liveConversationsChanged(
    @Args('botId', { type: () => ID }) botId: string,
  ): AsyncIterableIterator<LiveConversationChangeModel> {
    return this.liveConversations.changes(botId);
  }

  @ResolveField(() => UserRequestModel, { description: 'The associated user request.' })
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
  @ResolveField(() => AccountModel)
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
}

/** The live conversation of a request, and of a conversation event. */
@Resolver(() => UserRequestModel)
export class RequestLiveConversationResolver {
  constructor(private readonly liveConversations: LiveConversationsService) {}

  @ResolveField(() => LiveConversationModel, {
    nullable: true,
    description: 'The active one, if any.',
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
}

@Resolver(() => ConversationEventModel)
export class ConversationEventLiveConversationResolver {
  @ResolveField(() => LiveConversationModel, {
    nullable: true,
    description: 'CONTROL_TAKEN, CONTROL_RELEASED',
  })
  liveConversation(@Parent() event: ConversationEventModel): LiveConversationPayload | null {
    return event.liveConversationPayload ?? null;
  }
}
