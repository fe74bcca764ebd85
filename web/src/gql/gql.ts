/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleMe {\n    me {\n      id\n      name\n      email\n    }\n    bots {\n      id\n      name\n      myRole\n    }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  query ConsoleLiveConversations($botId: ID!, $scope: LiveConversationScope) {\n    liveConversations(botId: $botId, scope: $scope, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          startedAt\n          agent {\n            id\n            name\n          }\n          operator {\n            displayName\n            avatarUrl\n          }\n          request {\n            id\n            endUser {\n              id\n              displayName\n              externalId\n              online\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleLiveConversationsDocument,
    "\n  subscription ConsoleLiveConversationsChanged($botId: ID!) {\n    liveConversationsChanged(botId: $botId) {\n      type\n      liveConversation {\n        id\n      }\n    }\n  }\n": typeof types.ConsoleLiveConversationsChangedDocument,
    "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      accessToken\n    }\n  }\n": typeof types.ConsoleLoginDocument,
    "\n  query ConsoleOperatorProfile($botId: ID!) {\n    operatorProfile(botId: $botId) {\n      botId\n      displayName\n      avatarUrl\n      effective {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": typeof types.ConsoleOperatorProfileDocument,
    "\n  query ConsolePreview($botId: ID!, $input: OperatorProfileInput, $language: Language) {\n    previewOperatorProfile(botId: $botId, input: $input, language: $language) {\n      language\n      header {\n        displayName\n        avatarUrl\n      }\n      joinedNotice\n      leftNotice\n      banner\n    }\n  }\n": typeof types.ConsolePreviewDocument,
    "\n  mutation ConsoleUpdateOperatorProfile($botId: ID!, $input: OperatorProfileInput!) {\n    updateOperatorProfile(botId: $botId, input: $input) {\n      displayName\n    }\n  }\n": typeof types.ConsoleUpdateOperatorProfileDocument,
    "\n  mutation ConsoleSetOperatorAvatar($botId: ID!, $image: AvatarUpload!) {\n    setOperatorAvatar(botId: $botId, image: $image) {\n      avatarUrl\n    }\n  }\n": typeof types.ConsoleSetOperatorAvatarDocument,
    "\n  query ConsoleRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      controlMode\n      awaitingHuman\n      endUser {\n        id\n        displayName\n        externalId\n        online\n        locale\n      }\n      liveConversation {\n        id\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ConsoleRequestDocument,
    "\n  mutation ConsoleTakeControl($requestId: ID!) {\n    takeControl(requestId: $requestId) {\n      id\n    }\n  }\n": typeof types.ConsoleTakeControlDocument,
    "\n  mutation ConsoleSendAgentMessage(\n    $liveConversationId: ID!\n    $text: String!\n    $clientMessageId: String\n  ) {\n    sendAgentMessage(\n      liveConversationId: $liveConversationId\n      text: $text\n      clientMessageId: $clientMessageId\n    ) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": typeof types.ConsoleSendAgentMessageDocument,
    "\n  mutation ConsoleReleaseControl($liveConversationId: ID!) {\n    releaseControl(liveConversationId: $liveConversationId) {\n      id\n      status\n    }\n  }\n": typeof types.ConsoleReleaseControlDocument,
    "\n  query ConsoleRequests($botId: ID!, $filter: RequestFilter) {\n    requests(botId: $botId, filter: $filter, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          controlMode\n          awaitingHuman\n          lastActivityAt\n          endUser {\n            id\n            displayName\n            externalId\n            online\n            locale\n          }\n          liveConversation {\n            id\n            agent {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleRequestsDocument,
    "\n  subscription ConsoleRequestsChanged($botId: ID!) {\n    requestsChanged(botId: $botId) {\n      type\n      request {\n        id\n      }\n    }\n  }\n": typeof types.ConsoleRequestsChangedDocument,
    "\n  query ConsoleSupportStatus($botId: ID!) {\n    supportStatus(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": typeof types.ConsoleSupportStatusDocument,
    "\n  subscription ConsoleSupportStatusChanged($botId: ID!) {\n    supportStatusChanged(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": typeof types.ConsoleSupportStatusChangedDocument,
    "\n  query ConsoleSchedule($botId: ID!) {\n    bot(id: $botId) {\n      id\n      timeZone\n      weeklySchedule {\n        id\n        weekday\n        startTime\n        endTime\n      }\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": typeof types.ConsoleScheduleDocument,
    "\n  mutation ConsoleReplaceWeeklySchedule($botId: ID!, $slots: [AvailabilitySlotInput!]!) {\n    replaceWeeklySchedule(botId: $botId, slots: $slots) {\n      id\n    }\n  }\n": typeof types.ConsoleReplaceWeeklyScheduleDocument,
    "\n  mutation ConsoleActivateUnavailability($botId: ID!, $hours: Int!, $minutes: Int!) {\n    activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) {\n      endsAt\n      remainingSeconds\n    }\n  }\n": typeof types.ConsoleActivateUnavailabilityDocument,
    "\n  mutation ConsoleEndUnavailability($botId: ID!) {\n    endTemporaryUnavailability(botId: $botId) {\n      state\n    }\n  }\n": typeof types.ConsoleEndUnavailabilityDocument,
    "\n  subscription ConversationEvents($requestId: ID!, $afterSeq: Int) {\n    conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {\n      type\n      requestId\n      banner\n      endUserOnline\n      message {\n        seq\n        author\n        text\n        notice\n        clientMessageId\n        createdAt\n        operator {\n          displayName\n          avatarUrl\n        }\n      }\n      liveConversation {\n        id\n        status\n      }\n    }\n  }\n": typeof types.ConversationEventsDocument,
    "\n  mutation WidgetStartSession($widgetKey: String!, $input: EndUserSessionInput) {\n    startEndUserSession(widgetKey: $widgetKey, input: $input) {\n      token\n      endUser {\n        id\n        language\n      }\n    }\n  }\n": typeof types.WidgetStartSessionDocument,
    "\n  query WidgetRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      banner\n    }\n  }\n": typeof types.WidgetRequestDocument,
    "\n  mutation WidgetOpenRequest {\n    openRequest {\n      id\n      banner\n    }\n  }\n": typeof types.WidgetOpenRequestDocument,
    "\n  mutation WidgetSend($requestId: ID!, $text: String!, $clientMessageId: String) {\n    sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $clientMessageId) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": typeof types.WidgetSendDocument,
};
const documents: Documents = {
    "\n  query ConsoleMe {\n    me {\n      id\n      name\n      email\n    }\n    bots {\n      id\n      name\n      myRole\n    }\n  }\n": types.ConsoleMeDocument,
    "\n  query ConsoleLiveConversations($botId: ID!, $scope: LiveConversationScope) {\n    liveConversations(botId: $botId, scope: $scope, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          startedAt\n          agent {\n            id\n            name\n          }\n          operator {\n            displayName\n            avatarUrl\n          }\n          request {\n            id\n            endUser {\n              id\n              displayName\n              externalId\n              online\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleLiveConversationsDocument,
    "\n  subscription ConsoleLiveConversationsChanged($botId: ID!) {\n    liveConversationsChanged(botId: $botId) {\n      type\n      liveConversation {\n        id\n      }\n    }\n  }\n": types.ConsoleLiveConversationsChangedDocument,
    "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      accessToken\n    }\n  }\n": types.ConsoleLoginDocument,
    "\n  query ConsoleOperatorProfile($botId: ID!) {\n    operatorProfile(botId: $botId) {\n      botId\n      displayName\n      avatarUrl\n      effective {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": types.ConsoleOperatorProfileDocument,
    "\n  query ConsolePreview($botId: ID!, $input: OperatorProfileInput, $language: Language) {\n    previewOperatorProfile(botId: $botId, input: $input, language: $language) {\n      language\n      header {\n        displayName\n        avatarUrl\n      }\n      joinedNotice\n      leftNotice\n      banner\n    }\n  }\n": types.ConsolePreviewDocument,
    "\n  mutation ConsoleUpdateOperatorProfile($botId: ID!, $input: OperatorProfileInput!) {\n    updateOperatorProfile(botId: $botId, input: $input) {\n      displayName\n    }\n  }\n": types.ConsoleUpdateOperatorProfileDocument,
    "\n  mutation ConsoleSetOperatorAvatar($botId: ID!, $image: AvatarUpload!) {\n    setOperatorAvatar(botId: $botId, image: $image) {\n      avatarUrl\n    }\n  }\n": types.ConsoleSetOperatorAvatarDocument,
    "\n  query ConsoleRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      controlMode\n      awaitingHuman\n      endUser {\n        id\n        displayName\n        externalId\n        online\n        locale\n      }\n      liveConversation {\n        id\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ConsoleRequestDocument,
    "\n  mutation ConsoleTakeControl($requestId: ID!) {\n    takeControl(requestId: $requestId) {\n      id\n    }\n  }\n": types.ConsoleTakeControlDocument,
    "\n  mutation ConsoleSendAgentMessage(\n    $liveConversationId: ID!\n    $text: String!\n    $clientMessageId: String\n  ) {\n    sendAgentMessage(\n      liveConversationId: $liveConversationId\n      text: $text\n      clientMessageId: $clientMessageId\n    ) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": types.ConsoleSendAgentMessageDocument,
    "\n  mutation ConsoleReleaseControl($liveConversationId: ID!) {\n    releaseControl(liveConversationId: $liveConversationId) {\n      id\n      status\n    }\n  }\n": types.ConsoleReleaseControlDocument,
    "\n  query ConsoleRequests($botId: ID!, $filter: RequestFilter) {\n    requests(botId: $botId, filter: $filter, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          controlMode\n          awaitingHuman\n          lastActivityAt\n          endUser {\n            id\n            displayName\n            externalId\n            online\n            locale\n          }\n          liveConversation {\n            id\n            agent {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleRequestsDocument,
    "\n  subscription ConsoleRequestsChanged($botId: ID!) {\n    requestsChanged(botId: $botId) {\n      type\n      request {\n        id\n      }\n    }\n  }\n": types.ConsoleRequestsChangedDocument,
    "\n  query ConsoleSupportStatus($botId: ID!) {\n    supportStatus(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": types.ConsoleSupportStatusDocument,
    "\n  subscription ConsoleSupportStatusChanged($botId: ID!) {\n    supportStatusChanged(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": types.ConsoleSupportStatusChangedDocument,
    "\n  query ConsoleSchedule($botId: ID!) {\n    bot(id: $botId) {\n      id\n      timeZone\n      weeklySchedule {\n        id\n        weekday\n        startTime\n        endTime\n      }\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n": types.ConsoleScheduleDocument,
    "\n  mutation ConsoleReplaceWeeklySchedule($botId: ID!, $slots: [AvailabilitySlotInput!]!) {\n    replaceWeeklySchedule(botId: $botId, slots: $slots) {\n      id\n    }\n  }\n": types.ConsoleReplaceWeeklyScheduleDocument,
    "\n  mutation ConsoleActivateUnavailability($botId: ID!, $hours: Int!, $minutes: Int!) {\n    activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) {\n      endsAt\n      remainingSeconds\n    }\n  }\n": types.ConsoleActivateUnavailabilityDocument,
    "\n  mutation ConsoleEndUnavailability($botId: ID!) {\n    endTemporaryUnavailability(botId: $botId) {\n      state\n    }\n  }\n": types.ConsoleEndUnavailabilityDocument,
    "\n  subscription ConversationEvents($requestId: ID!, $afterSeq: Int) {\n    conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {\n      type\n      requestId\n      banner\n      endUserOnline\n      message {\n        seq\n        author\n        text\n        notice\n        clientMessageId\n        createdAt\n        operator {\n          displayName\n          avatarUrl\n        }\n      }\n      liveConversation {\n        id\n        status\n      }\n    }\n  }\n": types.ConversationEventsDocument,
    "\n  mutation WidgetStartSession($widgetKey: String!, $input: EndUserSessionInput) {\n    startEndUserSession(widgetKey: $widgetKey, input: $input) {\n      token\n      endUser {\n        id\n        language\n      }\n    }\n  }\n": types.WidgetStartSessionDocument,
    "\n  query WidgetRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      banner\n    }\n  }\n": types.WidgetRequestDocument,
    "\n  mutation WidgetOpenRequest {\n    openRequest {\n      id\n      banner\n    }\n  }\n": types.WidgetOpenRequestDocument,
    "\n  mutation WidgetSend($requestId: ID!, $text: String!, $clientMessageId: String) {\n    sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $clientMessageId) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n": types.WidgetSendDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMe {\n    me {\n      id\n      name\n      email\n    }\n    bots {\n      id\n      name\n      myRole\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMe {\n    me {\n      id\n      name\n      email\n    }\n    bots {\n      id\n      name\n      myRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleLiveConversations($botId: ID!, $scope: LiveConversationScope) {\n    liveConversations(botId: $botId, scope: $scope, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          startedAt\n          agent {\n            id\n            name\n          }\n          operator {\n            displayName\n            avatarUrl\n          }\n          request {\n            id\n            endUser {\n              id\n              displayName\n              externalId\n              online\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleLiveConversations($botId: ID!, $scope: LiveConversationScope) {\n    liveConversations(botId: $botId, scope: $scope, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          startedAt\n          agent {\n            id\n            name\n          }\n          operator {\n            displayName\n            avatarUrl\n          }\n          request {\n            id\n            endUser {\n              id\n              displayName\n              externalId\n              online\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleLiveConversationsChanged($botId: ID!) {\n    liveConversationsChanged(botId: $botId) {\n      type\n      liveConversation {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleLiveConversationsChanged($botId: ID!) {\n    liveConversationsChanged(botId: $botId) {\n      type\n      liveConversation {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      accessToken\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      accessToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOperatorProfile($botId: ID!) {\n    operatorProfile(botId: $botId) {\n      botId\n      displayName\n      avatarUrl\n      effective {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleOperatorProfile($botId: ID!) {\n    operatorProfile(botId: $botId) {\n      botId\n      displayName\n      avatarUrl\n      effective {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePreview($botId: ID!, $input: OperatorProfileInput, $language: Language) {\n    previewOperatorProfile(botId: $botId, input: $input, language: $language) {\n      language\n      header {\n        displayName\n        avatarUrl\n      }\n      joinedNotice\n      leftNotice\n      banner\n    }\n  }\n"): (typeof documents)["\n  query ConsolePreview($botId: ID!, $input: OperatorProfileInput, $language: Language) {\n    previewOperatorProfile(botId: $botId, input: $input, language: $language) {\n      language\n      header {\n        displayName\n        avatarUrl\n      }\n      joinedNotice\n      leftNotice\n      banner\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateOperatorProfile($botId: ID!, $input: OperatorProfileInput!) {\n    updateOperatorProfile(botId: $botId, input: $input) {\n      displayName\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateOperatorProfile($botId: ID!, $input: OperatorProfileInput!) {\n    updateOperatorProfile(botId: $botId, input: $input) {\n      displayName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSetOperatorAvatar($botId: ID!, $image: AvatarUpload!) {\n    setOperatorAvatar(botId: $botId, image: $image) {\n      avatarUrl\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleSetOperatorAvatar($botId: ID!, $image: AvatarUpload!) {\n    setOperatorAvatar(botId: $botId, image: $image) {\n      avatarUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      controlMode\n      awaitingHuman\n      endUser {\n        id\n        displayName\n        externalId\n        online\n        locale\n      }\n      liveConversation {\n        id\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      controlMode\n      awaitingHuman\n      endUser {\n        id\n        displayName\n        externalId\n        online\n        locale\n      }\n      liveConversation {\n        id\n        agent {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleTakeControl($requestId: ID!) {\n    takeControl(requestId: $requestId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleTakeControl($requestId: ID!) {\n    takeControl(requestId: $requestId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSendAgentMessage(\n    $liveConversationId: ID!\n    $text: String!\n    $clientMessageId: String\n  ) {\n    sendAgentMessage(\n      liveConversationId: $liveConversationId\n      text: $text\n      clientMessageId: $clientMessageId\n    ) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleSendAgentMessage(\n    $liveConversationId: ID!\n    $text: String!\n    $clientMessageId: String\n  ) {\n    sendAgentMessage(\n      liveConversationId: $liveConversationId\n      text: $text\n      clientMessageId: $clientMessageId\n    ) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReleaseControl($liveConversationId: ID!) {\n    releaseControl(liveConversationId: $liveConversationId) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleReleaseControl($liveConversationId: ID!) {\n    releaseControl(liveConversationId: $liveConversationId) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRequests($botId: ID!, $filter: RequestFilter) {\n    requests(botId: $botId, filter: $filter, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          controlMode\n          awaitingHuman\n          lastActivityAt\n          endUser {\n            id\n            displayName\n            externalId\n            online\n            locale\n          }\n          liveConversation {\n            id\n            agent {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRequests($botId: ID!, $filter: RequestFilter) {\n    requests(botId: $botId, filter: $filter, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          status\n          controlMode\n          awaitingHuman\n          lastActivityAt\n          endUser {\n            id\n            displayName\n            externalId\n            online\n            locale\n          }\n          liveConversation {\n            id\n            agent {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleRequestsChanged($botId: ID!) {\n    requestsChanged(botId: $botId) {\n      type\n      request {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleRequestsChanged($botId: ID!) {\n    requestsChanged(botId: $botId) {\n      type\n      request {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSupportStatus($botId: ID!) {\n    supportStatus(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleSupportStatus($botId: ID!) {\n    supportStatus(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleSupportStatusChanged($botId: ID!) {\n    supportStatusChanged(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConsoleSupportStatusChanged($botId: ID!) {\n    supportStatusChanged(botId: $botId) {\n      botId\n      state\n      reason\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSchedule($botId: ID!) {\n    bot(id: $botId) {\n      id\n      timeZone\n      weeklySchedule {\n        id\n        weekday\n        startTime\n        endTime\n      }\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleSchedule($botId: ID!) {\n    bot(id: $botId) {\n      id\n      timeZone\n      weeklySchedule {\n        id\n        weekday\n        startTime\n        endTime\n      }\n      temporaryUnavailability {\n        endsAt\n        remainingSeconds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReplaceWeeklySchedule($botId: ID!, $slots: [AvailabilitySlotInput!]!) {\n    replaceWeeklySchedule(botId: $botId, slots: $slots) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleReplaceWeeklySchedule($botId: ID!, $slots: [AvailabilitySlotInput!]!) {\n    replaceWeeklySchedule(botId: $botId, slots: $slots) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleActivateUnavailability($botId: ID!, $hours: Int!, $minutes: Int!) {\n    activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) {\n      endsAt\n      remainingSeconds\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleActivateUnavailability($botId: ID!, $hours: Int!, $minutes: Int!) {\n    activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) {\n      endsAt\n      remainingSeconds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleEndUnavailability($botId: ID!) {\n    endTemporaryUnavailability(botId: $botId) {\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleEndUnavailability($botId: ID!) {\n    endTemporaryUnavailability(botId: $botId) {\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConversationEvents($requestId: ID!, $afterSeq: Int) {\n    conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {\n      type\n      requestId\n      banner\n      endUserOnline\n      message {\n        seq\n        author\n        text\n        notice\n        clientMessageId\n        createdAt\n        operator {\n          displayName\n          avatarUrl\n        }\n      }\n      liveConversation {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ConversationEvents($requestId: ID!, $afterSeq: Int) {\n    conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {\n      type\n      requestId\n      banner\n      endUserOnline\n      message {\n        seq\n        author\n        text\n        notice\n        clientMessageId\n        createdAt\n        operator {\n          displayName\n          avatarUrl\n        }\n      }\n      liveConversation {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WidgetStartSession($widgetKey: String!, $input: EndUserSessionInput) {\n    startEndUserSession(widgetKey: $widgetKey, input: $input) {\n      token\n      endUser {\n        id\n        language\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation WidgetStartSession($widgetKey: String!, $input: EndUserSessionInput) {\n    startEndUserSession(widgetKey: $widgetKey, input: $input) {\n      token\n      endUser {\n        id\n        language\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WidgetRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      banner\n    }\n  }\n"): (typeof documents)["\n  query WidgetRequest($id: ID!) {\n    request(id: $id) {\n      id\n      status\n      banner\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WidgetOpenRequest {\n    openRequest {\n      id\n      banner\n    }\n  }\n"): (typeof documents)["\n  mutation WidgetOpenRequest {\n    openRequest {\n      id\n      banner\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WidgetSend($requestId: ID!, $text: String!, $clientMessageId: String) {\n    sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $clientMessageId) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation WidgetSend($requestId: ID!, $text: String!, $clientMessageId: String) {\n    sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $clientMessageId) {\n      seq\n      author\n      text\n      notice\n      clientMessageId\n      createdAt\n      operator {\n        displayName\n        avatarUrl\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;