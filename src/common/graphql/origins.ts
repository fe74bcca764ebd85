/** Whether a browser's `Origin` may call: any with '*', else one of the listed origins. */
export function isOriginAllowed(origin: string, allowed: '*' | readonly string[]): boolean {
  return allowed === '*' || allowed.includes(origin);
}

/**
 * Whether a browser's `Origin` is the service itself: the origin of PUBLIC_URL, or the host the
 * request was sent to (the agent console, served by the service, opens its graphql-ws connection
 * there whatever CORS_ORIGINS lists for other sites' pages).
 */
export function isOwnOrigin(origin: string, publicUrl: string, host: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(publicUrl).origin) {
    return true;
  }
  return host !== undefined && parsed.host === host.toLowerCase();
}
