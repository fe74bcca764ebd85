import { Language } from './language';

/**
 * The fixed texts end users see when a person takes over, in their language. "Named" forms are
 * used when the operator set a display name; otherwise the "Human" form (an operator's account
 * name is shown beside their own messages, never announced).
 */
const TEXTS = {
  [Language.EN]: {
    banner: 'A support agent is online',
    joinedNamed: (name: string) => `${name} joined the chat`,
    joined: 'Human joined the chat',
    leftNamed: (name: string) => `${name} left the chat`,
    left: 'Human left the chat',
  },
  [Language.FR]: {
    banner: 'Un agent du support est en ligne',
    joinedNamed: (name: string) => `${name} a rejoint la discussion`,
    joined: 'Un humain a rejoint la discussion',
    leftNamed: (name: string) => `${name} a quitté la discussion`,
    left: 'Un humain a quitté la discussion',
  },
} as const;

export function bannerText(language: Language): string {
  return TEXTS[language].banner;
}

export function joinedNotice(language: Language, displayName: string | null): string {
  return displayName ? TEXTS[language].joinedNamed(displayName) : TEXTS[language].joined;
}

export function leftNotice(language: Language, displayName: string | null): string {
  return displayName ? TEXTS[language].leftNamed(displayName) : TEXTS[language].left;
}
