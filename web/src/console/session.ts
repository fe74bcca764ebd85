import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Connection } from '../shared/client';

const TOKEN_KEY = 'switchboard:console:token';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) {
      localStorage.setItem(TOKEN_KEY, token);
    } else {
      localStorage.removeItem(TOKEN_KEY);
    }
  } catch {
    // Storage refused: the session lasts as long as the page.
  }
}

/** What every view of a signed-in console shares. */
export interface ConsoleSession {
  connection: Connection;
  me: { id: string; name: string; email: string };
  botId: string;
  role: 'ADMINISTRATOR' | 'SUPPORT_AGENT';
  openRequest: (requestId: string) => void;
}

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) {
    throw new Error('useSession outside a signed-in console');
  }
  return session;
}
