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
import { PAGE_ARGS, PageInfo } from '../common/pagination/cursor';
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
    description:
      "Starts a chat widget's session for one visitor of the bot whose widget key this is, and answers an end-user token. Open to anyone. NOT_FOUND for an unknown widget key; FORBIDDEN from a page outside the bot's allowedOrigins; RATE_LIMITED past RATE_LIMIT_SESSIONS per client address.",
  })
  async startEndUserSession(
    @Args('widgetKey', { description: "The bot's public widget key." }) widgetKey: string,
    // Typed as the class (not `| null`) so the validation pipe sees its rules; it may be null.
    @Args('input', {
      type: () => EndUserSessionInput,
      nullable: true,
      description: 'What the widget knows about the visitor; absent: nothing.',
    })
    input: EndUserSessionInput,
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
  @Mutation(() => UserRequestModel, {
    description:
      "Opens a user request for the calling end user and plays the bot's entry story, whose messages the answer already holds. End-user token only: FORBIDDEN otherwise. RATE_LIMITED past RATE_LIMIT_REQUESTS per end user.",
  })
  async openRequest(@Granted() access: GrantedAccess): Promise<UserRequestModel> {
    const principal = access.principal;
    if (principal?.kind !== 'endUser') {
      throw AppError.forbidden();
    }
    return UserRequestModel.from(await this.requests.open(principal.endUserId, principal.botId));
  }

  @Access(endUsersOf(theRequest))
  @RateLimit('messages', 'caller')
  @Mutation(() => MessageModel, {
    description:
      'Posts a message as the end user of the request. End-user token of that request only (NOT_FOUND for another end user). REQUEST_CLOSED once it is closed; BAD_USER_INPUT (field text) for an empty or too long text; RATE_LIMITED past RATE_LIMIT_MESSAGES.',
  })
  async sendUserMessage(
    @Args('requestId', { type: () => ID, description: 'The user request.' }) requestId: string,
    @Args('text', { description: 'The message, 1 to 4000 characters once trimmed.' }) text: string,
    @Args('clientMessageId', {
      type: () => String,
      nullable: true,
      description:
        'Idempotency key chosen by the sender: a retry with the same key returns the first message instead of posting again.',
    })
    clientMessageId: string | null,
  ): Promise<MessageModel> {
    return MessageModel.from(
      await this.requests.postAsEndUser(requestId, text, clientMessageId),
      this.config.publicUrl,
    );
  }

  @Access(botEngineOf(theRequest))
  @RateLimit('messages', 'caller')
  @Mutation(() => MessageModel, {
    description:
      'Posts a message as the bot. Bot engine key of the request bot only. BOT_PAUSED while a person has control (HUMAN); REQUEST_CLOSED once it is closed; RATE_LIMITED past RATE_LIMIT_MESSAGES.',
  })
  async sendBotMessage(
    @Args('requestId', { type: () => ID, description: 'The user request.' }) requestId: string,
    @Args('text', { description: 'The message, 1 to 4000 characters once trimmed.' }) text: string,
    @Args('clientMessageId', {
      type: () => String,
      nullable: true,
      description:
        'Idempotency key chosen by the sender: a retry with the same key returns the first message instead of posting again.',
    })
    clientMessageId: string | null,
  ): Promise<MessageModel> {
    return MessageModel.from(
      await this.requests.postAsBot(requestId, text, clientMessageId),
      this.config.publicUrl,
    );
  }

  @Access(endUsersOf(theRequest), operatorsOf(theRequest))
  @Mutation(() => UserRequestModel, {
    description:
      'Closes a user request (ending any live conversation) and answers it; closing a closed one changes nothing. Its end user, or a member of its bot; NOT_FOUND for other accounts and end users.',
  })
  async closeRequest(
    @Args('requestId', { type: () => ID, description: 'The user request.' }) requestId: string,
    @Granted() access: GrantedAccess,
  ): Promise<UserRequestModel> {
    const closedBy = access.principal?.kind === 'account' ? access.principal.accountId : null;
    return UserRequestModel.from(await this.requests.close(requestId, closedBy));
  }

  @Access(operatorsOf(target('request', 'id')), endUsersOf(target('request', 'id')))
  @Query(() => UserRequestModel, {
    description:
      'One user request. Members of its bot and its own end user; NOT_FOUND for other accounts and end users, as for an unknown id.',
  })
  async request(
    @Args('id', { type: () => ID, description: 'The user request.' }) id: string,
  ): Promise<UserRequestModel> {
    return UserRequestModel.from(await this.requests.get(id));
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Query(() => UserRequestConnection, {
    name: 'requests',
    description:
      "A page of the bot's user requests, newest activity first (Relay cursors, both ways), with optional filters. Members of the bot; NOT_FOUND for other accounts.",
  })
  async listRequests(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('filter', {
      type: () => RequestFilter,
      nullable: true,
      description: 'Which requests to list; absent: all of them.',
    })
    filter: RequestFilter | null,
    @Args('first', PAGE_ARGS.first) first: number | null,
    @Args('after', PAGE_ARGS.after) after: string | null,
    @Args('last', PAGE_ARGS.last) last: number | null,
    @Args('before', PAGE_ARGS.before) before: string | null,
  ): Promise<UserRequestConnection> {
    const page = await this.requests.list(botId, filter, { first, after, last, before });
    return Object.assign(new UserRequestConnection(), {
      edges: page.edges.map(({ cursor, node }) => ({ cursor, node: UserRequestModel.from(node) })),
      pageInfo: PageInfo.of(page),
      totalCount: page.totalCount,
    });
  }

  @Access(operatorsOf(theRequest), endUsersOf(theRequest))
  @Subscription(() => ConversationEventModel, {
    description:
      "Everything that happens in one user request: messages, control changes and the end user's presence. Members of the request's bot and its own end user; NOT_FOUND for other accounts and end users. With afterSeq, first replays every MESSAGE_POSTED with a greater seq, then goes live, with no gap and no duplicate.",
    resolve: (event: ConversationEventModel) => event,
  })
  conversationEvents(
    @Args('requestId', { type: () => ID, description: 'The user request.' }) requestId: string,
    @Args('afterSeq', {
      type: () => Int,
      nullable: true,
      description:
        'The last seq the client has (0 or more); absent: only new events. BAD_USER_INPUT when negative.',
    })
    afterSeq: number | null,
  ): AsyncIterableIterator<ConversationEventModel> {
    if (afterSeq !== null && afterSeq < 0) {
      throw AppError.badInput('afterSeq', 'afterSeq must not be negative');
    }
    return this.requests.conversationEvents(requestId, afterSeq);
  }

  @Access(operatorsOf(target('bot', 'botId')))
  @Subscription(() => UserRequestChangeModel, {
    description:
      "Every change to the bot's user requests: opened, updated (message, control, presence), closed. Members of the bot; NOT_FOUND for other accounts.",
    resolve: (change: UserRequestChangeModel) => change,
  })
  requestsChanged(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): AsyncIterableIterator<UserRequestChangeModel> {
    return this.streams.requests(botId);
  }

  @Access(botEngineOf(target('bot', 'botId')))
  @Subscription(() => BotEventModel, {
    description:
      "What the bot's engine must know: requests opened, end-user messages while the bot has control, and control taken or released. The bot's engine key only.",
    resolve: (event: BotEventModel) => event,
  })
  botEvents(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): AsyncIterableIterator<BotEventModel> {
    return this.streams.botEvents(botId);
  }

  @ResolveField(() => BotModel, {
    description:
      'The bot the request was opened with; its end user may read only its name and support status.',
  })
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

  @ResolveField(() => EndUserModel, { description: 'The end user who opened the request.' })
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
    description:
      'The banner the end user sees: "A support agent is online" in their language while HUMAN; else null.',
  })
  async banner(
    @Parent() request: UserRequestModel,
    @Context() ctx: GraphQLContext,
  ): Promise<string | null> {
    const endUser = await this.endUserLoader(ctx).load(request.endUserId);
    return bannerFor(request.controlMode, endUser?.locale ?? 'en');
  }

  @ResolveField(() => [MessageModel], {
    description: 'Messages of the request in ascending seq, at most 500 at once.',
  })
  async messages(
    @Parent() request: UserRequestModel,
    @Args('afterSeq', {
      type: () => Int,
      nullable: true,
      description: 'Only messages with a greater seq; absent: from the first.',
    })
    afterSeq: number | null,
    @Args('first', {
      type: () => Int,
      nullable: true,
      defaultValue: 100,
      description: 'How many messages at most, 1 to 500 (BAD_USER_INPUT otherwise); default 100.',
    })
    first: number | null,
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

  @ResolveField(() => Boolean, {
    description: 'Live: true while at least one graphql-ws connection with their token is open.',
  })
  online(@Parent() endUser: EndUserModel, @Context() ctx: GraphQLContext): Promise<boolean> {
    return loaderFor(ctx, 'EndUser.online', (ids: readonly string[]) =>
      this.endUsers.isOnline(ids),
    ).load(endUser.id);
  }
}
