/**
 * Whether the shared-state backend answers, for readiness: null when there is none (one
 * instance keeps its shared state in memory), else whether Redis answered within a second.
 */
export abstract class SharedStateHealth {
  abstract check(): Promise<{ name: string; up: boolean } | null>;
}
