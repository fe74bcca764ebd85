import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AppConfig } from '../config/app-config';
import { OperatorSnapshot, PLACEHOLDER_AVATAR_PATH } from './operator-identity';

/** How operators appear to end users. */
@Injectable()
export class OperatorProfilesService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  /** What a takeover by this operator on this bot shows now. */
  async identityFor(_botId: string, accountId: string): Promise<OperatorSnapshot> {
    const account = await this.accounts.getSignedIn(accountId);
    return { displayName: account.name, named: false, avatarPath: PLACEHOLDER_AVATAR_PATH };
  }

  /** The absolute URL of an avatar path, from the configured public base URL. */
  avatarUrl(path: string): string {
    return `${this.config.publicUrl}${path}`;
  }
}
