// At most one call of `run` per `windowMs`, however many requests arrive: a burst of live events
// becomes one refresh now and, if more came meanwhile, one more when the window ends. The last
// request is never dropped (unlike a throttle), and a steady stream never starves it (unlike a
// debounce).
export function coalesce(run, windowMs) {
  let timer = null;
  let lastRun = -Infinity;
  return function request() {
    if (timer !== null) return; // the scheduled call will see this change too
    const wait = Math.max(0, lastRun + windowMs - performance.now());
    timer = window.setTimeout(() => {
      timer = null;
      lastRun = performance.now();
      run();
    }, wait);
  };
}
