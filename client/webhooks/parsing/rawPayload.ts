/** Provider payloads keep what helps an operator, minus anything large (HTML bodies, headers dumps). */
export function trimRaw(raw: Record<string, unknown>, maxChars = 2000): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && value.length > maxChars) out[key] = `${value.slice(0, maxChars)}…`;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
