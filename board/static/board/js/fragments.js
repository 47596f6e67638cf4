// Server-rendered HTML in: the columns and the notification list come from Django templates, which
// escape every string from data; the page only swaps them in.

// The element `id` of the fragment at `url`, parsed as an inert document (scripts never run), or
// null when the server cannot be reached or refuses.
export async function fetchFragment(url, id) {
  let response;
  try {
    response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
  } catch (error) {
    return null;
  }
  if (!response.ok) return null;
  const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = parsed.getElementById(id);
  return fresh ? document.importNode(fresh, true) : null;
}

// Put `fresh` in place of `current`, changing only what differs (idiomorph): unchanged cards stay
// the same nodes, so focus, hover and an open dialog survive and nothing flickers.
export function swapIn(current, fresh) {
  if (window.Idiomorph) window.Idiomorph.morph(current, fresh, { morphStyle: "outerHTML" });
  else current.replaceWith(fresh);
}
