// The users API, with the signed-in user's token. Errors keep the API's own message: a hook's
// refusal reads as the hook wrote it.
import { token } from "./auth.js";

let base = "";

export function useApi(apiUrl) {
  base = (apiUrl || "").replace(/\/$/, "");
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The request failed (${status}).`);
    this.status = status;
    this.code = body?.error || "";
  }
}

export async function api(method, path, { body, headers = {} } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token()}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** `path` with a query string of the non-empty `values`. */
export function withQuery(path, values) {
  const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ""));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
