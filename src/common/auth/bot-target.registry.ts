import { Injectable } from '@nestjs/common';
import { isUuid } from '../validation/uuid';
import { TargetKind } from './access';

/** Where a target belongs: its bot, and for things an end user owns (a request), that end user. */
export interface TargetLocation {
  botId: string;
  endUserId?: string;
}

export type TargetLocator = (id: string) => Promise<TargetLocation | null>;

/**
 * Finds the bot of a target for the access guard. Each domain module registers the kinds it
 * owns (availability slots, stories, requests, live conversations) when it starts.
 */
@Injectable()
export class BotTargetRegistry {
  private readonly locators = new Map<TargetKind, TargetLocator>();

  constructor() {
    // A bot is its own target; whether it exists is answered by the membership lookup.
    this.register('bot', (id) => Promise.resolve({ botId: id }));
  }

  register(kind: TargetKind, locator: TargetLocator): void {
    this.locators.set(kind, locator);
  }

  /** Null when the id is malformed or nothing of that kind has it. */
  async locate(kind: TargetKind, id: unknown): Promise<TargetLocation | null> {
    if (!isUuid(id)) {
      return null;
    }
    const locator = this.locators.get(kind);
    if (!locator) {
      throw new Error(`No locator is registered for targets of kind "${kind}"`);
    }
    return locator(id.toLowerCase());
  }
}
