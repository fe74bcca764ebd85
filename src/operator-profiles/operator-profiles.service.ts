import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AppError } from '../common/errors/app-error';
import { bannerText, joinedNotice, leftNotice } from '../common/i18n/notices';
import { Language } from '../common/i18n/language';
import { AvatarEntity } from './avatar.entity';
import { AVATAR_CONTENT_TYPE, normalizeAvatar } from './avatar-image';
import { OperatorProfileInput } from './dto/operator-profile.inputs';
import { OperatorSnapshot, PLACEHOLDER_AVATAR_PATH } from './operator-identity';
import { OperatorProfileEntity } from './operator-profile.entity';

export const MAX_DISPLAY_NAME_LENGTH = 50;

export const avatarPath = (hash: string): string => `/avatars/${hash}.webp`;

export interface OperatorPreview {
  language: Language;
  header: OperatorSnapshot;
  joinedNotice: string;
  leftNotice: string;
  banner: string;
}

/**
 * The display name the input asks for: undefined when not given, null to clear it ("" clears),
 * else the trimmed name of 1 to 50 characters (BAD_USER_INPUT otherwise).
 */
export function displayNameOf(
  input: OperatorProfileInput | null | undefined,
): string | null | undefined {
  const raw = input?.displayName;
  if (raw === undefined) {
    return undefined;
  }
  if (raw === null || raw === '') {
    return null;
  }
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw AppError.badInput(
      'input.displayName',
      `displayName must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters once trimmed ("" clears it)`,
    );
  }
  return trimmed;
}

/** How operators appear to end users: display name and avatar per operator and bot. */
@Injectable()
export class OperatorProfilesService {
  constructor(
    @InjectRepository(OperatorProfileEntity)
    private readonly profiles: Repository<OperatorProfileEntity>,
    @InjectRepository(AvatarEntity) private readonly avatars: Repository<AvatarEntity>,
    private readonly accounts: AccountsService,
  ) {}

  /** The saved profile (null when never saved). */
  profileOf(botId: string, accountId: string): Promise<OperatorProfileEntity | null> {
    return this.profiles.findOneBy({ botId, accountId });
  }

  /** What a takeover by this operator on this bot shows now. */
  async identityFor(botId: string, accountId: string): Promise<OperatorSnapshot> {
    const [profile, account] = await Promise.all([
      this.profileOf(botId, accountId),
      this.accounts.getSignedIn(accountId),
    ]);
    return {
      displayName: profile?.displayName ?? account.name,
      named: Boolean(profile?.displayName),
      avatarPath: profile?.avatarHash ? avatarPath(profile.avatarHash) : PLACEHOLDER_AVATAR_PATH,
    };
  }

  async updateDisplayName(
    botId: string,
    accountId: string,
    input: OperatorProfileInput,
  ): Promise<OperatorProfileEntity> {
    const displayName = displayNameOf(input);
    if (displayName !== undefined) {
      await this.profiles.upsert({ botId, accountId, displayName }, ['botId', 'accountId']);
    }
    return this.savedOrBlank(botId, accountId);
  }

  /** Checks and re-encodes the image, stores it once by content hash, and makes it the avatar. */
  async setAvatar(
    botId: string,
    accountId: string,
    dataBase64: string,
  ): Promise<OperatorProfileEntity> {
    const bytes = await normalizeAvatar(dataBase64);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await this.avatars
      .createQueryBuilder()
      .insert()
      .values({ hash, contentType: AVATAR_CONTENT_TYPE, bytes })
      .orIgnore()
      .execute();
    await this.profiles.upsert({ botId, accountId, avatarHash: hash }, ['botId', 'accountId']);
    return this.savedOrBlank(botId, accountId);
  }

  async removeAvatar(botId: string, accountId: string): Promise<OperatorProfileEntity> {
    await this.profiles.update({ botId, accountId }, { avatarHash: null });
    return this.savedOrBlank(botId, accountId);
  }

  /** Exactly what visitors would see; unsaved input wins over the saved profile; saves nothing. */
  async preview(
    botId: string,
    accountId: string,
    input: OperatorProfileInput | null | undefined,
    language: Language,
  ): Promise<OperatorPreview> {
    const requested = displayNameOf(input);
    const saved = await this.identityFor(botId, accountId);
    let header = saved;
    if (requested !== undefined) {
      const account = await this.accounts.getSignedIn(accountId);
      header = { ...saved, displayName: requested ?? account.name, named: requested !== null };
    }
    const announced = header.named ? header.displayName : null;
    return {
      language,
      header,
      joinedNotice: joinedNotice(language, announced),
      leftNotice: leftNotice(language, announced),
      banner: bannerText(language),
    };
  }

  avatar(hash: string): Promise<AvatarEntity | null> {
    return /^[0-9a-f]{64}$/.test(hash) ? this.avatars.findOneBy({ hash }) : Promise.resolve(null);
  }

  private async savedOrBlank(botId: string, accountId: string): Promise<OperatorProfileEntity> {
    return (
      (await this.profileOf(botId, accountId)) ??
      Object.assign(new OperatorProfileEntity(), {
        botId,
        accountId,
        displayName: null,
        avatarHash: null,
        updatedAt: null,
      })
    );
  }
}
