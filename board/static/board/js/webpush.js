// "Notify this browser" on the Notifications page: a web push channel for this browser. On:
// register the service worker (/sw.js), subscribe with the server's VAPID key
// (GET /channels/webpush-key) and add the subscription as a "webpush" channel (POST /channels/).
// Off: remove that channel and unsubscribe. The state line says which it is for this browser.
const section = document.getElementById("webpush");
const state = document.getElementById("webpush-state");
const toggle = document.getElementById("webpush-toggle");
const csrfToken = (document.querySelector('input[name="csrfmiddlewaretoken"]') || {}).value || "";

async function call(method, url, body) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const data = (response.headers.get("Content-Type") || "").includes("json")
    ? await response.json()
    : null;
  if (!response.ok) {
    const detail = data && (data.detail || (data.target && data.target[0]));
    throw new Error(detail || "the server answered " + response.status);
  }
  return data;
}

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4))
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function show(text, buttonLabel) {
  state.textContent = text;
  toggle.hidden = !buttonLabel;
  if (buttonLabel) toggle.textContent = buttonLabel;
  section.dataset.state = buttonLabel === "Stop notifying this browser" ? "on" : "off";
}

// This browser's channel: the webpush channel whose endpoint is this browser's subscription's.
async function current() {
  const registration = await navigator.serviceWorker.getRegistration("/");
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  let channel = null;
  if (subscription) {
    const channels = await call("GET", section.dataset.channelsUrl);
    channel =
      channels.find((c) => {
        if (c.kind !== "webpush") return false;
        try {
          return JSON.parse(c.target).endpoint === subscription.endpoint;
        } catch (error) {
          return false;
        }
      }) || null;
  }
  return { subscription, channel };
}

async function refresh() {
  const { channel } = await current();
  if (channel && channel.enabled) {
    show("On: this browser shows your notifications.", "Stop notifying this browser");
  } else if (channel) {
    show(
      "Off: this browser's channel was switched off" +
        (channel.disabled_reason ? " (" + channel.disabled_reason + ")." : "."),
      "Notify this browser",
    );
  } else if (Notification.permission === "denied") {
    show("Notifications are blocked for this site in this browser's settings.", "");
  } else {
    show("Off: this browser does not get your notifications.", "Notify this browser");
  }
}

async function turnOn() {
  if ((await Notification.requestPermission()) !== "granted") {
    show("This browser did not allow notifications for this site.", "Notify this browser");
    return;
  }
  const { subscription: old, channel } = await current();
  if (channel) await call("DELETE", section.dataset.channelsUrl + "/" + channel.id);
  if (old) await old.unsubscribe();
  await navigator.serviceWorker.register(section.dataset.workerUrl, { scope: "/" });
  const registration = await navigator.serviceWorker.ready;
  const { public_key: key } = await call("GET", section.dataset.keyUrl);
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(key),
  });
  await call("POST", section.dataset.channelsUrl, {
    kind: "webpush",
    target: JSON.stringify(subscription.toJSON()),
  });
  window.location.reload(); // the channel list above shows the new one
}

async function turnOff() {
  const { subscription, channel } = await current();
  if (channel) await call("DELETE", section.dataset.channelsUrl + "/" + channel.id);
  if (subscription) await subscription.unsubscribe();
  window.location.reload();
}

if (section) {
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!window.isSecureContext || !supported) {
    show(
      "This browser cannot get push notifications from this address: browsers allow them only " +
        "over HTTPS (or on localhost).",
      "",
    );
  } else {
    toggle.addEventListener("click", async () => {
      const on = section.dataset.state === "on";
      toggle.disabled = true;
      state.textContent = on ? "Turning off…" : "Turning on…";
      try {
        await (on ? turnOff() : turnOn());
      } catch (error) {
        show("Could not " + (on ? "turn off" : "turn on") + " notifications: " + error.message, on ? "Stop notifying this browser" : "Notify this browser");
      } finally {
        toggle.disabled = false;
      }
    });
    refresh().catch((error) => show("Could not read this browser's state: " + error.message, ""));
  }
}
