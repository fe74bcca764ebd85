import { RateLimit } from '../common/rate-limit/rate-limit.interceptor';
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
import { BotsService } from '../bots/bots.service';
import { AppConfig } from '../config/app-config';
import { BotModel } from '../bots/models/bot.model';
import {
  Access,
  Public,
  botEngineOf,
  endUsersOf,
  operatorsOf,
  signedInEndUser,
  target,
} from '../common/auth/access';
import { Granted } from '../common/auth/caller.decorators';
import { AppError } from '../common/errors/app-error';
import { GrantedAccess, GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import { PageInfo } from '../common/pagination/cursor';
import { bannerFor, ConversationStreams } from './conversation-streams';
import { EndUserSessionInput, RequestFilter } from './dto/requests.inputs';
import { EndUsersService } from './end-users.service';
import { EndUserModel, EndUserSessionModel } from './models/end-user.model';
import { MessageModel } from './models/message.model';
import {
  BotEventModel,
  ConversationEventModel,
  UserRequestChangeModel,
  UserRequestConnection,
  UserRequestModel,
} from './models/user-request.model';
import { RequestsService } from './requests.service';

const theRequest = target('request', 'requestId');

@Resolver(() => UserRequestModel)
export class RequestsResolver {
  constructor(
    private readonly requests: RequestsService,
    private readonly endUsers: EndUsersService,
    private readonly streams: ConversationStreams,
    private readonly bots: BotsService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @RateLimit('sessions', 'clientAddress')
  @Mutation(() => EndUserSessionModel, {
    description: "A chat widget's session for one visitor of the bot whose widget key this is.",
  })
  async startEndUserSession(
    @Args('widgetKey') widgetKey: string,
    // Typed as the class (not `| null`) so the validation pipe sees its rules; it may be null.
    @Args('input', { type: () => EndUserSessionInput, nullable: true }) input: EndUserSessionInput,
    @Context() ctx: GraphQLContext,
  ): Promise<EndUserSessionModel> {
    const session = await this.endUsers.startSession(
      widgetKey,
      input ?? {},
      ctx.req?.headers['accept-language'],
      ctx.req?.headers.origin,
    );
    return Object.assign(new EndUserSessionModel(), {
      token: session.token,
      expiresAt: session.expiresAt,
      endUser: EndUserModel.from(session.endUser),
    });
  }

  @Access(signedInEndUser())
  @RateLimit('requests', 'caller')
  @Mutation(() => UserRequestModel, { description: "End-user token; plays the bot's entry story." })
  async openRequest(@Granted() access: GrantedAccess): Promise<UserRequestModel> {
    const principal = access.principal;
    if (principal?.kind !== 'endUser') {
      throw AppError.forbidden();
    }
    return UserRequestModel.from(await this.requests.open(principal.endUserId, principal.botId));
  }

  @Access(endUsersOf(theRequest))
  @RateLimit('messages', 'caller')
  @Mutation(() => MessageModel, { description: 'End-user token.' })
  async sendUserMessage(
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('text') text: string,
    @Args('clientMessageId', { type: () => String, nullable: true }) clientMessageId: string | null,
  ): Promise<MessageModel> {
    return MessageModel.from(
      await this.requests.postAsEndUser(requestId, text, clientMessageId),
      this.config.publicUrl,
    );
  }

  @Access(botEngineOf(theRequest))
  @RateLimit('messages', 'caller')
  @Mutation(() => MessageModel, { description: 'Bot engine key; BOT_PAUSED while HUMAN.' })
  async sendBotMessage(
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('text') text: string,
    @Args('clientMessageId', { type: () => String, nullable: true }) clientMessageId: string | null,
  ): Promise<MessageModel> {
    return MessageModel.from(
      await this.requests.postAsBot(requestId, text, clientMessageId),
      this.config.publicUrl,
    );
  }

  @Access(endUsersOf(theRequest), operatorsOf(theRequest))
  @Mutation(() => UserRequestModel, { description: 'Its end user, or a member.' })
  async closeRequest(
    @Args('requestId', { type: () => ID }) requestId: string,
    @Granted() access: GrantedAccess,
  ): Promise<UserRequestModel> {
    const closedBy = access.principal?.kind === 'account' ? access.principal.accountId : null;
    return UserRequestModel.from(await this.requests.close(requestId, closedBy));
  }

  @Access(operatorsOf(target('request', 'id')), endUsersOf(target('request', 'id')))
  @Query(() => UserRequestModel, { description: 'Members of its bot; its own end user.' })
  async request(@Args('id', { type: () => ID }) id: string): Promise<UserRequestModel> {
    return UserRequestModel.from(await this.requests.get(id));
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Query(() => UserRequestConnection, { name: 'requests', description: 'Newest activity first.' })
  async listRequests(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('filter', { type: () => RequestFilter, nullable: true }) filter: RequestFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<UserRequestConnection> {
    const page = await this.requests.list(botId, filter, first, after);
    return Object.assign(new UserRequestConnection(), {
      edges: page.edges.map(({ cursor, node }) => ({ cursor, node: UserRequestModel.from(node) })),
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: page.hasNextPage,
        endCursor: page.endCursor,
      }),
      totalCount: page.totalCount,
    });
  }

  @Access(operatorsOf(theRequest), endUsersOf(theRequest))
  @Subscription(() => ConversationEventModel, {
    description:
      'Members of the request bot, and its own end user. With afterSeq, first replays every MESSAGE_POSTED with a greater seq, then goes live, with no gap and no duplicate.',
    resolve: (event: ConversationEventModel) => event,
  })
  conversationEvents(
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('afterSeq', { type: () => Int, nullable: true }) afterSeq: number | null,
  ): AsyncIterableIterator<ConversationEventModel> {
    if (afterSeq !== null && afterSeq < 0) {
      throw AppError.badInput('afterSeq', 'afterSeq must not be negative');
    }
    return this.requests.conversationEvents(requestId, afterSeq);
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Subscription(() => UserRequestChangeModel, {
    resolve: (change: UserRequestChangeModel) => change,
  })
  requestsChanged(
    @Args('botId', { type: () => ID }) botId: string,
  ): AsyncIterableIterator<UserRequestChangeModel> {
    return this.streams.requests(botId);
  }

  @Access(botEngineOf(target('bot', 'botId')))
  @Subscription(() => BotEventModel, {
    description:
      'Bot engine key: REQUEST_OPENED; USER_MESSAGE while the bot has control; control changes.',
    resolve: (event: BotEventModel) => event,
  })
  botEvents(
    @Args('botId', { type: () => ID }) botId: string,
  ): AsyncIterableIterator<BotEventModel> {
    return this.streams.botEvents(botId);
  }

  @ResolveField(() => BotModel)
  async bot(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<BotModel> {
    const bot = await loaderFor(ctx, 'Bot.byId', (ids: readonly string[]) =>
      this.bots.byIds(ids),
    ).load(request.botId);
    if (!bot) {
      throw AppError.notFound('Bot');
    }
    const access = ctx.access;
    return BotModel.from(bot, access?.botId === bot.id ? (access.role ?? null) : null);
  }

  @ResolveField(() => EndUserModel)
  async endUser(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<EndUserModel> {
    const endUser = await this.endUserLoader(ctx).load(request.endUserId);
    if (!endUser) {
      throw AppError.notFound('End user');
    }
    return EndUserModel.from(endUser);
  }

  @ResolveField(() => String, {
    nullable: true,
    description: '"A support agent is online" in the end user\'s language while HUMAN; else null.',
  })
  async banner(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<string | null> {
    const endUser = await this.endUserLoader(ctx).load(request.endUserId);
    return bannerFor(request.controlMode, endUser?.locale ?? 'en');
  }

  @ResolveField(() => [MessageModel], {
    description: 'Ascending seq; first defaults to 100, at most 500.',
  })
  async messages(
    @Parent() request: UserRequestModel,
    @Args('afterSeq', { type: () => Int, nullable: true }) afterSeq: number | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number | null,
    @Context() ctx: GraphQLContext,
  ): Promise<MessageModel[]> {
    // One loader per distinct (afterSeq, first): a list of requests reads its messages at once.
    const loader = loaderFor(
      ctx,
      `UserRequest.messages:${afterSeq}:${first}`,
      (ids: readonly string[]) => this.requests.messagesForEach(ids, afterSeq, first),
    );
    return (await loader.load(request.id)).map((message) =>
      MessageModel.from(message, this.config.publicUrl),
    );
  }

  private endUserLoader(ctx: GraphQLContext) {
    return loaderFor(ctx, 'EndUser.byId', (ids: readonly string[]) => this.endUsers.byIds(ids));
  }
}

@Resolver(() => EndUserModel)
export class EndUsersResolver {
  constructor(private readonly endUsers: EndUsersService) {}

  @ResolveField(() => Boolean, { description: 'Live: at least one open connection.' })
  online(@Parent() endUser: EndUserModel, @Context() ctx: GraphQLContext): Promise<boolean> {
    return loaderFor(ctx, 'EndUser.online', (ids: readonly string[]) =>
      this.endUsers.isOnline(ids),
    ).load(endUser.id);
  }
}
