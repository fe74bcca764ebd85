/** A member's role on one bot. Roles are per bot: one account may administer one bot and staff another. */
export enum BotRole {
  ADMINISTRATOR = 'ADMINISTRATOR',
  SUPPORT_AGENT = 'SUPPORT_AGENT',
}
