// The board settings page's webhooks (board/templates/board/partials/board_webhooks.html): owners
// add, list, test, switch on and delete them through /boards/{id}/webhooks/. A new hook's signing
// secret is shown once; every string goes in through textContent.
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { clearErrors, showErrors } from "./forms.js";

const section = document.getElementById("webhooks-section");
const hooksUrl = section ? "/boards/" + document.getElementById("board-settings").dataset.boardId + "/webhooks/" : "";

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

// "sent 01/12/2026, 19:20 (HTTP 200)", "retrying: HTTP 500: ...", "no delivery yet".
function lastDelivery(hook) {
  const last = hook.last_delivery;
  if (!last) return "no delivery yet";
  const code = last.status_code ? " (HTTP " + last.status_code + ")" : "";
  const at = when(last.sent_at || last.attempted_at || last.created_at);
  if (last.state === "sent") return "last delivery " + last.event + ": sent " + at + code;
  if (last.state === "pending") return "last delivery " + last.event + ": waiting to be sent";
  return "last delivery " + last.event + ": " + last.state + " " + at + (last.error ? ": " + last.error : code);
}

function button(action, text, label, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.dataset.action = action;
  element.textContent = text;
  element.setAttribute("aria-label", label);
  return element;
}

function hookItem(hook) {
  const item = document.createElement("li");
  item.className = "flex flex-wrap items-center gap-3 py-2.5";
  item.dataset.hookId = String(hook.id);
  const text = document.createElement("span");
  text.className = "min-w-0 flex-1";
  const url = document.createElement("span");
  url.className = "block truncate text-sm font-medium";
  url.textContent = hook.url;
  url.title = hook.url; // the whole URL where a narrow screen cuts it
  const events = document.createElement("span");
  events.className = "block text-xs text-slate-500 dark:text-slate-400";
  events.textContent = hook.events.length ? hook.events.join(", ") : "no events";
  const status = document.createElement("span");
  status.className = "block text-xs text-slate-500 dark:text-slate-400";
  status.dataset.role = "last-delivery";
  status.textContent = hook.enabled ? lastDelivery(hook) : "switched off" + (hook.disabled_reason ? ": " + hook.disabled_reason : "");
  text.append(url, events, status);
  item.append(text);
  if (!hook.enabled) item.append(button("enable-webhook", "Switch on", "Switch on " + hook.url, "btn btn-ghost"));
  item.append(
    button("test-webhook", "Send test", "Send a test to " + hook.url, "btn btn-ghost"),
    button("delete-webhook", "Delete", "Delete the webhook to " + hook.url, "btn btn-danger-ghost"),
  );
  return item;
}

async function loadHooks() {
  const list = document.getElementById("webhooks-list");
  const empty = document.getElementById("webhooks-empty");
  const result = await api("GET", hooksUrl);
  if (!result.ok) {
    empty.textContent = "Webhooks could not be loaded. " + problem(result);
    empty.hidden = false;
    return;
  }
  const hooks = Array.isArray(result.data) ? result.data : [];
  list.replaceChildren(...hooks.map(hookItem));
  empty.textContent = "No webhooks yet.";
  empty.hidden = hooks.length > 0;
}

function hookId(element) {
  return element.closest("[data-hook-id]").dataset.hookId;
}

async function testHook(target) {
  target.disabled = true;
  const result = await api("POST", hooksUrl + hookId(target) + "/test");
  target.disabled = false;
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  const outcome = result.data;
  const message = outcome.ok
    ? "Test delivered (HTTP " + outcome.status_code + ")."
    : "Test failed: " + (outcome.error || "no answer");
  announce(message);
  showToast(message);
}

async function deleteHook(target) {
  // Two steps: the first click asks, the second deletes.
  if (target.dataset.confirming !== "true") {
    target.dataset.confirming = "true";
    target.textContent = "Delete: sure?";
    return;
  }
  const result = await api("DELETE", hooksUrl + hookId(target));
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  announce("Webhook deleted.");
  await loadHooks();
}

async function enableHook(target) {
  const result = await api("PATCH", hooksUrl + hookId(target), { enabled: true });
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  announce("Webhook switched on.");
  await loadHooks();
}

async function copySecret() {
  const input = document.getElementById("webhook-secret-value");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (error) {
    // No clipboard access (a page over plain http): select it for the person to copy.
    input.select();
    if (!document.execCommand("copy")) {
      announce("Select the secret and copy it.");
      return;
    }
  }
  announce("Secret copied.");
  showToast("Secret copied to the clipboard.");
}

if (section) {
  const form = document.getElementById("webhook-form");
  loadHooks();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const events = [...form.querySelectorAll('input[name="events"]:checked')].map((box) => box.value);
    const result = await api("POST", hooksUrl, { url: form.elements.url.value.trim(), events });
    if (!result.ok) {
      showErrors(form, result);
      return;
    }
    form.elements.url.value = "";
    const box = document.getElementById("webhook-secret");
    document.getElementById("webhook-secret-value").value = result.data.secret;
    box.hidden = false;
    box.querySelector('[data-action="copy-webhook-secret"]').focus();
    announce("Webhook added.");
    await loadHooks();
  });
  section.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    if (target.dataset.action === "test-webhook") testHook(target);
    else if (target.dataset.action === "delete-webhook") deleteHook(target);
    else if (target.dataset.action === "enable-webhook") enableHook(target);
    else if (target.dataset.action === "copy-webhook-secret") copySecret();
  });
}
