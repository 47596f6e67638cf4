// Status Tracker's service worker (served at /sw.js by notifications.views.service_worker): shows
// the notifications the server pushes (notifications.webpush.push_payload) and answers their
// "I'm on it" action with the signed acknowledgement link, which needs no session.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    icon: "/static/img/favicon.svg",
    data,
    actions: Array.isArray(data.actions) ? data.actions : [],
  };
  // One notification per tracker notification: a repeat replaces it instead of piling up.
  if (data.notification) options.tag = "notification-" + data.notification;
  event.waitUntil(self.registration.showNotification(data.title || "Status Tracker", options));
});

self.addEventListener("notificationclick", (event) => {
  const data = event.notification.data || {};
  event.notification.close();
  if (event.action === "ack" && data.ack_url) {
    event.waitUntil(acknowledge(data.ack_url, data));
  } else {
    event.waitUntil(openOrFocus(data.url || "/"));
  }
});

// The link's page carries the CSRF token its POST needs (the token in the link is the credential,
// no login): read it, POST, and say so. Anything else opens the page, where one click does it.
async function acknowledge(link, data) {
  try {
    const page = await fetch(link, { credentials: "same-origin", cache: "no-store" });
    const match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text());
    if (page.ok && match) {
      const answer = await fetch(link, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          csrfmiddlewaretoken: match[1],
          token: new URL(link).searchParams.get("token") || "",
        }),
      });
      if (answer.ok) {
        await self.registration.showNotification("Acknowledged", {
          body: "You are on it: " + (data.body || "the reminders pause for one interval."),
          icon: "/static/img/favicon.svg",
          tag: data.notification ? "notification-" + data.notification : undefined,
          data: { url: data.url || "/" },
        });
        return;
      }
    }
  } catch (error) {
    // Offline, or the link is on another origin: the page below says what happened.
  }
  await self.clients.openWindow(link);
}

async function openOrFocus(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (client.url === target && "focus" in client) return client.focus();
  }
  return self.clients.openWindow(target);
}
