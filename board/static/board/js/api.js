import { plainMessages } from "./words.js";

// Calls to the REST API, with the session cookie and the CSRF token. Never throws: a network
// failure is { ok: false, status: 0 }.
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    return { ok: false, status: 0, data: null };
  }
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
  }
  return { ok: response.ok, status: response.status, data };
}

// A failed call in words a person understands.
export function problem(result) {
  if (result.status === 0) return "Could not reach the server. Check your connection and try again.";
  const detail = result.data && typeof result.data.detail === "string" ? result.data.detail : null;
  // A 403 from a role check says which role it takes (boards.access.require_role).
  if (result.status === 403 && detail && detail.includes("board")) return detail;
  if (result.status === 401 || result.status === 403) {
    return "You are not allowed to do that. Your session may have ended: log in again.";
  }
  if (result.status === 404) return detail || "That task no longer exists.";
  if (result.data && typeof result.data.detail === "string") return result.data.detail;
  if (result.status === 400 && result.data && typeof result.data === "object") {
    // Field errors ({"name": ["This field may not be blank."]}) in plain words (words.js).
    const fields = Object.keys(result.data);
    if (fields.length) return fields.map((field) => plainMessages(field, result.data[field], "board")).join(" ");
  }
  return "Something went wrong (" + result.status + "). Please try again.";
}
