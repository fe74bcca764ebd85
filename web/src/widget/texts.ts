/** The widget's own words; what the service says (notices, banner) comes already translated. */
const TEXTS = {
  en: {
    title: 'Chat with us',
    open: 'Open the chat',
    close: 'Close the chat',
    placeholder: 'Write a message…',
    send: 'Send',
    sending: 'Sending…',
    retrying: 'Not sent yet, trying again…',
    notSent: 'Not sent',
    reconnecting: 'Reconnecting…',
    unavailable: 'The chat is not available right now.',
  },
  fr: {
    title: 'Discutez avec nous',
    open: 'Ouvrir la discussion',
    close: 'Fermer la discussion',
    placeholder: 'Écrivez un message…',
    send: 'Envoyer',
    sending: 'Envoi…',
    retrying: 'Pas encore envoyé, nouvel essai…',
    notSent: 'Non envoyé',
    reconnecting: 'Reconnexion…',
    unavailable: "La discussion n'est pas disponible pour le moment.",
  },
} as const;

export type Texts = (typeof TEXTS)['en' | 'fr'];

/** French for a French browser language ("fr", "fr-CA"), as the service decides; else English. */
export function textsFor(language: string): Texts {
  return language.toLowerCase().startsWith('fr') ? TEXTS.fr : TEXTS.en;
}
