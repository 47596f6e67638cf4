// Card density: "Compact cards" in the board's header, remembered in this browser. A classic
// script in <head>, not a module, so the remembered density applies before the cards are drawn.
(function () {
  const KEY = "board.density";
  const root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage blocked: the default density
    }
  }

  function apply(density) {
    if (density === "compact") root.dataset.density = "compact";
    else delete root.dataset.density;
    const toggle = document.getElementById("density-toggle");
    if (toggle) toggle.setAttribute("aria-pressed", String(density === "compact"));
  }

  apply(stored());
  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.getElementById("density-toggle");
    if (!toggle) return;
    apply(stored());
    toggle.addEventListener("click", () => {
      const density = root.dataset.density === "compact" ? "comfortable" : "compact";
      try {
        window.localStorage.setItem(KEY, density);
      } catch (error) {
        // Not remembered, still applied.
      }
      apply(density);
    });
  });
})();
