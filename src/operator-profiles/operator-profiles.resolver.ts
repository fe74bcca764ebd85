import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Access, operatorsOf, target } from '../common/auth/access';
import { CallerAccountId } from '../common/auth/caller.decorators';
import { Language } from '../common/i18n/language';
import { AvatarUpload, OperatorProfileInput } from './dto/operator-profile.inputs';
import { AppConfig } from '../config/app-config';
import { OperatorIdentityModel, absoluteUrl } from './models/operator-identity.model';
import { OperatorPreviewModel, OperatorProfileModel } from './models/operator-profile.models';
import { OperatorProfileEntity } from './operator-profile.entity';
import { avatarPath, OperatorProfilesService } from './operator-profiles.service';

const ofBot = operatorsOf(target('bot', 'botId'));

/** Every operation acts on the caller's own profile for the bot: nobody edits another's. */
@Resolver(() => OperatorProfileModel)
export class OperatorProfilesResolver {
  constructor(
    private readonly profiles: OperatorProfilesService,
    private readonly config: AppConfig,
  ) {}

  @Access(ofBot)
  @Query(() => OperatorProfileModel, {
    description:
      "The caller's own operator profile on a bot, as saved and as it would show. Any member of the bot, for themselves; NOT_FOUND for other accounts.",
  })
  async operatorProfile(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(botId, accountId, await this.profiles.profileOf(botId, accountId));
  }

  @Access(ofBot)
  @Mutation(() => OperatorProfileModel, {
    description:
      'Sets the display name the end users see; it applies to takeovers started afterwards. Any member of the bot, for themselves; NOT_FOUND for other accounts. BAD_USER_INPUT (field input.displayName) past 50 characters.',
  })
  async updateOperatorProfile(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('input', { description: 'The new display name.' }) input: OperatorProfileInput,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(
      botId,
      accountId,
      await this.profiles.updateDisplayName(botId, accountId, input),
    );
  }

  @Access(ofBot)
  @Mutation(() => OperatorProfileModel, {
    description:
      'Uploads the avatar the end users see: PNG, JPEG or WebP, square, 150 to 4096 px a side, at most 2 MiB; stored re-encoded as 256x256 WebP without metadata. Applies to takeovers started afterwards. Any member of the bot, for themselves; NOT_FOUND for other accounts. BAD_USER_INPUT names what is wrong with the image.',
  })
  async setOperatorAvatar(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('image', { description: 'The image, in base64.' }) image: AvatarUpload,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(
      botId,
      accountId,
      await this.profiles.setAvatar(botId, accountId, image.dataBase64),
    );
  }

  @Access(ofBot)
  @Mutation(() => OperatorProfileModel, {
    description:
      'Removes the avatar: later takeovers show the placeholder image. Any member of the bot, for themselves; NOT_FOUND for other accounts.',
  })
  async removeOperatorAvatar(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(botId, accountId, await this.profiles.removeAvatar(botId, accountId));
  }

  @Access(ofBot)
  @Query(() => OperatorPreviewModel, {
    description:
      'What visitors would see of the caller in a takeover, in one language: the header, the notices and the banner. Unsaved input wins over the saved profile; nothing is saved. Any member of the bot, for themselves; NOT_FOUND for other accounts.',
  })
  async previewOperatorProfile(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    // Typed as the class (not `| null`) so the validation pipe sees it; it may be null.
    @Args('input', {
      type: () => OperatorProfileInput,
      nullable: true,
      description: 'An unsaved display name to try; absent: the saved profile.',
    })
    input: OperatorProfileInput,
    @Args('language', {
      type: () => Language,
      nullable: true,
      defaultValue: Language.EN,
      description: 'The language of the texts; default EN.',
    })
    language: Language | null,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorPreviewModel> {
    const preview = await this.profiles.preview(botId, accountId, input, language ?? Language.EN);
    return Object.assign(new OperatorPreviewModel(), {
      ...preview,
      header: this.identity(preview.header.displayName, preview.header.avatarPath),
    });
  }

  private async toModel(
    botId: string,
    accountId: string,
    profile: OperatorProfileEntity | null,
  ): Promise<OperatorProfileModel> {
    const effective = await this.profiles.identityFor(botId, accountId);
    return Object.assign(new OperatorProfileModel(), {
      botId,
      displayName: profile?.displayName ?? null,
      avatarUrl: profile?.avatarHash
        ? absoluteUrl(this.config.publicUrl, avatarPath(profile.avatarHash))
        : null,
      effective: this.identity(effective.displayName, effective.avatarPath),
      updatedAt: profile?.updatedAt ?? null,
    });
  }

  private identity(displayName: string, path: string): OperatorIdentityModel {
    return OperatorIdentityModel.of(displayName, path, this.config.publicUrl);
  }
}
