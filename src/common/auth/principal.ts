/** Who is calling, proven by one of the three credentials of the contract. */
export type Principal =
  /** An Administrator or Support Agent, by an account token from `register` or `login`. */
  | { kind: 'account'; accountId: string }
  /** One visitor of one bot, by an end-user token from `startEndUserSession`. */
  | { kind: 'endUser'; endUserId: string; botId: string }
  /** The external bot/AI engine of one bot, by the key from `rotateBotEngineKey`. */
  | { kind: 'botEngine'; botId: string };

export type PrincipalKind = Principal['kind'];
