// Search as you type: the query goes into the address (so a reload keeps it) and the columns refresh.
const TYPING_PAUSE_MILLISECONDS = 250;

export function setUpSearch(onChange) {
  const form = document.getElementById("search-form");
  const input = document.getElementById("search");
  if (!form) return;
  let timer = null;

  function apply() {
    const params = new URLSearchParams(window.location.search);
    const value = input.value.trim();
    if (value) params.set("q", value);
    else params.delete("q");
    const query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    onChange();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    apply();
  });
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, TYPING_PAUSE_MILLISECONDS);
  });
}
