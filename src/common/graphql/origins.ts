/** Whether a browser's `Origin` may call: any with '*', else one of the listed origins. */
export function isOriginAllowed(origin: string, allowed: '*' | readonly string[]): boolean {
  return allowed === '*' || allowed.includes(origin);
}
