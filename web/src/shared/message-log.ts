/** A message as the clients show it. */
export interface ShownMessage {
  seq: number;
  author: 'END_USER' | 'BOT' | 'AGENT' | 'SYSTEM';
  text: string;
  notice?: string | null;
  operator?: { displayName: string; avatarUrl: string } | null;
  clientMessageId?: string | null;
  createdAt: string;
}

/** A message sent from here that the service has not confirmed yet. */
export interface PendingMessage {
  clientMessageId: string;
  text: string;
  failed: boolean;
}

/**
 * A conversation as shown: the messages of the log in `seq` order, each once however often it
 * arrives (replay after a reconnect, the answer to a send, the live event), followed by the
 * messages still being sent. A confirmed message replaces the pending one with its
 * `clientMessageId`.
 */
export class MessageLog {
  private readonly bySeq = new Map<number, ShownMessage>();
  private pendings: PendingMessage[] = [];

  /** Adds confirmed messages; returns whether anything changed. */
  add(...messages: ShownMessage[]): boolean {
    let changed = false;
    for (const message of messages) {
      if (!this.bySeq.has(message.seq)) {
        this.bySeq.set(message.seq, message);
        changed = true;
      }
      if (message.clientMessageId) {
        const before = this.pendings.length;
        this.pendings = this.pendings.filter((p) => p.clientMessageId !== message.clientMessageId);
        changed ||= this.pendings.length !== before;
      }
    }
    return changed;
  }

  addPending(clientMessageId: string, text: string): void {
    if (this.isConfirmed(clientMessageId)) {
      return;
    }
    this.pendings = [
      ...this.pendings.filter((p) => p.clientMessageId !== clientMessageId),
      { clientMessageId, text, failed: false },
    ];
  }

  markFailed(clientMessageId: string, failed: boolean): void {
    this.pendings = this.pendings.map((p) =>
      p.clientMessageId === clientMessageId ? { ...p, failed } : p,
    );
  }

  isConfirmed(clientMessageId: string): boolean {
    return [...this.bySeq.values()].some((m) => m.clientMessageId === clientMessageId);
  }

  /** The greatest seq shown, 0 when none: where a resubscription starts (`afterSeq`). */
  get lastSeq(): number {
    let last = 0;
    for (const seq of this.bySeq.keys()) {
      last = Math.max(last, seq);
    }
    return last;
  }

  get messages(): ShownMessage[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get pending(): readonly PendingMessage[] {
    return this.pendings;
  }

  clear(): void {
    this.bySeq.clear();
    this.pendings = [];
  }
}

/** A fresh idempotency key for a send. */
export function newClientMessageId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
