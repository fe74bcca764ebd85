/**
 * Payloads cross Redis as JSON. Dates are kept as Dates (the GraphQL DateTime scalar serializes
 * only Dates), tagged as `{ "$date": "<ISO>" }`; everything else is plain JSON. Class instances
 * arrive as plain objects, which is all the resolvers read.
 */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

export function decodePayload(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { $date?: unknown }).$date === 'string' &&
      Object.keys(value).length === 1
    ) {
      return new Date((value as { $date: string }).$date);
    }
    return value;
  });
}
