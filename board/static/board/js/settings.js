// The board settings page (board/templates/board/settings.html): owners rename the board, change
// who can see it, manage members and bots through the REST API (/boards/{id}, its members/ and
// bots/). The members list comes back as server HTML (board/partials/members.html) after a change;
// bots are listed from the API, every string through textContent.
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { clearErrors, showErrors } from "./forms.js";
import { fetchFragment, swapIn } from "./fragments.js";
import "./newboard.js";
import { localDate } from "./times.js";

const root = document.getElementById("board-settings");
const boardUrl = "/boards/" + root.dataset.boardId;
const me = root.dataset.me;

function memberUrl(username) {
  return boardUrl + "/members/" + encodeURIComponent(username);
}

async function refreshMembers() {
  const fresh = await fetchFragment(window.location.pathname, "members-section");
  if (fresh) swapIn(document.getElementById("members-section"), fresh);
}

// -- The board's name and visibility.
function setUpBoardForm() {
  const form = document.getElementById("board-form");
  if (!form) return;
  const visibility = document.getElementById("board-visibility");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    if (form.elements.name.value !== form.elements.name.dataset.saved) body.name = form.elements.name.value;
    if (form.elements.visibility.value !== visibility.dataset.saved) body.visibility = form.elements.visibility.value;
    if (Object.keys(body).length === 0) {
      announce("Nothing to save.");
      return;
    }
    const result = await api("PATCH", boardUrl, body);
    if (!result.ok) {
      showErrors(form, result);
      return;
    }
    const name = result.data && result.data.name ? result.data.name : form.elements.name.value;
    form.elements.name.dataset.saved = name;
    form.elements.name.value = name;
    visibility.dataset.saved = form.elements.visibility.value;
    document.getElementById("settings-board-name").textContent = name;
    const current = document.getElementById("current-board-name");
    if (current) current.textContent = name;
    document.title = "Settings · " + name + " · Status Tracker";
    announce("Saved the board's settings.");
  });
}

// -- Members: role changes, removal, adding by username.
async function changeRole(select) {
  const item = select.closest("[data-username]");
  const username = item.dataset.username;
  const result = await api("PATCH", memberUrl(username), { role: select.value });
  if (!result.ok) {
    select.value = select.dataset.saved;
    showToast(problem(result));
    return;
  }
  announce(username + " is now " + select.options[select.selectedIndex].text.toLowerCase() + ".");
  if (username === me) {
    window.location.reload(); // what this page lets me do has changed
    return;
  }
  await refreshMembers();
}

async function removeMember(button) {
  const username = button.closest("[data-username]").dataset.username;
  const result = await api("DELETE", memberUrl(username));
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  if (username === me) {
    window.location.assign("/");
    return;
  }
  announce("Removed " + username + " from the board.");
  await refreshMembers();
  document.getElementById("member-username").focus();
}

async function addMember(form) {
  clearErrors(form);
  const username = form.elements.username.value.trim();
  const result = await api("POST", boardUrl + "/members/", { username, role: form.elements.role.value });
  if (!result.ok) {
    showErrors(form, result);
    return;
  }
  form.reset();
  announce("Added " + username + " to the board.");
  await refreshMembers();
  document.getElementById("member-username").focus();
}

function setUpMembers() {
  root.addEventListener("change", (event) => {
    const select = event.target.closest('[data-action="change-role"]');
    if (select) changeRole(select);
  });
  root.addEventListener("click", (event) => {
    const button = event.target.closest('[data-action="remove-member"]');
    if (button) removeMember(button);
  });
  root.addEventListener("submit", (event) => {
    if (event.target.id !== "member-form") return;
    event.preventDefault();
    addMember(event.target);
  });
}

// -- Bots: listed from the API; a new bot's token is shown once.
function day(iso) {
  return iso ? localDate(iso) : null;
}

function botItem(bot) {
  const item = document.createElement("li");
  item.className = "flex flex-wrap items-center gap-3 py-2.5";
  item.dataset.botName = bot.name;
  const text = document.createElement("span");
  text.className = "min-w-0 flex-1";
  const name = document.createElement("span");
  name.className = "block truncate text-sm font-medium";
  name.textContent = bot.name;
  const details = document.createElement("span");
  details.className = "block text-xs text-slate-500 dark:text-slate-400";
  details.textContent = [
    bot.created_by ? "made by " + bot.created_by : null,
    bot.last_used_at ? "last used " + day(bot.last_used_at) : "never used",
    bot.expires_at ? "expires " + day(bot.expires_at) : "never expires",
  ]
    .filter(Boolean)
    .join(" · ");
  text.append(name, details);
  const role = document.createElement("span");
  role.className = "chip";
  role.textContent = bot.role || "";
  const revoke = document.createElement("button");
  revoke.type = "button";
  revoke.className = "btn btn-danger-ghost";
  revoke.dataset.action = "revoke-bot";
  revoke.textContent = "Revoke";
  revoke.setAttribute("aria-label", "Revoke " + bot.name);
  item.append(text, role, revoke);
  return item;
}

async function loadBots() {
  const list = document.getElementById("bots-list");
  const empty = document.getElementById("bots-empty");
  const result = await api("GET", boardUrl + "/bots/");
  if (!result.ok) {
    empty.textContent =
      result.status === 404 ? "This server does not offer bots." : "Bots could not be loaded. " + problem(result);
    empty.hidden = false;
    return;
  }
  const bots = Array.isArray(result.data) ? result.data : (result.data && result.data.results) || [];
  list.replaceChildren(...bots.map(botItem));
  empty.textContent = "No bots yet.";
  empty.hidden = bots.length > 0;
}

function showToken(bot) {
  const box = document.getElementById("bot-token");
  box.querySelector("[data-bot-name]").textContent = bot.name;
  document.getElementById("bot-token-value").value = bot.token;
  box.querySelector("[data-token-expiry]").textContent = bot.expires_at
    ? "It expires on " + day(bot.expires_at) + "."
    : "It never expires: revoke the bot to end it.";
  box.hidden = false;
  box.querySelector('[data-action="copy-token"]').focus();
}

async function copyToken() {
  const input = document.getElementById("bot-token-value");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (error) {
    // No clipboard access (a page over plain http): select it for the person to copy.
    input.select();
    if (!document.execCommand("copy")) {
      announce("Select the token and copy it.");
      return;
    }
  }
  announce("Token copied.");
  showToast("Token copied to the clipboard.");
}

async function revokeBot(button) {
  // Two steps: the first click asks, the second revokes.
  if (button.dataset.confirming !== "true") {
    button.dataset.confirming = "true";
    button.textContent = "Revoke: sure?";
    return;
  }
  const name = button.closest("[data-bot-name]").dataset.botName;
  const result = await api("DELETE", boardUrl + "/bots/" + encodeURIComponent(name));
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  announce("Revoked " + name + ": its tokens no longer work.");
  await Promise.all([loadBots(), refreshMembers()]);
}

function setUpBots() {
  const form = document.getElementById("bot-form");
  if (!form) return;
  loadBots();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const expires = form.elements.expires_in_days.value;
    const result = await api("POST", boardUrl + "/bots/", {
      name: form.elements.name.value.trim(),
      role: form.elements.role.value,
      expires_in_days: expires ? Number(expires) : null,
    });
    if (!result.ok) {
      showErrors(form, result);
      return;
    }
    form.reset();
    showToken(result.data);
    await Promise.all([loadBots(), refreshMembers()]);
  });
  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    if (target.dataset.action === "copy-token") copyToken();
    else if (target.dataset.action === "revoke-bot") revokeBot(target);
  });
}

// -- Deleting the board (not the default one).
function setUpDelete() {
  const ask = root.querySelector('[data-action="delete-board"]');
  if (!ask) return;
  const confirm = root.querySelector('[data-action="confirm-delete-board"]');
  ask.addEventListener("click", () => {
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener("click", async () => {
    const result = await api("DELETE", boardUrl);
    if (!result.ok) {
      const error = document.getElementById("delete-board-error");
      error.textContent = problem(result);
      error.hidden = false;
      return;
    }
    window.location.assign("/");
  });
}

setUpBoardForm();
setUpMembers();
setUpBots();
setUpDelete();
document.documentElement.classList.add("js-ready");
