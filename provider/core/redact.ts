/**
 * Scrubbing of credentials from text that may end up in an error message, stack or log line.
 * The clients never put credentials into messages on purpose; this is the second line of defence
 * (a vendor echoing a header back, a URL with userinfo, a network error quoting a URL).
 */

const MASK = "***";

/** Returns a function that replaces every occurrence of the given secrets (and URL userinfo) with `***`. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  // Short values (e.g. an empty token) would mangle ordinary text; real credentials are long.
  const needles = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, `$1${MASK}@`);
    out = out.replace(
      /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[A-Za-z0-9+/=._-]+/gi,
      `$1$2 ${MASK}`,
    );
    for (const needle of needles) {
      out = out.split(needle).join(MASK);
    }
    return out;
  };
}

/** The secrets of an HTTP Basic credential pair: the password, the user (when secret) and the header forms. */
export function basicAuthSecrets(user: string, password: string, userIsSecret: boolean): string[] {
  const token = Buffer.from(`${user}:${password}`).toString("base64");
  const secrets = [password, token, `Basic ${token}`, encodeURIComponent(password)];
  if (userIsSecret) {
    secrets.push(user, encodeURIComponent(user));
  }
  return secrets;
}

/** A URL with any `user:password@` removed (credentials travel only in the Authorization header). */
export function stripUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) {
      return url;
    }
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}
