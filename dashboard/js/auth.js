// Signing in: the user pool's managed login (in AWS) or its local stand-in (make run), both with the
// authorization code flow and PKCE. No secret is in the page; the access token lives in this
// module's memory only (never localStorage or a cookie): a reload signs in again, which the managed
// login's own session makes quick. sessionStorage holds the PKCE verifier and state during the
// redirect, and nothing else.

const PENDING = "dashboard.pkce";
let accessToken = null;

export function token() {
  return accessToken;
}

export function forget() {
  accessToken = null;
}

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function randomText(length = 48) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Where the managed login is: an absolute URL in AWS, a path of this origin locally. */
function loginUrl(config, path) {
  return new URL(`${config.signIn.domain.replace(/\/$/, "")}${path}`, window.location.origin);
}

function redirectUri() {
  return `${window.location.origin}/`;
}

/** Go to the managed login; it comes back to this page with ?code=…&state=… */
export async function signIn(config, returnTo) {
  const verifier = randomText();
  const state = randomText(24);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = loginUrl(config, "/oauth2/authorize");
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.signIn.clientId,
    redirect_uri: redirectUri(),
    scope: config.signIn.scope,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  window.location.assign(url.toString());
}

/**
 * Finish a sign-in if this page is the managed login's redirect: the code for a token, checked
 * against the state and verifier this tab kept. Returns where to go next, or null when there was
 * nothing to finish; throws with a message the page can show.
 */
export async function finishSignIn(config) {
  const query = new URLSearchParams(window.location.search);
  if (!query.has("code") && !query.has("error")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, "", window.location.pathname);
  if (query.has("error")) throw new Error(query.get("error_description") || query.get("error"));
  if (!pending || pending.state !== query.get("state")) throw new Error("The sign-in did not start here; sign in again.");
  const response = await fetch(loginUrl(config, "/oauth2/token"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.signIn.clientId,
      code: query.get("code"),
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.access_token) throw new Error(answer.error_description || "The sign-in failed; try again.");
  accessToken = answer.access_token;
  return pending.returnTo || "#/users";
}

/** Forget the token and end the managed login's session too. */
export function signOut(config) {
  accessToken = null;
  const url = loginUrl(config, "/logout");
  url.search = new URLSearchParams({ client_id: config.signIn.clientId, logout_uri: redirectUri() }).toString();
  window.location.assign(url.toString());
}
