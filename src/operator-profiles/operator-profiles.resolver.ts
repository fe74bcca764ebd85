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
  @Query(() => OperatorProfileModel, { description: "The caller's own." })
  async operatorProfile(
    @Args('botId', { type: () => ID }) botId: string,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(botId, accountId, await this.profiles.profileOf(botId, accountId));
  }

  @Access(ofBot)
  @Mutation(() => OperatorProfileModel, { description: 'Applies to takeovers started afterwards.' })
  async updateOperatorProfile(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('input') input: OperatorProfileInput,
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
      'PNG, JPEG or WebP; square; at least 150x150 px; at most 2 MiB. Stored re-encoded.',
  })
  async setOperatorAvatar(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('image') image: AvatarUpload,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(
      botId,
      accountId,
      await this.profiles.setAvatar(botId, accountId, image.dataBase64),
    );
  }

  @Access(ofBot)
  @Mutation(() => OperatorProfileModel)
  async removeOperatorAvatar(
    @Args('botId', { type: () => ID }) botId: string,
    @CallerAccountId() accountId: string,
  ): Promise<OperatorProfileModel> {
    return this.toModel(botId, accountId, await this.profiles.removeAvatar(botId, accountId));
  }

  @Access(ofBot)
  @Query(() => OperatorPreviewModel, {
    description:
      'What visitors would see; unsaved input wins over the saved profile; saves nothing.',
  })
  async previewOperatorProfile(
    @Args('botId', { type: () => ID }) botId: string,
    // Typed as the class (not `| null`) so the validation pipe sees it; it may be null.
    @Args('input', { type: () => OperatorProfileInput, nullable: true })
    input: OperatorProfileInput,
    @Args('language', { type: () => Language, nullable: true, defaultValue: Language.EN })
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
