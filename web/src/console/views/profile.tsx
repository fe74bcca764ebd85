import { useClient, useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { ConsolePreviewQuery } from '../../gql/graphql';
import { problemOf, type Problem } from '../../shared/errors';
import { useSession } from '../session';

const PROFILE = graphql(`
  query ConsoleOperatorProfile($botId: ID!) {
    operatorProfile(botId: $botId) {
      botId
      displayName
      avatarUrl
      effective {
        displayName
        avatarUrl
      }
    }
  }
`);

const PREVIEW = graphql(`
  query ConsolePreview($botId: ID!, $input: OperatorProfileInput, $language: Language) {
    previewOperatorProfile(botId: $botId, input: $input, language: $language) {
      language
      header {
        displayName
        avatarUrl
      }
      joinedNotice
      leftNotice
      banner
    }
  }
`);

const UPDATE = graphql(`
  mutation ConsoleUpdateOperatorProfile($botId: ID!, $input: OperatorProfileInput!) {
    updateOperatorProfile(botId: $botId, input: $input) {
      displayName
    }
  }
`);

const SET_AVATAR = graphql(`
  mutation ConsoleSetOperatorAvatar($botId: ID!, $image: AvatarUpload!) {
    setOperatorAvatar(botId: $botId, image: $image) {
      avatarUrl
    }
  }
`);

export const MAX_DISPLAY_NAME = 50;
export const MIN_AVATAR_PX = 150;

interface ChosenAvatar {
  contentType: string;
  dataBase64: string;
  url: string;
}

/** Reads an image file: its base64 and a local URL, or why it cannot be an avatar. */
async function readAvatar(file: File): Promise<ChosenAvatar | string> {
  if (!['image/png', 'image/jpeg', 'image/webp'].includes(file.type)) {
    return 'Choose a PNG, JPEG or WebP image.';
  }
  if (file.size > 2 * 1024 * 1024) {
    return 'The image is larger than 2 MB.';
  }
  const url = URL.createObjectURL(file);
  const size = await new Promise<{ width: number; height: number } | null>((resolve) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve(null);
    image.src = url;
  });
  if (!size) {
    return 'This file is not an image the browser can read.';
  }
  if (size.width !== size.height || size.width < MIN_AVATAR_PX) {
    return `The avatar must be square and at least ${MIN_AVATAR_PX}×${MIN_AVATAR_PX} pixels (this one is ${size.width}×${size.height}).`;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { contentType: file.type, dataBase64: btoa(binary), url };
}

/** The caller's operator profile for the bot: name, avatar, a preview in chat, and Save. */
export function Profile() {
  const { botId } = useSession();
  const client = useClient();
  const [{ data, error }, refetch] = useQuery({ query: PROFILE, variables: { botId } });
  const [, update] = useMutation(UPDATE);
  const [, setAvatar] = useMutation(SET_AVATAR);
  const [name, setName] = useState('');
  const [avatar, setChosen] = useState<ChosenAvatar | null>(null);
  const [language, setLanguage] = useState<'EN' | 'FR'>('EN');
  const [preview, setPreview] = useState<ConsolePreviewQuery['previewOperatorProfile'] | null>(
    null,
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);

  // The saved name fills the field until the operator types: a profile read that answers late
  // must not overwrite what they wrote meanwhile. A ref, not state: effects run after paint, so
  // one scheduled before a keystroke must still see that keystroke when it runs.
  const edited = useRef(false);
  useEffect(() => {
    if (data && !edited.current) {
      setName(data.operatorProfile.displayName ?? '');
    }
  }, [data]);

  const openPreview = async () => {
    setProblem(null);
    const result = await client
      .query(PREVIEW, { botId, input: { displayName: name.trim() }, language })
      .toPromise();
    setProblem(problemOf(result.error));
    setPreview(result.data?.previewOperatorProfile ?? null);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    setProblem(null);
    const named = await update({ botId, input: { displayName: name.trim() } });
    let found = problemOf(named.error);
    if (!found && avatar) {
      const uploaded = await setAvatar({
        botId,
        image: { contentType: avatar.contentType, dataBase64: avatar.dataBase64 },
      });
      found = problemOf(uploaded.error);
      if (!found) {
        setChosen(null);
      }
    }
    setProblem(found);
    setSaved(!found);
    refetch({ requestPolicy: 'network-only' });
  };

  const effective = data?.operatorProfile.effective;
  const headerAvatar = avatar?.url ?? preview?.header.avatarUrl ?? effective?.avatarUrl;

  return (
    <section class="profile-view">
      <form class="card profile-form" onSubmit={(event) => void save(event)}>
        <h2>Operator profile</h2>
        <p class="muted">
          What visitors see beside your messages in this bot's chat. It applies to the conversations
          you take control of from now on.
        </p>
        {problemOf(error) && <p class="problem">{problemOf(error)?.words}</p>}
        <label>
          Display name{' '}
          <span class="muted">
            (at most {MAX_DISPLAY_NAME} characters; empty: your account name)
          </span>
          <input
            data-testid="console-profile-name"
            type="text"
            maxLength={MAX_DISPLAY_NAME}
            value={name}
            onInput={(event) => {
              edited.current = true;
              setName(event.currentTarget.value);
              setSaved(false);
            }}
          />
        </label>
        <div class="avatar-row">
          {headerAvatar && <img class="avatar-large" src={headerAvatar} alt="Your avatar" />}
          <label>
            Avatar <span class="muted">(square PNG, JPEG or WebP, at least 150×150 px)</span>
            <input
              data-testid="console-profile-avatar"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                if (!file) {
                  return;
                }
                void readAvatar(file).then((read) => {
                  if (typeof read === 'string') {
                    setProblem({ code: 'BAD_USER_INPUT', words: read });
                    setChosen(null);
                  } else {
                    setProblem(null);
                    setChosen(read);
                    setSaved(false);
                  }
                });
              }}
            />
          </label>
        </div>
        {problem && (
          <p class="problem" role="alert">
            {problem.words}
          </p>
        )}
        {saved && <p class="ok">Saved.</p>}
        <div class="actions">
          <label class="inline">
            Visitors' language
            <select
              value={language}
              onChange={(event) => setLanguage(event.currentTarget.value as 'EN' | 'FR')}
            >
              <option value="EN">English</option>
              <option value="FR">French</option>
            </select>
          </label>
          <button
            type="button"
            data-testid="console-profile-preview-open"
            onClick={() => void openPreview()}
          >
            Preview in chat
          </button>
          <button type="submit" class="primary" data-testid="console-profile-save">
            Save
          </button>
        </div>
      </form>
      {preview && (
        <div class="chat-preview" data-testid="console-profile-preview">
          <div class="chat-preview-head">
            Chat preview · {preview.language === 'FR' ? 'French' : 'English'}
          </div>
          <div class="chat-preview-banner">{preview.banner}</div>
          <div class="chat-preview-body">
            <div class="chat-preview-notice">{preview.joinedNotice}</div>
            <div class="chat-preview-msg">
              <div class="chat-preview-operator">
                <img src={avatar?.url ?? preview.header.avatarUrl} alt="" width={22} height={22} />
                <span data-testid="console-profile-preview-name">{preview.header.displayName}</span>
              </div>
              <div class="chat-preview-bubble">
                {preview.language === 'FR'
                  ? 'Bonjour, comment puis-je vous aider ?'
                  : 'Hello, how can I help you?'}
              </div>
            </div>
            <div class="chat-preview-notice">{preview.leftNotice}</div>
          </div>
        </div>
      )}
    </section>
  );
}
